#!/usr/bin/env bash
# The reference age tool (Debian's `age` package: `age` and `age-keygen`), which the core's tests
# use to check our encryption both ways: it decrypts what we wrote, we decrypt what it wrote. Only
# installed here; the tests that need it fail under CI=true when it is missing.
set -euo pipefail

if command -v age >/dev/null && command -v age-keygen >/dev/null; then
  exit 0
fi

sudo=''
if [ "$(id -u)" -ne 0 ]; then
  sudo='sudo'
fi
echo "Installing age from Debian's packages for the encryption tests" >&2
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends age >/dev/null
