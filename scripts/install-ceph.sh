#!/usr/bin/env bash
# Ceph's S3 gateway for the S3 destination's tests, from Debian's packages (Pacific on bookworm):
# radosgw plus the mon and OSD it stores into, and ceph-common for the `ceph` CLI and
# radosgw-admin. Only installed here: each test file starts its own throwaway one-node cluster on
# free loopback ports and removes it afterwards (packages/test-stores/src/radosgw.ts), so nothing
# is left running and no port is assumed. The packages' systemd units are never started.
set -euo pipefail

missing=()
for program in radosgw radosgw-admin ceph-mon ceph-osd ceph monmaptool; do
  if ! command -v "$program" >/dev/null; then
    missing=(radosgw ceph-mon ceph-osd ceph-common)
    break
  fi
done
if ((${#missing[@]} == 0)); then
  exit 0
fi

sudo=''
if [ "$(id -u)" -ne 0 ]; then
  sudo='sudo'
fi
echo "Installing ${missing[*]} from Debian's packages for the S3 tests" >&2
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
