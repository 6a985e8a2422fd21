#!/bin/bash
# Hangar, inside the VM: the runner's job-started hook (ACTIONS_RUNNER_HOOK_JOB_STARTED), run by the
# runner as `bash -e trust-check.sh` before the job's first step. It fails the job unless the pool's
# trust policy, trust-policy.json beside this file (written by the host, never built from a shell
# string), allows the job's owner, repository and event and, unless the pool allows them, the job
# does not come from a fork's pull request.
#
# The check is trust-check.js, run by the Node.js the actions runner ships for JavaScript actions
# ($RUNNER_HOME/externals/node*/bin/node; every runner has one, unlike /usr/bin/python3 on a fresh
# macOS), with an empty environment but the three GitHub variables it reads, so nothing the job
# sets (NODE_OPTIONS, ...) changes it. Without Node.js or a readable policy the job is refused.
# When the check passes, job-started.sh beside this file runs, if there is one.
# Written for the bash 3.2 of macOS.
set -u
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
runner_home="${RUNNER_HOME:-$HOME/actions-runner}"
node=""
for candidate in "$runner_home"/externals/node*/bin/node; do
  if [ -x "$candidate" ]; then
    node="$candidate"
  fi
done
if [ -z "$node" ]; then
  echo "::error title=Hangar trust policy::job refused: no Node.js in $runner_home/externals to check the pool's trust policy with"
  exit 1
fi
/usr/bin/env -i \
  "GITHUB_EVENT_NAME=${GITHUB_EVENT_NAME:-}" \
  "GITHUB_EVENT_PATH=${GITHUB_EVENT_PATH:-}" \
  "GITHUB_REPOSITORY=${GITHUB_REPOSITORY:-}" \
  "$node" "$here/trust-check.js" "$here/trust-policy.json" || exit 1
if [ -f "$here/job-started.sh" ]; then
  exec /bin/bash -e "$here/job-started.sh"
fi
exit 0
