#!/usr/bin/env bash
# Hangar's benchmarks: orchestration overhead, sustained throughput, a burst of queued jobs, GitHub
# API calls per job and the processes' memory, on a real Temporal dev server with the real gateway
# and worker-host processes (simulated VMs that start at once) and the GitHub emulator. Prints a
# table and writes docs/benchmarks.md. Not part of ./scripts/test.sh. Takes about seven
# minutes on a two-core machine.
#
#   ./scripts/bench.sh [--hosts 4] [--latency-jobs 200] [--latency-rate 5] [--sustained-seconds 60]
#                      [--inflight 40] [--burst 1000] [--queued 1000] [--job-ms 50]
#                      [--delivery-concurrency 16] [--out FILE | --no-doc] [--jfr]
#                      [--temporal-store memory|file]
# --out is relative to the repository root (default docs/benchmarks.md). HANGAR_BENCH_MAVEN_ARGS adds
# Maven arguments to the build (for example -o).
#
# A quick look while developing: ./scripts/bench.sh --latency-jobs 30 --sustained-seconds 20 --burst 50 --queued 50 --no-doc
# --jfr makes the gateway and hosts record a Java Flight Recording each (benchmarks/target/e2e/bench/*.jfr).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/tools.sh
./mvnw -B -q -ntp -pl benchmarks -am package -DskipTests -Pbench ${HANGAR_BENCH_MAVEN_ARGS:-}
cd benchmarks
exec "${JAVA_HOME:+$JAVA_HOME/bin/}java" -Xmx1g \
  -Dhangar.temporal.cli="$TEMPORAL_CLI" \
  -cp "target/classes:$(cat target/bench.classpath)" dev.hangar.e2e.Benchmark "$@"
