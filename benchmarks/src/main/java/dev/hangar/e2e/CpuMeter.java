package dev.hangar.e2e;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.stream.Collectors;

/**
 * The processor time each part of the stack spent between two instants: the gateway (with its
 * orchestrator worker), the hosts together, the Temporal server, and this process (the GitHub
 * emulator and the simulated runners). Divided by the jobs done, it says what one job costs each
 * part and so what bounds the throughput on a machine with a given number of cores.
 */
final class CpuMeter {

  private final HangarStack stack;
  private final Map<String, Long> startMillis;
  private final long startNanos;

  private CpuMeter(HangarStack stack) {
    this.stack = stack;
    this.startMillis = sample(stack);
    this.startNanos = System.nanoTime();
  }

  /** Starts measuring now. The hosts must not restart before the last {@link #read}. */
  static CpuMeter start(HangarStack stack) {
    return new CpuMeter(stack);
  }

  /** What each part has spent since the start, as of now. */
  Reading read() {
    Map<String, Long> spent = new LinkedHashMap<>();
    sample(stack).forEach((part, millis) -> spent.put(part, millis - startMillis.getOrDefault(part, 0L)));
    return new Reading(spent, (System.nanoTime() - startNanos) / 1e6);
  }

  /**
   * Processor time spent since the start.
   *
   * @param spent processor milliseconds of each part, in the order gateway, hosts, Temporal,
   *     emulator and runners
   * @param wallMillis the time that passed meanwhile
   */
  record Reading(Map<String, Long> spent, double wallMillis) {

    /** Processor milliseconds per job of each part, and of all of them. */
    String perJob(int jobs) {
      String parts = spent.entrySet().stream()
          .map(e -> String.format(Locale.ROOT, "%s %.0f", e.getKey(), (double) e.getValue() / jobs))
          .collect(Collectors.joining(", "));
      return String.format(Locale.ROOT, "%s ms; total %.0f ms a job", parts, (double) total() / jobs);
    }

    /** How busy the machine's cores were with the whole stack, in percent. */
    String busy() {
      int cores = Runtime.getRuntime().availableProcessors();
      return String.format(Locale.ROOT, "the %d cores %.0f%% busy", cores, 100.0 * total() / (wallMillis * cores));
    }

    private long total() {
      return spent.values().stream().mapToLong(Long::longValue).sum();
    }
  }

  private static Map<String, Long> sample(HangarStack stack) {
    Map<String, Long> millis = new LinkedHashMap<>();
    millis.put("gateway", cpuMillis(stack.gateway.pid()));
    long hosts = 0;
    for (AppProcess host : stack.hosts) {
      hosts += cpuMillis(host.pid());
    }
    millis.put("hosts", hosts);
    millis.put("Temporal", cpuMillis(stack.temporal.pid()));
    millis.put("emulator and runners", cpuMillis(ProcessHandle.current().pid()));
    return millis;
  }

  private static long cpuMillis(long pid) {
    OptionalLong millis = ProcessHandle.of(pid)
        .flatMap(p -> p.info().totalCpuDuration())
        .stream().mapToLong(Duration::toMillis).findFirst();
    return millis.orElse(0);
  }
}
