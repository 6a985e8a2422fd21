package dev.hangar.e2e;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The benchmark command ({@code scripts/bench.sh}): starts the end-to-end stack (Temporal dev
 * server, gateway, simulated worker-hosts, GitHub emulator), runs the scenarios, prints the table
 * and writes docs/benchmarks.md. Not a test: nothing here runs in the test suite.
 */
final class Benchmark {

  private static final Logger log = LoggerFactory.getLogger(Benchmark.class);
  private static final int WARM_UP_JOBS = 20;

  private Benchmark() {}

  public static void main(String[] args) throws Exception {
    BenchOptions options;
    try {
      options = BenchOptions.parse(Arrays.asList(args));
    } catch (IllegalArgumentException e) {
      log.error(e.getMessage());
      System.exit(2);
      return;
    }
    Machine machine = Machine.describe();
    log.info("machine: {}", machine);
    Report report = new Report();
    List<String> hostIds = new ArrayList<>();
    for (int i = 1; i <= options.hosts(); i++) {
      hostIds.add("mac-" + i);
    }
    Map<String, String> hostSettings = new LinkedHashMap<>();
    hostSettings.put("max-running-vms", Integer.toString(options.vmsPerHost()));
    // Deleted VMs are swept by their own workflow; the periodic sweep is not what is measured.
    hostSettings.put("orphan-sweep-interval", "30m");
    try (HangarStack stack = new HangarStack(
        "bench", Map.of(), hostIds, HangarStack.Runners.IDLE, hostSettings, Map.of(), options.deliveryConcurrency())) {
      if (options.jfr()) {
        recordFlights(stack);
      }
      if (options.temporalInMemory()) {
        stack.temporal.keepStateInMemory();
      }
      stack.start();
      try (InProcessRunners runners = new InProcessRunners(stack.github, stack.hostRoots.values()).start()) {
        Scenarios scenarios = new Scenarios(stack, runners, options, report);
        log.info("warming up with {} jobs", WARM_UP_JOBS);
        scenarios.warmUp(WARM_UP_JOBS);
        run("overhead", scenarios::overhead, report);
        run("sustained", scenarios::sustained, report);
        run("burst", scenarios::burst, report);
        if (options.queued() > 0) {
          run("queued", scenarios::queued, report);
        }
      }
      if (options.jfr()) {
        log.info("flight recordings are written to {} when the processes exit", stack.workDir);
      }
    }
    report.print();
    if (options.out() != null) {
      report.write(options.out(), machine, options);
    }
  }

  /** A scenario that fails is reported as such; the others still run. */
  private static void run(String name, Step step, Report report) {
    log.info("scenario {}", name);
    try {
      step.run();
    } catch (Exception | AssertionError e) {
      log.error("scenario {} failed", name, e);
      report.note("The " + name + " scenario did not finish: " + e.getMessage().lines().findFirst().orElse(""));
    }
  }

  private static void recordFlights(HangarStack stack) {
    List<AppProcess> processes = new ArrayList<>(stack.hosts);
    processes.add(stack.gateway);
    for (AppProcess p : processes) {
      p.addJvmOptions(List.of("-XX:StartFlightRecording=settings=profile,dumponexit=true,filename="
          + stack.workDir.resolve(p.name() + ".jfr")));
    }
  }

  @FunctionalInterface
  private interface Step {
    void run() throws Exception;
  }
}
