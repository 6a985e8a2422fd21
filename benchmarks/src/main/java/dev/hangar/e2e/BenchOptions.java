package dev.hangar.e2e;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * What a benchmark run does; every option has a default, so {@code scripts/bench.sh} alone runs the
 * full set.
 *
 * @param hosts simulated worker-host processes
 * @param latencyJobs jobs of the overhead scenario, one after another
 * @param latencyRate jobs per second of the overhead scenario (light load)
 * @param sustained how long the throughput scenario keeps jobs coming
 * @param inflight jobs queued or running at any time in the throughput scenario
 * @param burst jobs queued at once in the burst scenario (one in four of the large template)
 * @param queued jobs queued while no host runs, in the queued scenario; 0 skips it
 * @param jobDuration how long each job runs once a runner takes it
 * @param deliveryConcurrency webhook deliveries the GitHub emulator has in flight at once, as GitHub
 *     delivers to a hook concurrently
 * @param out the Markdown file the results are written to, relative to the repository root (the
 *     command runs in {@code benchmarks/}); none if {@code null}
 * @param jfr whether the gateway and hosts record a Java Flight Recording (written on exit)
 * @param temporalInMemory whether the Temporal dev server keeps its state in memory (its own
 *     default) rather than in a SQLite file
 */
record BenchOptions(
    int hosts,
    int latencyJobs,
    double latencyRate,
    Duration sustained,
    int inflight,
    int burst,
    int queued,
    Duration jobDuration,
    int deliveryConcurrency,
    Path out,
    boolean jfr,
    boolean temporalInMemory) {

  static final String USAGE = "usage: bench.sh [--hosts 4] [--latency-jobs 200] [--latency-rate 5]"
      + " [--sustained-seconds 60] [--inflight 40] [--burst 1000] [--queued 1000] [--job-ms 50]"
      + " [--delivery-concurrency 16] [--out FILE | --no-doc] [--jfr] [--temporal-store memory|file]";

  BenchOptions {
    if (hosts < 1 || latencyJobs < 1 || latencyRate <= 0 || inflight < 1 || burst < 1 || queued < 0 || deliveryConcurrency < 1
        || sustained.isNegative() || sustained.isZero() || jobDuration.isNegative()) {
      throw new IllegalArgumentException("every count and duration must be positive; " + USAGE);
    }
  }

  static BenchOptions parse(List<String> args) {
    int hosts = 4;
    int latencyJobs = 200;
    double latencyRate = 5;
    Duration sustained = Duration.ofSeconds(60);
    int inflight = 40;
    int burst = 1000;
    int queued = 1000;
    Duration jobDuration = Duration.ofMillis(50);
    int deliveryConcurrency = 16;
    Path out = Path.of("docs", "benchmarks.md");
    boolean jfr = false;
    boolean temporalInMemory = true;
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      switch (arg) {
        case "--hosts" -> hosts = Integer.parseInt(value(args, ++i, arg));
        case "--latency-jobs" -> latencyJobs = Integer.parseInt(value(args, ++i, arg));
        case "--latency-rate" -> latencyRate = Double.parseDouble(value(args, ++i, arg));
        case "--sustained-seconds" -> sustained = Duration.ofSeconds(Long.parseLong(value(args, ++i, arg)));
        case "--inflight" -> inflight = Integer.parseInt(value(args, ++i, arg));
        case "--burst" -> burst = Integer.parseInt(value(args, ++i, arg));
        case "--queued" -> queued = Integer.parseInt(value(args, ++i, arg));
        case "--job-ms" -> jobDuration = Duration.ofMillis(Long.parseLong(value(args, ++i, arg)));
        case "--delivery-concurrency" -> deliveryConcurrency = Integer.parseInt(value(args, ++i, arg));
        case "--out" -> out = Path.of(value(args, ++i, arg));
        case "--no-doc" -> out = null;
        case "--jfr" -> jfr = true;
        case "--temporal-store" -> temporalInMemory = switch (value(args, ++i, arg)) {
          case "memory" -> true;
          case "file" -> false;
          default -> throw new IllegalArgumentException("--temporal-store is memory or file; " + USAGE);
        };
        default -> throw new IllegalArgumentException("unknown option " + arg + "; " + USAGE);
      }
    }
    Path root = Path.of("..");
    return new BenchOptions(hosts, latencyJobs, latencyRate, sustained, inflight, burst, queued, jobDuration,
        deliveryConcurrency, out == null ? null : root.resolve(out), jfr, temporalInMemory);
  }

  private static String value(List<String> args, int i, String option) {
    if (i >= args.size()) {
      throw new IllegalArgumentException(option + " needs a value; " + USAGE);
    }
    return args.get(i);
  }

  /**
   * Room on each host for the whole burst, so that no job waits for a free slot however unevenly
   * the hosts' pollers share the jobs out (a host started first takes more).
   */
  int vmsPerHost() {
    return Math.max(inflight, Math.max(burst, queued) + 8);
  }

  /** The command line that reproduces this run. */
  String commandLine() {
    return "./scripts/bench.sh --hosts " + hosts + " --latency-jobs " + latencyJobs + " --latency-rate "
        + (latencyRate == Math.rint(latencyRate) ? String.valueOf((long) latencyRate) : String.valueOf(latencyRate))
        + " --sustained-seconds " + sustained.toSeconds() + " --inflight " + inflight + " --burst " + burst + " --queued " + queued
        + " --job-ms " + jobDuration.toMillis() + " --delivery-concurrency " + deliveryConcurrency
        + " --temporal-store " + temporalStore();
  }

  /** Where the Temporal dev server keeps its state, as {@code --temporal-store} names it. */
  String temporalStore() {
    return temporalInMemory ? "memory" : "file";
  }
}
