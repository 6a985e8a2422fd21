package dev.hangar.workflows.job;

import static dev.hangar.workflows.job.JobHarness.completed;
import static dev.hangar.workflows.job.JobHarness.inProgress;
import static dev.hangar.workflows.job.JobHarness.job;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.uber.m3.tally.RootScopeBuilder;
import com.uber.m3.tally.Scope;
import dev.hangar.workflows.Names;
import dev.hangar.workflows.TaskQueues;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.CountAtBucket;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.common.reporter.MicrometerClientStatsReporter;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.WorkflowReplayer;
import io.temporal.worker.Worker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;

/**
 * The workflow's timers reach a Micrometer registry through the SDK's metrics scope, as in the
 * orchestrator, with the buckets of {@link JobMetrics#histogramBuckets()}; a replay records none of
 * them and logs nothing; one line per state change, with its fields in the MDC.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class JobMetricsTest {

  private final FakeHost mac1 = new FakeHost("mac-1");
  private final PrometheusMeterRegistry registry = registry();
  private final Scope scope = scope(registry);
  private final ListAppender<ILoggingEvent> lines = new ListAppender<>();
  private JobHarness h;

  @BeforeEach
  void captureStateLines() {
    lines.start();
    stateLogger().addAppender(lines);
  }

  @AfterEach
  void close() throws Exception {
    stateLogger().detachAppender(lines);
    if (h != null) {
      h.close();
    }
    scope.close();
  }

  @Test
  void aJobsTimingsAreRecordedOnceWithWorkflowTime() {
    h = new JobHarness(scope, mac1);
    h.start(job(1));
    h.awaitRunnerUp(1, 1);
    h.env.sleep(Duration.ofSeconds(50)); // below the 80 s registration timeout
    h.deliver(job(1), inProgress(1, "hangar-1-1"));
    h.awaitStatus(1, s -> s.phase() == Phase.RUNNING);
    // Twelve minutes, not ten: the 5-minute VM checks begin when the job starts, so one falls due
    // at ten minutes, racing the completion below. A VM-check timer that fires while the last
    // workflow task is in flight makes the server reject the completion (UnhandledCommand), and
    // the retried task records its timers again (docs/metrics.md: at least once).
    h.env.sleep(Duration.ofMinutes(12));
    h.deliver(job(1), completed(1, "hangar-1-1", "success"));
    mac1.finishRunner("hangar-1-1");
    h.awaitClosed(1); // before result(), which would let the test server skip to the next check
    assertThat(h.result(1).result()).isEqualTo(JobOutcome.Result.COMPLETED);

    Timer registration = timer(registry, JobMetrics.REGISTRATION_TO_IN_PROGRESS, "template", "macos-14");
    assertThat(registration.count()).isEqualTo(1);
    assertThat(registration.totalTime(TimeUnit.SECONDS)).isBetween(50.0, 59.0);
    assertThat(bucket(registration, 30)).isZero();
    assertThat(bucket(registration, 60)).isEqualTo(1);

    Timer job = timer(registry, JobMetrics.JOB_WORKFLOW, "result", "completed");
    assertThat(job.count()).isEqualTo(1);
    assertThat(job.totalTime(TimeUnit.SECONDS)).isBetween(770.0, 800.0);
    assertThat(bucket(job, 600)).isZero();
    assertThat(bucket(job, 1800)).isEqualTo(1);

    // No simulated time passes while the fakes claim and start: these are real, small and once.
    assertThat(timer(registry, JobMetrics.WEBHOOK_TO_VM_START, "template", "macos-14").count()).isEqualTo(1);
    assertThat(timer(registry, JobMetrics.VM_START, "template", "macos-14").count()).isEqualTo(1);
    Timer claim = timer(registry, JobMetrics.PLACEMENT_WAIT, "outcome", "claimed");
    assertThat(claim.count()).isEqualTo(1);
    assertThat(claim.getId().getTag("size_class")).isEqualTo(JobHarness.TEMPLATE.sizeClass());
    assertThat(bucket(claim, 5)).isEqualTo(1);

    String scrape = registry.scrape();
    assertThat(scrape)
        .contains("# TYPE hangar_runner_registration_to_in_progress_seconds histogram")
        .contains("hangar_job_workflow_duration_seconds_bucket{")
        .contains("le=\"86400.0\"")
        .contains("workflow_type=\"JobWorkflow\"");
  }

  @Test
  void aClaimNoHostTakesIsTimedAsNoHost() {
    h = new JobHarness(scope);
    h.policy = JobHarness.policy(null, null, Duration.ofSeconds(2), null); // real time: see JobWorkflowTest
    h.start(job(13));
    assertThat(h.result(13).result()).isEqualTo(JobOutcome.Result.GAVE_UP);

    Timer wait = timer(registry, JobMetrics.PLACEMENT_WAIT, "outcome", "no_host");
    assertThat(wait.count()).isEqualTo(1);
    assertThat(wait.totalTime(TimeUnit.SECONDS)).isBetween(2.0, 10.0);
    assertThat(timer(registry, JobMetrics.JOB_WORKFLOW, "result", "gave_up").count()).isEqualTo(1);
    assertThat(registry.find(JobMetrics.VM_START).timers()).isEmpty();
  }

  @Test
  void oneLinePerStateChangeWithItsFieldsAndNothingOnReplay() throws Exception {
    h = new JobHarness(scope, mac1);
    h.start(job(2));
    h.awaitRunnerUp(2, 1);
    h.deliver(job(2), inProgress(2, "hangar-2-1"));
    h.awaitStatus(2, s -> s.phase() == Phase.RUNNING);
    h.deliver(job(2), completed(2, "hangar-2-1", "success"));
    h.result(2);

    List<String> phases = new ArrayList<>();
    for (ILoggingEvent e : lines.list) {
      assertThat(e.getMDCPropertyMap())
          .containsEntry("hangar.jobId", "2")
          .containsEntry("hangar.workflowId", Names.workflowId(2))
          .containsKey("hangar.phase")
          .containsKey("hangar.attempt");
      assertThat(e.getFormattedMessage()).startsWith("job=2 workflow=hangar-job-2 phase=").doesNotContain("sealed-");
      phases.add(e.getMDCPropertyMap().get("hangar.phase"));
    }
    assertThat(phases.get(0)).isEqualTo("ROUTING");
    assertThat(phases).contains("AWAITING_START", "RUNNING").endsWith("DONE");
    assertThat(phases).doesNotHaveDuplicates();
    ILoggingEvent running = lines.list.get(phases.indexOf("RUNNING"));
    assertThat(running.getMDCPropertyMap())
        .containsEntry("hangar.host", "mac-1")
        .containsEntry("hangar.vm", "hangar-2-1")
        .containsEntry("hangar.attempt", "1");
    assertThat(running.getFormattedMessage())
        .isEqualTo("job=2 workflow=hangar-job-2 phase=RUNNING attempt=1 host=mac-1 vm=hangar-2-1");

    WorkflowExecutionHistory history = h.client.fetchHistory(Names.workflowId(2));
    int linesBefore = lines.list.size();
    PrometheusMeterRegistry replayRegistry = registry();
    Scope replayScope = scope(replayRegistry);
    try (TestWorkflowEnvironment replayEnv = TestWorkflowEnvironment.newInstance(
        TestEnvironmentOptions.newBuilder().setMetricsScope(replayScope).build())) {
      Worker worker = replayEnv.newWorker(TaskQueues.ORCHESTRATOR);
      worker.registerWorkflowImplementationTypes(JobWorkflowImpl.class);
      WorkflowReplayer.replayWorkflowExecution(history, worker);
    }
    replayScope.close();
    for (String name : JobMetrics.TIMERS) {
      assertThat(replayRegistry.find(name).timers()).as(name).isEmpty();
    }
    assertThat(lines.list).hasSize(linesBefore);
  }

  private static PrometheusMeterRegistry registry() {
    PrometheusMeterRegistry r = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    r.config().meterFilter(JobMetrics.histogramBuckets());
    return r;
  }

  /** As the Temporal Spring Boot starter builds it (MetricsScopeAutoConfiguration). */
  private static Scope scope(PrometheusMeterRegistry registry) {
    return new RootScopeBuilder()
        .reporter(new MicrometerClientStatsReporter(registry))
        .reportEvery(com.uber.m3.util.Duration.ofSeconds(1));
  }

  private static Timer timer(PrometheusMeterRegistry registry, String name, String tag, String value) {
    Timer t = registry.find(name).tag(tag, value).timer();
    assertThat(t).as("%s{%s=%s} in %s", name, tag, value, registry.getMeters().stream()
        .map(m -> m.getId().getName()).filter(n -> n.startsWith("hangar")).toList()).isNotNull();
    return t;
  }

  /** The cumulative count of the bucket whose upper bound is {@code seconds}. */
  private static double bucket(Timer timer, double seconds) {
    for (CountAtBucket b : timer.takeSnapshot().histogramCounts()) {
      if (b.bucket(TimeUnit.SECONDS) == seconds) {
        return b.count();
      }
    }
    throw new AssertionError("no bucket " + seconds + " s in " + timer.getId());
  }

  private static Logger stateLogger() {
    return (Logger) LoggerFactory.getLogger(JobStateLog.class);
  }
}
