#!/usr/bin/env bash
# The benchmarks from the README (not part of the test suite): sets the machine up, then runs
# bench/run.mjs, which writes JSON and Markdown results under bench/results/.
set -euo pipefail
. "$(dirname "$0")/bootstrap.sh"
exec node bench/run.mjs "$@"
