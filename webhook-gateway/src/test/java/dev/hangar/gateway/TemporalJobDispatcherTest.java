package dev.hangar.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hangar.activities.dispatch.JobSignals;
import dev.hangar.workflows.Names;
import dev.hangar.workflows.TaskQueues;
import dev.hangar.workflows.job.JobEvent;
import dev.hangar.workflows.job.JobOutcome;
import dev.hangar.activities.dispatch.JobSignals;
import dev.hangar.workflows.job.JobPolicy;
import dev.hangar.workflows.job.JobRequest;
import dev.hangar.workflows.job.JobStatus;
import dev.hangar.workflows.job.JobWorkflow;
import dev.hangar.workflows.job.Phase;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowStub;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import io.temporal.workflow.Workflow;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The real Temporal hand-over, against the in-process test server. */
class TemporalJobDispatcherTest {

  /** Records every event it is signalled; ends when its own job completes. */
  public static class RecordingJobWorkflow implements JobWorkflow {
    private final List<JobEvent> events = new ArrayList<>();
    private long jobId;

    @Override
    public JobOutcome run(JobRequest job, JobPolicy policy) {
      jobId = job.jobId();
      Workflow.await(
          () -> events.stream().anyMatch(e -> e.jobId() == job.jobId() && e.action() == JobEvent.Action.COMPLETED));
      return new JobOutcome(JobOutcome.Result.COMPLETED, "success", 0, "events=" + events.size());
    }

    @Override
    public void event(JobEvent event) {
      events.add(event);
    }

    @Override
    public JobStatus status() {
      return new JobStatus(
          jobId, Phase.AWAITING_START, events.size(), null, null, null, null, null, null, null,
          events.stream()
              // The host column says whether the event came marked as about a job Hangar serves.
              .map(e -> new JobStatus.VmStatus(
                  e.deliveryId(), e.knownHangarJob() ? "hangar-job" : null, e.action().name(), e.jobId(), e.runnerName()))
              .toList());
    }
  }

  private TestWorkflowEnvironment env;
  private WorkflowClient client;
  private ExecutorService executor;
  private ScheduledExecutorService timer;
  private JobDispatcher dispatcher;

  @BeforeEach
  void setUp() {
    env = TestWorkflowEnvironment.newInstance();
    Worker worker = env.newWorker(TaskQueues.ORCHESTRATOR);
    worker.registerWorkflowImplementationTypes(RecordingJobWorkflow.class);
    env.start();
    client = env.getWorkflowClient();
    executor = Executors.newCachedThreadPool();
    timer = Executors.newSingleThreadScheduledExecutor();
    Duration timeout = Duration.ofSeconds(5);
    dispatcher =
        new TimeLimitedDispatcher(
            new TemporalJobDispatcher(new JobSignals(client, JobPolicy.defaults()), timeout, timer), timeout, executor);
  }

  @AfterEach
  void tearDown() {
    env.close();
    executor.shutdownNow();
    timer.shutdownNow();
  }

  @Test
  void tenDuplicateQueuedDeliveriesMakeOneExecutionWithTenSignals() throws Exception {
    Set<String> runIds = new HashSet<>();
    for (int i = 0; i < 10; i++) {
      DispatchResult result = dispatcher.dispatch(job(1001), event(JobEvent.Action.QUEUED, 1001, null, "q-" + i));
      assertThat(result.duplicate()).isFalse();
      assertThat(result.workflowId()).isEqualTo("hangar-job-1001");
      runIds.add(result.runId());
    }

    assertThat(runIds).hasSize(1);
    JobStatus status = stub(1001).status();
    assertThat(status.attempt()).isEqualTo(10);
    assertThat(status.vms()).extracting(JobStatus.VmStatus::vmName).containsExactlyInAnyOrder(
        "q-0", "q-1", "q-2", "q-3", "q-4", "q-5", "q-6", "q-7", "q-8", "q-9");
  }

  @Test
  void anEventOnAnotherJobsRunnerReachesBothWorkflows() throws Exception {
    dispatcher.dispatch(job(2001), event(JobEvent.Action.QUEUED, 2001, null, "a"));

    DispatchResult result =
        dispatcher.dispatch(job(2002), event(JobEvent.Action.IN_PROGRESS, 2002, Names.vmName(2001, 1), "b"));

    assertThat(result.ownerWorkflowId()).isEqualTo("hangar-job-2001");
    assertThat(stub(2001).status().vms())
        .extracting(JobStatus.VmStatus::servedJobId)
        .containsExactly(2001L, 2002L);
    assertThat(stub(2002).status().vms()).extracting(JobStatus.VmStatus::vmName).containsExactly("b");
    // The owner learns that a job Hangar serves took its runner; the job's own copy is plain.
    assertThat(stub(2001).status().vms()).extracting(JobStatus.VmStatus::host).containsExactly(null, "hangar-job");
    assertThat(stub(2002).status().vms()).extracting(JobStatus.VmStatus::host).containsOnlyNulls();
  }

  @Test
  void aJobNotOursOnAHangarRunnerReachesItsOwnerUnmarked() throws Exception {
    dispatcher.dispatch(job(2101), event(JobEvent.Action.QUEUED, 2101, null, "a"));

    assertThat(dispatcher.notifyRunnerOwner(event(JobEvent.Action.IN_PROGRESS, 2102, Names.vmName(2101, 1), "b")))
        .isEqualTo("hangar-job-2101");

    assertThat(stub(2101).status().vms())
        .extracting(JobStatus.VmStatus::servedJobId, JobStatus.VmStatus::host)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(2101L, null), org.assertj.core.groups.Tuple.tuple(2102L, null));
  }

  @Test
  void anEventOnTheJobsOwnRunnerIsSentOnce() throws Exception {
    DispatchResult result =
        dispatcher.dispatch(job(2501), event(JobEvent.Action.IN_PROGRESS, 2501, Names.vmName(2501, 1), "own"));

    assertThat(result.ownerWorkflowId()).isNull();
    assertThat(stub(2501).status().attempt()).isEqualTo(1);
  }

  @Test
  void aRunnerOwnerThatDoesNotExistIsIgnored() throws Exception {
    DispatchResult result =
        dispatcher.dispatch(job(3001), event(JobEvent.Action.IN_PROGRESS, 3001, Names.vmName(9999, 1), "x"));

    assertThat(result.duplicate()).isFalse();
    assertThat(result.ownerWorkflowId()).isNull();
    assertThat(dispatcher.notifyRunnerOwner(event(JobEvent.Action.COMPLETED, 3002, Names.vmName(9998, 1), "y")))
        .isNull();
  }

  @Test
  void aDeliveryAfterTheWorkflowClosedIsADuplicateAndStartsNoSecondRun() throws Exception {
    DispatchResult first = dispatcher.dispatch(job(4001), event(JobEvent.Action.QUEUED, 4001, null, "1"));
    dispatcher.dispatch(job(4001), event(JobEvent.Action.COMPLETED, 4001, Names.vmName(4001, 1), "2"));
    JobOutcome outcome = WorkflowStub.fromTyped(stub(4001)).getResult(JobOutcome.class);
    assertThat(outcome.detail()).isEqualTo("events=2");

    DispatchResult late =
        dispatcher.dispatch(job(4001), event(JobEvent.Action.COMPLETED, 4001, Names.vmName(4001, 1), "3"));

    assertThat(late.duplicate()).isTrue();
    WorkflowStub latest = client.newUntypedWorkflowStub(Names.workflowId(4001));
    assertThat(latest.getResult(JobOutcome.class).detail()).isEqualTo("events=2");
    assertThat(latest.describe().getExecution().getRunId()).isEqualTo(first.runId());
  }

  @Test
  void aClosedRunnerOwnerIsIgnored() throws Exception {
    dispatcher.dispatch(job(5001), event(JobEvent.Action.COMPLETED, 5001, null, "1"));
    WorkflowStub.fromTyped(stub(5001)).getResult(JobOutcome.class);

    DispatchResult result =
        dispatcher.dispatch(job(5002), event(JobEvent.Action.COMPLETED, 5002, Names.vmName(5001, 1), "2"));

    assertThat(result.duplicate()).isFalse();
    assertThat(result.ownerWorkflowId()).isNull();
  }

  @Test
  void temporalDownIsUnavailableWithinTheTimeout() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    WorkflowServiceStubs down =
        WorkflowServiceStubs.newServiceStubs(
            WorkflowServiceStubsOptions.newBuilder().setTarget("127.0.0.1:" + port).build());
    try {
      WorkflowClient downClient = WorkflowClient.newInstance(down);
      Duration timeout = Duration.ofSeconds(1);
      TemporalJobDispatcher inner = new TemporalJobDispatcher(new JobSignals(downClient, JobPolicy.defaults()), timeout, timer);

      long start = System.nanoTime();
      assertThatThrownBy(() -> inner.dispatch(job(6001), event(JobEvent.Action.QUEUED, 6001, null, "d")))
          .isInstanceOf(DispatchUnavailableException.class);
      assertThat(Duration.ofNanos(System.nanoTime() - start)).as("gRPC deadline").isLessThan(Duration.ofSeconds(4));

      JobDispatcher bounded = new TimeLimitedDispatcher(inner, timeout, executor);
      start = System.nanoTime();
      assertThatThrownBy(() -> bounded.dispatch(job(6001), event(JobEvent.Action.QUEUED, 6001, null, "d")))
          .isInstanceOf(DispatchUnavailableException.class);
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(2500));
    } finally {
      down.shutdownNow();
    }
  }

  private JobWorkflow stub(long jobId) {
    return client.newWorkflowStub(JobWorkflow.class, Names.workflowId(jobId));
  }

  private static JobRequest job(long jobId) {
    return new JobRequest(
        jobId, 77, 1, "acme", "app", List.of("anka-template:sonoma"), "https://github.com/acme/app", null);
  }

  private static JobEvent event(JobEvent.Action action, long jobId, String runner, String delivery) {
    return new JobEvent(
        action, jobId, runner, runner == null ? null : 1L,
        action == JobEvent.Action.COMPLETED ? "success" : null, Instant.parse("2026-01-01T00:00:00Z"), delivery, null);
  }
}
