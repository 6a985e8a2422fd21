package dev.hangar.gateway;

import dev.hangar.workflows.Names;
import dev.hangar.workflows.TaskQueues;
import dev.hangar.workflows.job.JobEvent;
import dev.hangar.workflows.job.JobPolicy;
import dev.hangar.workflows.job.JobRequest;
import dev.hangar.workflows.job.JobWorkflow;
import io.grpc.Context;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.WorkflowIdConflictPolicy;
import io.temporal.api.enums.v1.WorkflowIdReusePolicy;
import io.temporal.client.BatchRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionAlreadyStarted;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowTargetOptions;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Hands events to Temporal. Each call runs in a gRPC context whose deadline is the hand-over
 * timeout, so an abandoned call stops retrying once the gateway has answered.
 *
 * <p>The job's workflow is signalled-with-start with id {@link Names#workflowId}: conflict policy
 * USE_EXISTING, so duplicates and any order of events converge on one execution, and reuse policy
 * REJECT_DUPLICATE, so a late event after the job's workflow closed starts no second one.
 */
final class TemporalJobDispatcher implements JobDispatcher {

  private final WorkflowClient client;
  private final JobPolicy policy;
  private final Duration deadline;
  private final ScheduledExecutorService deadlineTimer;

  TemporalJobDispatcher(
      WorkflowClient client, JobPolicy policy, Duration deadline, ScheduledExecutorService deadlineTimer) {
    this.client = client;
    this.policy = policy;
    this.deadline = deadline;
    this.deadlineTimer = deadlineTimer;
  }

  @Override
  public DispatchResult dispatch(JobRequest job, JobEvent event) throws DispatchUnavailableException {
    return withDeadline(() -> signalWithStart(job, event));
  }

  @Override
  public String notifyRunnerOwner(JobEvent event) throws DispatchUnavailableException {
    Optional<String> owner = ownerOtherThan(event, event.jobId());
    if (owner.isEmpty()) {
      return null;
    }
    return withDeadline(() -> signalOwner(owner.get(), event));
  }

  @Override
  public String notifyJobIfRunning(JobEvent event) throws DispatchUnavailableException {
    return withDeadline(() -> signalOwner(Names.workflowId(event.jobId()), event));
  }

  private DispatchResult signalWithStart(JobRequest job, JobEvent event) {
    String workflowId = Names.workflowId(job.jobId());
    WorkflowOptions options =
        WorkflowOptions.newBuilder()
            .setWorkflowId(workflowId)
            .setTaskQueue(TaskQueues.ORCHESTRATOR)
            .setWorkflowIdConflictPolicy(WorkflowIdConflictPolicy.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING)
            .setWorkflowIdReusePolicy(WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE)
            .build();
    JobWorkflow stub = client.newWorkflowStub(JobWorkflow.class, options);
    BatchRequest request = client.newSignalWithStartRequest();
    request.add(stub::run, job, policy);
    request.add(stub::event, event);
    String runId;
    boolean duplicate;
    try {
      WorkflowExecution execution = client.signalWithStart(request);
      runId = execution.getRunId();
      duplicate = false;
    } catch (WorkflowExecutionAlreadyStarted e) {
      // REJECT_DUPLICATE: the job's workflow has closed; a late event must not start another.
      runId = null;
      duplicate = true;
    }
    Optional<String> owner = ownerOtherThan(event, job.jobId());
    String signalled = owner.isPresent() ? signalOwner(owner.get(), event) : null;
    return new DispatchResult(duplicate, workflowId, runId, signalled);
  }

  /**
   * A plain signal to a job's workflow (the runner's owner, or the job's own); {@code null} if it
   * has finished.
   */
  private String signalOwner(String ownerWorkflowId, JobEvent event) {
    try {
      client
          .newUntypedWorkflowStub(WorkflowTargetOptions.newBuilder().setWorkflowId(ownerWorkflowId).build())
          .signal("event", event);
      return ownerWorkflowId;
    } catch (WorkflowNotFoundException e) {
      // The owner has finished (or never existed): nothing is left for it to clean up.
      return null;
    }
  }

  private static Optional<String> ownerOtherThan(JobEvent event, long jobId) {
    return Names.ownerJobOfRunner(event.runnerName()).filter(owner -> owner != jobId).map(Names::workflowId);
  }

  /**
   * Runs the calls of one hand-over in a gRPC context with one deadline for all of them; anything
   * that fails is "Temporal did not take the event".
   */
  private <T> T withDeadline(Callable<T> call) throws DispatchUnavailableException {
    Context.CancellableContext context =
        Context.current().withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS, deadlineTimer);
    try {
      return context.call(call);
    } catch (Exception e) {
      throw new DispatchUnavailableException("Temporal did not take the event: " + e.getMessage(), e);
    } finally {
      context.cancel(null);
    }
  }
}
