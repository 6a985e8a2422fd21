#!/bin/bash
# Hangar, inside the VM: prints one line, hangar-runner-state=<STATE>, with STATE one of
# NOT_STARTED, RUNNING, EXITED_OK, EXITED_FAILED. Override: a file of the same name in
# hangar.host.anka.scripts-dir or hangar.host.tart.scripts-dir (it must print the same line).
HANGAR_DIR="${HANGAR_DIR:-$HOME/hangar}"
state() {
  echo "hangar-runner-state=$1"
  exit 0
}
exited() {
  if [ "$(cat "$HANGAR_DIR/exit-code")" = "0" ]; then state EXITED_OK; else state EXITED_FAILED; fi
}
[ -f "$HANGAR_DIR/runner.pid" ] || state NOT_STARTED
[ -f "$HANGAR_DIR/exit-code" ] && exited
kill -0 "$(cat "$HANGAR_DIR/runner.pid")" 2>/dev/null && state RUNNING
[ -f "$HANGAR_DIR/exit-code" ] && exited
state EXITED_FAILED
