#!/bin/bash
# Hangar, inside the VM: runs the ephemeral runner once, then records its exit code in
# $HANGAR_DIR/exit-code. Started in the background by start-runner.sh.
# The JIT configuration is read from its file and the file is removed before the runner starts,
# so the job's own steps cannot read it. Override: a file of the same name in
# hangar.host.anka.scripts-dir.
set -uo pipefail
cd "$RUNNER_HOME" || exit 4
config="$(cat "$HANGAR_DIR/.jitconfig")"
rm -f "$HANGAR_DIR/.jitconfig"
./run.sh --jitconfig "$config"
code=$?
unset config
echo "$code" >"$HANGAR_DIR/exit-code.tmp" && mv "$HANGAR_DIR/exit-code.tmp" "$HANGAR_DIR/exit-code"
exit "$code"
