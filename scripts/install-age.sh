#!/usr/bin/env bash
# The reference age tool (Debian's `age` package: `age` and `age-keygen`), which the core's tests
# use to check our encryption both ways: it decrypts what we wrote, we decrypt what it wrote. Only
# installed here; the tests that need it fail under CI=true when it is missing.
set -euo pipefail
# What is missing, the question on a terminal and the apt-get: scripts/system-packages.sh.
exec "$(dirname "${BASH_SOURCE[0]}")/system-packages.sh" age
