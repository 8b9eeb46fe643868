# Times the phases of a script and prints them in one line when it ends, however it ends:
#   phases: system packages 0s, bootstrap 21s, build 1m10s, lint 20s, install n8n 4m02s, tests 15m20s
# A failed or interrupted run marks the phase it stopped in: `…, tests 3m05s (failed, exit 1)`.
# Source it, then call `phase NAME` at the start of each phase. The line goes to stdout, last.

phases_done=()
phases_name=''
phases_started=0

# 62 → 1m02s, 5 → 5s
phases_format() {
  if (($1 < 60)); then
    printf '%ds' "$1"
  else
    printf '%dm%02ds' $(($1 / 60)) $(($1 % 60))
  fi
}

# phase NAME: ends the current phase (if any) and starts NAME.
phase() {
  if [ -n "$phases_name" ]; then
    phases_done+=("$phases_name $(phases_format $((SECONDS - phases_started)))")
  fi
  phases_name="$1"
  phases_started=$SECONDS
}

phases_report() {
  local status=$?
  local last=''
  if [ -n "$phases_name" ]; then
    last="$phases_name $(phases_format $((SECONDS - phases_started)))"
    if ((status != 0)); then last+=" (failed, exit $status)"; fi
    phases_done+=("$last")
    phases_name=''
  fi
  local joined='' entry
  for entry in "${phases_done[@]}"; do joined+="${joined:+, }$entry"; done
  echo "phases: $joined"
  return "$status"
}

trap phases_report EXIT
# An interrupt ends the run through EXIT, with the shell's usual status (130 for Ctrl-C).
trap 'exit 130' INT
trap 'exit 143' TERM
