#!/usr/bin/env bash
# Runs every Hangar test: unit tests (time-skipping Temporal test server), gateway and host tests,
# and the end-to-end suite against a real Temporal dev server. Installs what it needs first.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/tools.sh
exec ./mvnw -B -ntp verify -Dhangar.temporal.cli="$TEMPORAL_CLI" -Dhangar.tctl="$TCTL" "$@"
