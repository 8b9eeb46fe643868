#!/usr/bin/env bash
# Ceph's S3 gateway for the S3 destination's tests, from Debian's packages (Pacific on bookworm):
# radosgw plus the mon and OSD it stores into, and ceph-common for the `ceph` CLI and
# radosgw-admin. Only installed here: each test file starts its own throwaway one-node cluster on
# free loopback ports and removes it afterwards (packages/test-stores/src/radosgw.ts), so nothing
# is left running and no port is assumed. The packages' systemd units are never started.
set -euo pipefail
# What is missing, the question on a terminal and the apt-get: scripts/system-packages.sh.
exec "$(dirname "${BASH_SOURCE[0]}")/system-packages.sh" ceph
