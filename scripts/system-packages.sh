#!/usr/bin/env bash
# The Debian packages the tests need beyond Node.js and npm, in one place: what each group is for,
# which of its packages are missing, and one `apt-get install` of all of them, as root or through
# sudo. The README's "Try it" lists the same packages.
#
#   scripts/system-packages.sh GROUP...       # GROUP: toolchain services age ceph rclone
#   scripts/system-packages.sh --yes GROUP... # never asks (as ASANA_EXPORTS_ASSUME_YES=1)
#
# On a terminal (stdin is a TTY and CI is not "true") it lists what it would install and asks once,
# y/N, before touching the system; ASANA_EXPORTS_ASSUME_YES=1 or --yes answers yes. In CI and in
# non-interactive runs it installs without asking, so a fresh machine needs no one at the keyboard.
# Nothing missing: no question, no apt-get, exit 0.
set -euo pipefail

assume_yes="${ASANA_EXPORTS_ASSUME_YES:-}"
if [ "${1:-}" = "--yes" ]; then
  assume_yes=1
  shift
fi

missing=()
reasons=()
need() { # need REASON PACKAGE... : records packages that are missing, with what they are for
  local reason="$1"
  shift
  missing+=("$@")
  reasons+=("  $* ($reason)")
}
has() { # has PROGRAM... : whether every program is on PATH
  local program
  for program in "$@"; do command -v "$program" >/dev/null || return 1; done
}

for group in "$@"; do
  case "$group" in
    toolchain)
      # node-gyp compiles n8n's sqlite3 and isolated-vm from source (install-n8n.sh).
      has g++ || need "C++ compiler for n8n's native modules" g++
      has make || need "runs node-gyp's makefiles" make
      has python3 || need "runs node-gyp's gyp" python3
      ;;
    services)
      # n8n's queue mode: each test run starts its own on free loopback ports.
      compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null ||
        need "n8n queue-mode tests" postgresql
      has redis-server || need "n8n queue-mode tests" redis-server
      ;;
    age)
      has age age-keygen || need "reference for the encryption tests" age
      ;;
    ceph)
      # radosgw plus the mon and OSD it stores into; ceph-common has `ceph` and radosgw-admin.
      has radosgw radosgw-admin ceph-mon ceph-osd ceph monmaptool ||
        need "local S3 server for the S3 destination tests" radosgw ceph-mon ceph-osd ceph-common
      ;;
    rclone)
      has rclone || need "the benchmarks' reference S3 client" rclone
      ;;
    *)
      echo "system-packages: unknown group '$group' (toolchain, services, age, ceph or rclone)" >&2
      exit 2
      ;;
  esac
done

if ((${#missing[@]} == 0)); then
  exit 0
fi

sudo=''
if [ "$EUID" -ne 0 ]; then
  sudo='sudo '
fi
command_line="${sudo}apt-get install -y --no-install-recommends ${missing[*]}"
if ! has apt-get || { [ -n "$sudo" ] && ! has sudo; }; then
  echo "system-packages: these Debian packages are missing:" >&2
  printf '%s\n' "${reasons[@]}" >&2
  if has apt-get; then
    echo "Installing them needs root or sudo. Install them as root: apt-get install ${missing[*]}" >&2
  else
    echo "apt-get is not here (not Debian or Ubuntu): install the same programs with your system's package manager." >&2
  fi
  exit 1
fi

if [ -t 0 ] && [ "${CI:-}" != "true" ] && [ "$assume_yes" != "1" ]; then
  {
    echo "The tests need these Debian packages, which are not installed:"
    printf '%s\n' "${reasons[@]}"
    echo "They would be installed system-wide with: ${sudo}apt-get update && $command_line"
    echo "(ASANA_EXPORTS_ASSUME_YES=1 skips this question.)"
  } >&2
  read -r -p "Install them now? [y/N] " answer || answer=''
  case "$answer" in
    y | Y | yes | YES | Yes) ;;
    *)
      echo "Nothing installed. Install them yourself ($command_line), or run again and answer y." >&2
      exit 1
      ;;
  esac
fi

echo "Installing ${missing[*]} from Debian's packages with ${sudo}apt-get" >&2
export DEBIAN_FRONTEND=noninteractive
${sudo}apt-get update -qq
${sudo}apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
