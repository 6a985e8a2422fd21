package dev.hangar.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the worker-hosts' own log lines say happened to each job's VM, and when: the placement
 * claim, the VM started, the runner started in it (first attempt's VM, or the earliest).
 */
final class HostLog {

  /**
   * Per job id, when a host first did each step, and how many VMs were started for the job in all
   * (more than one when GitHub gave its runner another job, or an attempt failed).
   */
  record Events(
      Map<Long, Instant> claimed, Map<Long, Instant> vmStarted, Map<Long, Instant> runnerStarted, Map<Long, Integer> vms) {

    /** VMs started for these jobs. */
    int vmsFor(Collection<Long> jobs) {
      return jobs.stream().mapToInt(id -> vms.getOrDefault(id, 0)).sum();
    }
  }

  private static final Pattern CLAIMED = Pattern.compile("claimed room for hangar-(\\d+)-\\d+ ");
  private static final Pattern VM_STARTED = Pattern.compile("VM hangar-(\\d+)-\\d+ cloned from \\S+ and started");
  private static final Pattern RUNNER_STARTED = Pattern.compile("runner started in VM hangar-(\\d+)-\\d+ on ");

  private HostLog() {}

  static Events read(Collection<Path> logs) throws IOException {
    Map<Long, Instant> claimed = new HashMap<>();
    Map<Long, Instant> vm = new HashMap<>();
    Map<Long, Instant> runner = new HashMap<>();
    Map<Long, Integer> vms = new HashMap<>();
    for (Path log : logs) {
      for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
        Instant at = timestamp(line);
        if (at != null) {
          record(CLAIMED, line, at, claimed);
          Long job = record(VM_STARTED, line, at, vm);
          if (job != null) {
            vms.merge(job, 1, Integer::sum);
          }
          record(RUNNER_STARTED, line, at, runner);
        }
      }
    }
    return new Events(claimed, vm, runner, vms);
  }

  /** Keeps the earliest instant of the job the line names; answers that job, or null. */
  private static Long record(Pattern pattern, String line, Instant at, Map<Long, Instant> into) {
    Matcher m = pattern.matcher(line);
    if (!m.find()) {
      return null;
    }
    long job = Long.parseLong(m.group(1));
    into.merge(job, at, (a, b) -> a.isBefore(b) ? a : b);
    return job;
  }

  /** The ISO-8601 time a Spring Boot log line starts with, or {@code null} for other lines. */
  static Instant timestamp(String line) {
    int space = line.indexOf(' ');
    if (space < 20) {
      return null;
    }
    try {
      return OffsetDateTime.parse(line.substring(0, space)).toInstant();
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  static List<Path> of(HangarStack stack) {
    return stack.hosts.stream().map(AppProcess::log).toList();
  }
}
