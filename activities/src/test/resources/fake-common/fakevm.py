"""What the fake `anka` and the fake `tart` share: JSON state files, the config with injected
failures, the state lock, the fake GitHub runner in every template, and killing a VM's processes."""
import fcntl
import json
import os
import signal
import time

FAKE_RUNNER = r"""#!/bin/bash
# fake GitHub Actions runner (fake anka / fake tart): takes --jitconfig, or nothing once config.sh
# has configured it, runs the job hooks like the real runner, and ends when
# $HOME/.fake-runner-finish appears; its content is the exit code.
config=""
while [ $# -gt 0 ]; do
  case "$1" in
    --jitconfig) config="$2"; shift 2 ;;
    *) echo "fake runner: unknown argument $1" >&2; exit 64 ;;
  esac
done
if [ -z "$config" ]; then
  [ -f "$(dirname "$0")/.runner" ] || { echo "fake runner: not configured and no --jitconfig" >&2; exit 64; }
  config="configured:$(cat "$(dirname "$0")/.runner")"
fi
printf '%s' "$config" > "$HOME/.fake-runner-received"
if [ -n "${ACTIONS_RUNNER_HOOK_JOB_STARTED:-}" ] && ! /bin/bash -e "$ACTIONS_RUNNER_HOOK_JOB_STARTED"; then
  # as GitHub's runner: a failing job-started hook fails the job, whose steps never run
  echo "fake runner: the job-started hook failed; job failed" > "$HOME/.fake-job-failed"
  exit 0
fi
while [ ! -f "$HOME/.fake-runner-finish" ]; do sleep 0.1; done
if [ -n "${ACTIONS_RUNNER_HOOK_JOB_COMPLETED:-}" ]; then /bin/bash "$ACTIONS_RUNNER_HOOK_JOB_COMPLETED"; fi
exit "$(cat "$HOME/.fake-runner-finish")"
"""


FAKE_CONFIG = r"""#!/bin/bash
# fake config.sh: takes GitHub's registration flags, checks the required ones and that each value is
# one argument, records them one a line in $HOME/.fake-runner-configured and writes .runner.
set -u
: > "$HOME/.fake-runner-configured"
seen=""
while [ $# -gt 0 ]; do
  case "$1" in
    --unattended|--ephemeral|--disableupdate) seen="$seen $1"; printf '%s\n' "$1" >> "$HOME/.fake-runner-configured"; shift ;;
    --url|--token|--name|--labels|--runnergroup|--work)
      [ $# -ge 2 ] || { echo "fake config: $1 needs a value" >&2; exit 64; }
      seen="$seen $1"; printf '%s=%s\n' "$1" "$2" >> "$HOME/.fake-runner-configured"; shift 2 ;;
    *) echo "fake config: unknown argument $1" >&2; exit 64 ;;
  esac
done
for required in --unattended --ephemeral --url --token --name; do
  case "$seen " in *" $required "*) ;; *) echo "fake config: $required is required" >&2; exit 64 ;; esac
done
printf 'configured' > "$(dirname "$0")/.runner"
"""


def read_json(p, default=None):
    try:
        with open(p) as f:
            return json.load(f)
    except FileNotFoundError:
        return default


def write_json(p, data):
    tmp = p + ".tmp"
    with open(tmp, "w") as f:
        json.dump(data, f)
    os.replace(tmp, p)


def load_config(config_file, defaults):
    cfg = json.loads(json.dumps(defaults))
    cfg.update(read_json(config_file, {}))
    return cfg


def use_failure(config_file, config, command, stage):
    """The injected failure of `command` at `stage` (config "fail": {"<command>": {"times": n, "stage":
    s, ...}}), counted down in the file; None if there is none left."""
    spec = config.get("fail", {}).get(command)
    if not spec or spec.get("stage", "before") != stage or spec.get("times", 1) <= 0:
        return None
    cfg = read_json(config_file, {})
    cfg.setdefault("fail", {})[command] = dict(spec, times=spec.get("times", 1) - 1)
    write_json(config_file, cfg)
    return spec


def write_fake_runner(home):
    """Puts the fake runner at <home>/actions-runner/run.sh and config.sh, as a template's disk has it."""
    os.makedirs(os.path.join(home, "actions-runner"))
    runner = os.path.join(home, "actions-runner", "run.sh")
    with open(runner, "w") as f:
        f.write(FAKE_RUNNER)
    os.chmod(runner, 0o755)
    config = os.path.join(home, "actions-runner", "config.sh")
    with open(config, "w") as f:
        f.write(FAKE_CONFIG)
    os.chmod(config, 0o755)


def kill_process_groups(pgids_file):
    """Ends every process group listed in the file (the processes a VM's commands started)."""
    try:
        with open(pgids_file) as f:
            pgids = [int(x) for x in f.read().split()]
    except FileNotFoundError:
        return
    for sig in (signal.SIGTERM, signal.SIGKILL):
        for pgid in pgids:
            try:
                os.killpg(pgid, sig)
            except (ProcessLookupError, PermissionError):
                pass
        time.sleep(0.1)
    os.remove(pgids_file)


class Locked:
    """flock on a file: one mutating command at a time."""

    def __init__(self, lock_file):
        self.lock_file = lock_file

    def __enter__(self):
        self.f = open(self.lock_file, "a")
        fcntl.flock(self.f, fcntl.LOCK_EX)

    def __exit__(self, *exc):
        fcntl.flock(self.f, fcntl.LOCK_UN)
        self.f.close()
