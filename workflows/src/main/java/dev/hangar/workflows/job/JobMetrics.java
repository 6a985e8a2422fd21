package dev.hangar.workflows.job;

import com.uber.m3.tally.Scope;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A job's timings, recorded from inside its workflow through {@link Workflow#getMetricsScope()}:
 * the Temporal SDK reports them into the worker's Micrometer registry (the orchestrator's {@code
 * /actuator/prometheus}) and drops them while a history is replayed, so each is recorded once per
 * job. Both ends of every interval are workflow time ({@link Workflow#currentTimeMillis()} and the
 * run's start), read without any command. docs/metrics.md describes each timer.
 */
public final class JobMetrics {

  /** The job's first webhook (its workflow's start) to its first VM's clone/start being issued. */
  public static final String WEBHOOK_TO_VM_START = "hangar_job_webhook_to_vm_start";
  /** The StartVm activity: clone and boot one VM, by template. */
  public static final String VM_START = "hangar_vm_start";
  /**
   * A VM ready for its runner (its JIT configuration, asked for while the VM started, about to be
   * put in) to GitHub starting a job on that runner.
   */
  public static final String REGISTRATION_TO_IN_PROGRESS = "hangar_runner_registration_to_in_progress";
  /** A claim put on a placement queue to a host granting it, or the claim timing out. */
  public static final String PLACEMENT_WAIT = "hangar_placement_wait";
  /** A job workflow's whole life, first webhook to every VM deleted, by how it ended. */
  public static final String JOB_WORKFLOW = "hangar_job_workflow_duration";

  /** Every timer above. */
  public static final List<String> TIMERS =
      List.of(WEBHOOK_TO_VM_START, VM_START, REGISTRATION_TO_IN_PROGRESS, PLACEMENT_WAIT, JOB_WORKFLOW);

  /** Histogram buckets of every timer: VM work takes seconds to minutes, jobs up to a day. */
  private static final List<Duration> BUCKETS = List.of(
      Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofSeconds(15),
      Duration.ofSeconds(30), Duration.ofMinutes(1), Duration.ofMinutes(2), Duration.ofMinutes(5),
      Duration.ofMinutes(10), Duration.ofMinutes(30), Duration.ofHours(1), Duration.ofHours(2),
      Duration.ofHours(6), Duration.ofHours(24));

  private boolean firstVmStartIssued;

  /** One per job workflow. */
  JobMetrics() {}

  /**
   * Gives the timers above fixed buckets from 1 s to 24 h instead of the SDK's default percentile
   * histogram, which ends at 30 s. Register it on the registry the SDK reports into (a Spring
   * {@code MeterFilter} bean does that) before any job runs.
   */
  public static MeterFilter histogramBuckets() {
    double[] nanos = BUCKETS.stream().mapToDouble(Duration::toNanos).toArray();
    return new MeterFilter() {
      @Override
      public DistributionStatisticConfig configure(Meter.Id id, DistributionStatisticConfig config) {
        if (id.getType() != Meter.Type.TIMER || !TIMERS.contains(id.getName())) {
          return config;
        }
        return DistributionStatisticConfig.builder()
            .percentilesHistogram(false)
            .serviceLevelObjectives(nanos)
            .build()
            .merge(config);
      }
    };
  }

  /** Before the first VM's StartVm: how long the job waited for a VM to be started at all. */
  void vmStartIssued(String template) {
    if (firstVmStartIssued) {
      return;
    }
    firstVmStartIssued = true;
    record(WEBHOOK_TO_VM_START, Map.of("template", template), Workflow.getInfo().getRunStartedTimestampMillis());
  }

  void vmStarted(String template, long issuedAtMillis) {
    record(VM_START, Map.of("template", template), issuedAtMillis);
  }

  void runnerTookJob(String template, long registrationStartedMillis) {
    record(REGISTRATION_TO_IN_PROGRESS, Map.of("template", template), registrationStartedMillis);
  }

  /** @param outcome {@code claimed}, or {@code no_host} when no host had room in time */
  void placementWaited(String sizeClass, String outcome, long requestedAtMillis) {
    record(PLACEMENT_WAIT, Map.of("size_class", sizeClass, "outcome", outcome), requestedAtMillis);
  }

  /** @param result how the job ended, lower case ({@code completed}, {@code gave_up}, ...) */
  void jobEnded(String result) {
    record(JOB_WORKFLOW, Map.of("result", result), Workflow.getInfo().getRunStartedTimestampMillis());
  }

  private static void record(String timer, Map<String, String> tags, long sinceMillis) {
    long millis = Math.max(0, Workflow.currentTimeMillis() - sinceMillis);
    Scope scope = Workflow.getMetricsScope().tagged(tags);
    scope.timer(timer).record(com.uber.m3.util.Duration.ofMillis(millis));
  }
}
