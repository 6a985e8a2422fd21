#!/usr/bin/env bash
# Hangar's local stack on embedded defaults:
#   Temporal dev server  gRPC 127.0.0.1:7233, Web UI http://localhost:8233 (SQLite in .local/)
#   GitHub emulator      http://127.0.0.1:8099 (sends signed webhooks to the gateway)
#   webhook-gateway      http://127.0.0.1:8080/webhook (also runs the job workflows)
#   worker-host          one simulated Mac, http://127.0.0.1:8081/actuator/prometheus
# and a demo: a new job every 15 s, so workflows appear and finish in the Web UI.
#
# Options:
#   --no-demo     start the stack but create no jobs
#   --real-github use real GitHub instead of the emulator: set HANGAR_GITHUB_TOKEN (and
#                 HANGAR_GATEWAY_WEBHOOK_SECRET to your webhook's secret, HANGAR_GITHUB_API_URL for
#                 GitHub Enterprise Server) and point a workflow_job webhook at the gateway.
# Stop with Ctrl-C: every process started here is stopped.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)

DEMO=1
REAL_GITHUB=0
for arg in "$@"; do
  case "$arg" in
    --no-demo) DEMO=0 ;;
    --real-github) REAL_GITHUB=1 ;;
    *) echo "unknown option: $arg (see the top of $0)" >&2; exit 2 ;;
  esac
done

. scripts/tools.sh

STATE="$ROOT/.local"
mkdir -p "$STATE/logs"

# Secrets: generated once, kept in a 0600 file, passed to processes through their environment only.
if [[ ! -f "$STATE/secrets.env" ]]; then
  umask 077
  {
    echo "HANGAR_SECRETS_KEY=$(head -c 32 /dev/urandom | base64)"
    echo "HANGAR_LOCAL_WEBHOOK_SECRET=$(head -c 24 /dev/urandom | base64 | tr -d '/+=')"
    echo "HANGAR_LOCAL_GITHUB_TOKEN=ghp_$(head -c 24 /dev/urandom | base64 | tr -d '/+=')"
  } > "$STATE/secrets.env"
  umask 022
fi
set -a; . "$STATE/secrets.env"; set +a

if [[ $REAL_GITHUB == 1 ]]; then
  : "${HANGAR_GITHUB_TOKEN:?set HANGAR_GITHUB_TOKEN to use real GitHub}"
  : "${HANGAR_GATEWAY_WEBHOOK_SECRET:?set HANGAR_GATEWAY_WEBHOOK_SECRET to the secret of your webhook}"
  export HANGAR_GITHUB_API_URL="${HANGAR_GITHUB_API_URL:-https://api.github.com}"
  DEMO=0
else
  export HANGAR_GITHUB_TOKEN="$HANGAR_LOCAL_GITHUB_TOKEN"
  export HANGAR_GATEWAY_WEBHOOK_SECRET="$HANGAR_LOCAL_WEBHOOK_SECRET"
  export HANGAR_GITHUB_API_URL="http://127.0.0.1:8099"
fi

jar() { ls "$ROOT/$1/target/"*-exec.jar 2>/dev/null | head -n 1; }
stale() { # true when a jar is missing or any source or POM is newer than it
  local m j
  for m in webhook-gateway worker-host github-emulator; do
    j=$(jar "$m")
    [[ -z "$j" ]] && return 0
    [[ -n "$(find "$ROOT" -path '*/target' -prune -o \( -name '*.java' -o -name 'pom.xml' -o -name '*.yml' -o -name '*.json' \) -newer "$j" -print -quit)" ]] && return 0
  done
  return 1
}
if stale; then
  echo "building Hangar..." >&2
  ./mvnw -q -B -ntp -DskipTests package
fi

PIDS=()
cleanup() {
  trap - INT TERM EXIT
  echo "stopping..." >&2
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup INT TERM EXIT

wait_http() { # name url
  for _ in $(seq 1 120); do
    if curl -fsS -o /dev/null "$2" 2>/dev/null; then return 0; fi
    sleep 0.5
  done
  echo "$1 did not come up; see $STATE/logs/$1.log" >&2
  exit 1
}

echo "starting Temporal dev server (Web UI http://localhost:8233)..." >&2
# Hangar's search attributes (dev.hangar.workflows.HangarSearchAttributes; SearchAttributesDocTest
# checks this list), so the Web UI can find jobs by repository, host, phase..., and the keys of
# deploy/temporal/dynamicconfig.yaml as flags (TemporalDynamicConfigTest checks them).
"$TEMPORAL_CLI" server start-dev --ip 127.0.0.1 --port 7233 --ui-port 8233 \
  --db-filename "$STATE/temporal.db" --log-level warn \
  --search-attribute HangarOwner=Keyword --search-attribute HangarRepo=Keyword \
  --search-attribute HangarTemplate=Keyword --search-attribute HangarHost=Keyword \
  --search-attribute HangarPhase=Keyword --search-attribute HangarAttempt=Int \
  --search-attribute HangarConclusion=Keyword \
  --dynamic-config-value history.transferProcessorMaxPollRPS=200 \
  > "$STATE/logs/temporal.log" 2>&1 &
PIDS+=($!)
wait_http temporal http://127.0.0.1:8233/

if [[ $REAL_GITHUB == 0 ]]; then
  echo "starting the GitHub emulator on http://127.0.0.1:8099..." >&2
  HANGAR_EMULATOR_TOKEN="$HANGAR_GITHUB_TOKEN" HANGAR_EMULATOR_WEBHOOK_SECRET="$HANGAR_GATEWAY_WEBHOOK_SECRET" \
    java -Dhangar.emulator.port=8099 -Dhangar.emulator.webhook-url=http://127.0.0.1:8080/webhook \
    -jar "$(jar github-emulator)" > "$STATE/logs/github-emulator.log" 2>&1 &
  PIDS+=($!)
  wait_http github-emulator http://127.0.0.1:8099/_emulator/state
fi

echo "starting webhook-gateway on http://127.0.0.1:8080..." >&2
MALLOC_ARENA_MAX=2 java @"$ROOT/deploy/jvm/webhook-gateway.options" -jar "$(jar webhook-gateway)" --spring.config.additional-location="file:$ROOT/scripts/local/gateway.yml" \
  > "$STATE/logs/webhook-gateway.log" 2>&1 &
PIDS+=($!)

RUNNER=()
if [[ $REAL_GITHUB == 0 ]]; then
  # Inside each simulated VM, a runner that takes work from the emulator the way a real runner
  # takes it from GitHub.
  RUNNER=(--hangar.host.simulated.runner-command="java,-Dloader.main=dev.hangar.emulator.SimulatedRunner,-jar,$(jar github-emulator)")
fi
echo "starting worker-host local-mac-1 on http://127.0.0.1:8081..." >&2
java @"$ROOT/deploy/jvm/worker-host.options" -jar "$(jar worker-host)" --spring.config.additional-location="file:$ROOT/scripts/local/host.yml" \
  --hangar.host.simulated.root="$STATE/host" --hangar.host.drain-timeout=15s "${RUNNER[@]}" > "$STATE/logs/worker-host.log" 2>&1 &
PIDS+=($!)

wait_http webhook-gateway http://127.0.0.1:8080/actuator/health
wait_http worker-host http://127.0.0.1:8081/actuator/health

cat >&2 <<EOM

Hangar is up.
  Temporal Web UI   http://localhost:8233  (workflows hangar-job-<id>)
  webhook           http://127.0.0.1:8080/webhook
  host metrics      http://127.0.0.1:8081/actuator/prometheus
  logs              $STATE/logs/
Ctrl-C stops everything.
EOM

if [[ $DEMO == 1 ]]; then
  curl -fsS -X POST http://127.0.0.1:8099/_emulator/repos -H 'Content-Type: application/json' \
    -d '{"owner":"octo-org","repo":"example-workflow","private":true}' > /dev/null
  echo "demo: a new job on labels [self-hosted, macos-sim] every 15 s" >&2
  while true; do
    { curl -fsS -X POST http://127.0.0.1:8099/_emulator/jobs -H 'Content-Type: application/json' \
        -d '{"owner":"octo-org","repo":"example-workflow","labels":["self-hosted","macos-sim"]}'; echo; } \
      | sed -n 's/.*"id":\([0-9]*\).*/demo: job \1 queued/p' >&2 || true
    sleep 15
  done
else
  while true; do sleep 3600; done
fi
