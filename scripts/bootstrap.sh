#!/usr/bin/env bash
# Brings everything the project needs onto a fresh machine, from the npm registry only:
# Node 24 (the `node` package ships a real binary), pnpm, npm, the workspace's dependencies,
# and a build of every package. npm is pinned too: the machine's own may be any version (Debian
# 12's is 9.2, whose `install --omit=peer` still installs peer dependencies, which failed the
# release dry run on a fresh Debian machine), and the scripts' npm commands must mean one thing.
# Idempotent: a second run only re-checks.
# Source it (`. scripts/bootstrap.sh`) so PATH keeps Node 24 and pnpm for the caller.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tools_dir="$repo_root/.tools"
node_spec="node@24"
pnpm_spec="pnpm@10.34.9"
npm_spec="npm@11.19.1"

if [ ! -x "$tools_dir/node_modules/.bin/node" ] || [ ! -x "$tools_dir/node_modules/.bin/pnpm" ] ||
  [ ! -x "$tools_dir/node_modules/.bin/npm" ]; then
  echo "bootstrap: installing $node_spec, $pnpm_spec and $npm_spec into .tools/ from the npm registry" >&2
  mkdir -p "$tools_dir"
  npm install --prefix "$tools_dir" --no-save --no-package-lock --loglevel=error \
    "$node_spec" "$pnpm_spec" "$npm_spec" >&2
fi
export PATH="$tools_dir/node_modules/.bin:$PATH"

node_major="$(node -p 'process.versions.node.split(".")[0]')"
if [ "$node_major" != "24" ]; then
  echo "bootstrap: expected Node 24 on PATH, found $(node --version)" >&2
  exit 1
fi

cd "$repo_root"
if [ ! -f node_modules/.modules.yaml ] || [ pnpm-lock.yaml -nt node_modules/.modules.yaml ]; then
  pnpm install --frozen-lockfile --reporter=append-only >&2
fi
# scripts/test.sh times the build as a phase of its own (scripts/phases.sh).
if declare -F phase >/dev/null; then phase build; fi
pnpm -s build >&2
