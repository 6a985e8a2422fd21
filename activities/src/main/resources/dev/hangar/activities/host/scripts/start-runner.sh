#!/bin/bash
# Hangar, inside the VM: starts the GitHub Actions runner with the single-use JIT configuration (or
# what config.sh needs to register it with a registration token, see run-runner.sh)
# that the host copied to $HANGAR_DIR/.jitconfig (mode 0600) with `anka cp` or through `tart exec`'s
# standard input. The host runs this script with `anka run` or `tart exec`; the configuration is
# read from the file here, inside the VM, so it never appears in a process argument or a log on the
# host.
#
# Override: put a file of the same name in hangar.host.anka.scripts-dir (hangar.host.tart.scripts-dir).
# Hooks: job-started.sh and job-completed.sh in that directory become the runner's
# ACTIONS_RUNNER_HOOK_JOB_STARTED and ACTIONS_RUNNER_HOOK_JOB_COMPLETED. When the host installed the
# pool's trust hook (trust-check.sh), that is the job-started hook, and it runs job-started.sh
# after its check passes.
set -euo pipefail
HANGAR_DIR="${HANGAR_DIR:-$HOME/hangar}"
RUNNER_HOME="${RUNNER_HOME:-$HOME/actions-runner}"
umask 077

if [ -f "$HANGAR_DIR/runner.pid" ] && kill -0 "$(cat "$HANGAR_DIR/runner.pid")" 2>/dev/null; then
  rm -f "$HANGAR_DIR/.jitconfig"
  echo "hangar: the runner is already running"
  exit 0
fi
if [ ! -f "$HANGAR_DIR/.jitconfig" ]; then
  echo "hangar: no JIT configuration in $HANGAR_DIR" >&2
  exit 3
fi
if [ ! -x "$RUNNER_HOME/run.sh" ]; then
  echo "hangar: no runner at $RUNNER_HOME/run.sh" >&2
  exit 4
fi
chmod 600 "$HANGAR_DIR/.jitconfig"
rm -f "$HANGAR_DIR/exit-code"
if [ -f "$HANGAR_DIR/trust-check.sh" ]; then
  export ACTIONS_RUNNER_HOOK_JOB_STARTED="$HANGAR_DIR/trust-check.sh"
elif [ -f "$HANGAR_DIR/job-started.sh" ]; then
  export ACTIONS_RUNNER_HOOK_JOB_STARTED="$HANGAR_DIR/job-started.sh"
fi
if [ -f "$HANGAR_DIR/job-completed.sh" ]; then
  export ACTIONS_RUNNER_HOOK_JOB_COMPLETED="$HANGAR_DIR/job-completed.sh"
fi
export HANGAR_DIR RUNNER_HOME
nohup /bin/bash "$HANGAR_DIR/run-runner.sh" >"$HANGAR_DIR/runner.log" 2>&1 </dev/null &
echo $! >"$HANGAR_DIR/runner.pid"
echo "hangar: runner started"
