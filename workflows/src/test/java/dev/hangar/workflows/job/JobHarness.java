package dev.hangar.workflows.job;

import com.uber.m3.tally.Scope;
import dev.hangar.workflows.HangarSearchAttributes;
import dev.hangar.workflows.Names;
import dev.hangar.workflows.TaskQueues;
import dev.hangar.workflows.host.HostActivities;
import dev.hangar.workflows.routing.Route;
import dev.hangar.workflows.routing.RoutingActivities;
import dev.hangar.workflows.routing.TrustPolicy;
import dev.hangar.workflows.template.Resources;
import dev.hangar.workflows.template.TemplateRef;
import io.temporal.api.enums.v1.WorkflowIdConflictPolicy;
import io.temporal.client.BatchRequest;
import io.temporal.common.SearchAttributeKey;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * A time-skipping Temporal environment with the job workflow, fake GitHub and fake hosts, and the
 * few moves a test makes: start a job, send it GitHub's events, wait for a state.
 */
final class JobHarness implements AutoCloseable {

  static final TemplateRef TEMPLATE = new TemplateRef("macos-14", null, new Resources(4, 8192, 60));
  static final String POOL_LABEL = "macos-14-pool";

  final TestWorkflowEnvironment env;
  final WorkflowClient client;
  final FakeGitHub github = new FakeGitHub();
  JobPolicy policy = JobPolicy.defaults();

  /** The policy with some fields changed, for one test. */
  static JobPolicy policy(
      Duration registrationTimeout, Duration maxJobDuration, Duration maxPlacementWait, Duration hostTimeout) {
    JobPolicy d = JobPolicy.defaults();
    return new JobPolicy(
        d.maxAttempts(),
        registrationTimeout == null ? d.registrationTimeout() : registrationTimeout,
        maxJobDuration == null ? d.maxJobDuration() : maxJobDuration,
        maxPlacementWait == null ? d.maxPlacementWait() : maxPlacementWait,
        hostTimeout == null ? d.hostTimeout() : hostTimeout,
        d.vmCheckInterval(),
        d.cancelRunOnManualCancel());
  }

  /** The default policy with at most {@code maxAttempts} attempts. */
  static JobPolicy withMaxAttempts(int maxAttempts) {
    JobPolicy d = JobPolicy.defaults();
    return new JobPolicy(maxAttempts, d.registrationTimeout(), d.maxJobDuration(), d.maxPlacementWait(),
        d.hostTimeout(), d.vmCheckInterval(), d.cancelRunOnManualCancel());
  }

  /** Claims go to the first host unless a test redirects them. */
  final FakePlacement placement;

  JobHarness(FakeHost... hosts) {
    this(null, byId(hosts));
  }

  /** With the SDK's metrics reported into {@code metrics}, as the Spring Boot starter wires them. */
  JobHarness(Scope metrics, FakeHost... hosts) {
    this(metrics, byId(hosts));
  }

  /** Hosts of any kind (a faulty one, say), by host id; claims go to the first. */
  JobHarness(Map<String, ? extends HostActivities> hosts) {
    this(null, hosts);
  }

  private JobHarness(Scope metrics, Map<String, ? extends HostActivities> hosts) {
    env = metrics == null
        ? TestWorkflowEnvironment.newInstance()
        : TestWorkflowEnvironment.newInstance(TestEnvironmentOptions.newBuilder().setMetricsScope(metrics).build());
    client = env.getWorkflowClient();
    placement = new FakePlacement(hosts.isEmpty() ? "none" : hosts.keySet().iterator().next());
    Worker orchestrator = env.newWorker(TaskQueues.ORCHESTRATOR);
    orchestrator.registerWorkflowImplementationTypes(JobWorkflowImpl.class);
    orchestrator.registerActivitiesImplementations(github, new LabelRouting());
    hosts.forEach((id, host) -> env.newWorker(TaskQueues.host(id)).registerActivitiesImplementations(host));
    if (!hosts.isEmpty()) {
      env.newWorker(TaskQueues.placement(TEMPLATE.sizeClass())).registerActivitiesImplementations(placement);
    }
    for (SearchAttributeKey<?> key : HangarSearchAttributes.ALL) {
      env.registerSearchAttribute(key.getName(), key.getValueType());
    }
    env.start();
  }

  private static Map<String, FakeHost> byId(FakeHost... hosts) {
    Map<String, FakeHost> map = new LinkedHashMap<>();
    for (FakeHost host : hosts) {
      map.put(host.hostId, host);
    }
    return map;
  }

  static JobRequest job(long jobId, String... labels) {
    return new JobRequest(
        jobId, jobId * 10, 1, "octo-org", "example-workflow", List.of(labels), "https://github.com/x", null);
  }

  static JobRequest job(long jobId) {
    return job(jobId, "self-hosted", POOL_LABEL);
  }

  JobWorkflow start(JobRequest job) {
    JobWorkflow stub = client.newWorkflowStub(JobWorkflow.class, options(job.jobId()));
    WorkflowClient.start(stub::run, job, policy);
    return client.newWorkflowStub(JobWorkflow.class, Names.workflowId(job.jobId()));
  }

  /** What the gateway does for each delivery: signal-with-start, the event as the signal. */
  WorkflowExecution deliver(JobRequest job, JobEvent event) {
    JobWorkflow stub = client.newWorkflowStub(JobWorkflow.class, options(job.jobId()));
    BatchRequest batch = client.newSignalWithStartRequest();
    batch.add(stub::run, job, policy);
    batch.add(stub::event, event);
    return client.signalWithStart(batch);
  }

  /** A plain signal, as the gateway sends to the owner of the runner named in an event. */
  void signal(long workflowJobId, JobEvent event) {
    client.newWorkflowStub(JobWorkflow.class, Names.workflowId(workflowJobId)).event(event);
  }

  /**
   * Sends an event about a job Hangar serves as the gateway does: to the job's workflow, and to the
   * workflow owning its runner, when that is another one, marked as about a Hangar job.
   */
  void sendLikeTheGateway(JobEvent e) {
    signal(e.jobId(), e);
    Names.ownerJobOfRunner(e.runnerName())
        .filter(owner -> owner != e.jobId())
        .ifPresent(owner -> signal(owner, e.ofHangarJob()));
  }

  WorkflowOptions options(long jobId) {
    return WorkflowOptions.newBuilder()
        .setWorkflowId(Names.workflowId(jobId))
        .setTaskQueue(TaskQueues.ORCHESTRATOR)
        .setWorkflowIdConflictPolicy(WorkflowIdConflictPolicy.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING)
        .build();
  }

  static JobEvent event(JobEvent.Action action, long jobId, String runner, String conclusion) {
    return new JobEvent(
        action, jobId, runner, runner == null ? null : 7L, conclusion, Instant.parse("2026-01-01T00:00:00Z"), "d-" + jobId, null);
  }

  static JobEvent inProgress(long jobId, String runner) {
    return event(JobEvent.Action.IN_PROGRESS, jobId, runner, null);
  }

  static JobEvent completed(long jobId, String runner, String conclusion) {
    return event(JobEvent.Action.COMPLETED, jobId, runner, conclusion);
  }

  /** Polls the status query in real time (the test clock does not move meanwhile). */
  JobStatus awaitStatus(long jobId, Predicate<JobStatus> condition) {
    JobWorkflow stub = client.newWorkflowStub(JobWorkflow.class, Names.workflowId(jobId));
    return poll(stub::status, condition, last -> "job " + jobId + " never reached the expected state; last: " + last);
  }

  /** Reads {@code read} every 20 ms of real time until {@code done} holds, for at most 20 s. */
  private static <T> T poll(Supplier<T> read, Predicate<T> done, Function<T, String> failure) {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    T last = null;
    while (System.nanoTime() < deadline) {
      last = read.get();
      if (done.test(last)) {
        return last;
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    throw new AssertionError(failure.apply(last));
  }

  /** Waits until the job's newest VM (the {@code ordinal}-th) has a runner waiting for a job. */
  JobStatus awaitRunnerUp(long jobId, int ordinal) {
    return awaitStatus(
        jobId,
        s -> s.attempt() == ordinal && s.phase() == Phase.AWAITING_START
            || s.vms().size() >= ordinal && "IDLE".equals(s.vms().get(ordinal - 1).state()));
  }

  /**
   * The longest life the policy allows a started job: four runners GitHub never gives the job,
   * each replaced at the registration timeout; the fifth runs it for a minute less than the
   * maximum job duration, and it completes.
   */
  void starveFourRunnersThenRunOnTheFifthForAlmostTheMaximum(long jobId) {
    for (int vm = 1; vm <= 4; vm++) {
      awaitRunnerUp(jobId, vm);
      env.sleep(policy.registrationTimeout().plusSeconds(1));
    }
    String last = Names.vmName(jobId, 5);
    awaitRunnerUp(jobId, 5);
    deliver(job(jobId), inProgress(jobId, last));
    awaitStatus(jobId, s -> s.phase() == Phase.RUNNING);
    env.sleep(policy.maxJobDuration().minusMinutes(1));
    deliver(job(jobId), completed(jobId, last, "success"));
  }

  /**
   * Waits, in real time, for the server to record the job's workflow as closed. Unlike {@link
   * #result}, describing a workflow does not let the test server skip time, so no timer can fire
   * while the workflow's last task is still in flight.
   */
  void awaitClosed(long jobId) {
    var describe = io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest.newBuilder()
        .setNamespace(client.getOptions().getNamespace())
        .setExecution(WorkflowExecution.newBuilder().setWorkflowId(Names.workflowId(jobId)))
        .build();
    poll(() -> client.getWorkflowServiceStubs().blockingStub().describeWorkflowExecution(describe)
            .getWorkflowExecutionInfo().getStatus(),
        status -> status != io.temporal.api.enums.v1.WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING,
        status -> "job " + jobId + " did not close in 20 s; last status " + status);
  }

  JobOutcome result(long jobId) {
    try {
      return client
          .newUntypedWorkflowStub(Names.workflowId(jobId))
          .getResult(20, java.util.concurrent.TimeUnit.SECONDS, JobOutcome.class);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new AssertionError(
          "job " + jobId + " did not finish; status: "
              + client.newWorkflowStub(JobWorkflow.class, Names.workflowId(jobId)).status(), e);
    }
  }

  /**
   * With {@code -Dhangar.histories.write=true}, saves the job's history as a replay fixture under
   * src/test/resources/histories; {@link JobWorkflowReplayTest} replays every one of them.
   */
  void recordHistory(long jobId, String name) {
    if (!Boolean.getBoolean("hangar.histories.write")) {
      return;
    }
    String json = client.fetchHistory(Names.workflowId(jobId)).toJson(true);
    try {
      java.nio.file.Path dir = java.nio.file.Path.of("src/test/resources/histories");
      java.nio.file.Files.createDirectories(dir);
      java.nio.file.Files.writeString(dir.resolve(name + ".json"), json);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  WorkflowStub untyped(long jobId) {
    return client.newUntypedWorkflowStub(Names.workflowId(jobId));
  }

  @Override
  public void close() {
    env.close();
  }

  /** The trust policy the harness's pool hands its VMs. */
  static final TrustPolicy POOL_TRUST =
      new TrustPolicy(List.of(), List.of("octo-org/*"), List.of(), List.of("push"), false, TrustPolicy.OnUntrusted.CANCEL);

  /** A repository the pool refuses, cancelling the run; {@link #LEFT_REPO}: refused and left queued. */
  static final String UNTRUSTED_REPO = "untrusted";

  static final String LEFT_REPO = "left-alone";

  /**
   * Routes like the real router: a pool label, a missing template, or not ours; the pool refuses
   * {@link #UNTRUSTED_REPO} and {@link #LEFT_REPO}.
   */
  static final class LabelRouting implements RoutingActivities {
    @Override
    public Route route(JobRequest job) {
      List<String> labels = job.labels();
      if (labels.contains(POOL_LABEL) && job.repo().equals(UNTRUSTED_REPO)) {
        return Route.untrusted("macos", "pool macos does not trust " + job.fullName(), POOL_TRUST);
      }
      if (labels.contains(POOL_LABEL) && job.repo().equals(LEFT_REPO)) {
        TrustPolicy leave = new TrustPolicy(null, null, null, null, false, TrustPolicy.OnUntrusted.LEAVE);
        return Route.untrusted("macos", "pool macos does not trust " + job.fullName(), leave);
      }
      if (labels.contains("anka-template:missing")) {
        return Route.unknownTemplate("template missing is in no registry");
      }
      if (labels.contains("anka-template:nowhere")) {
        return Route.serve("anywhere", new TemplateRef("nowhere", null, TEMPLATE.resources()));
      }
      if (labels.contains(POOL_LABEL)) {
        return Route.serve("macos", TEMPLATE, POOL_TRUST);
      }
      return Route.notOurs("no pool serves " + labels);
    }
  }
}
