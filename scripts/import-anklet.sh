#!/usr/bin/env bash
# Turns an Anklet config.yml into Hangar configuration:
#   scripts/import-anklet.sh path/to/config.yml [--out DIR]
# writes DIR/gateway.yml (webhook-gateway overrides) and DIR/host.yml (worker-host overrides, when
# the config has github handler plugins; run it once per Mac if the Macs differ), and prints what it
# mapped, what it dropped and why, conflicts, and what you must still provide. Secrets are never
# copied: the files name environment variables instead. Default DIR: ./hangar-from-anklet.
# Exit status: 0 done, 3 written but with conflicts to decide, 1 not a usable config, 2 usage.
# See docs/migrating-from-anklet.md ("Importer").
set -euo pipefail
HERE=$(cd "$(dirname "$0")/.." && pwd)

jar() { ls "$HERE/anklet-import/target/"hangar-anklet-import-*-exec.jar 2>/dev/null | head -n 1 || true; }
J=$(jar)
if [[ -z "$J" || -n "$(find "$HERE/anklet-import" "$HERE/pom.xml" -path '*/target' -prune -o -type f -newer "$J" -print -quit)" ]]; then
  echo "building the importer..." >&2
  (cd "$HERE" && ./mvnw -q -B -ntp -pl anklet-import -DskipTests package >&2)
  J=$(jar)
fi
exec java -jar "$J" "$@"
