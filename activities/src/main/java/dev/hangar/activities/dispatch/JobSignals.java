package dev.hangar.activities.dispatch;

import dev.hangar.workflows.Names;
import dev.hangar.workflows.TaskQueues;
import dev.hangar.workflows.job.JobEvent;
import dev.hangar.workflows.job.JobPolicy;
import dev.hangar.workflows.job.JobRequest;
import dev.hangar.workflows.job.JobWorkflow;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.WorkflowIdConflictPolicy;
import io.temporal.api.enums.v1.WorkflowIdReusePolicy;
import io.temporal.client.BatchRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionAlreadyStarted;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowTargetOptions;
import java.util.Optional;

/**
 * How a job event reaches the job workflows, whoever learnt of it: the webhook gateway from a
 * delivery, the reconciler from GitHub's REST API. One way, so both converge on one execution.
 *
 * <p>The job's workflow is signalled-with-start with id {@link Names#workflowId}: conflict policy
 * USE_EXISTING, so duplicates and any order of events converge on one execution, and reuse policy
 * REJECT_DUPLICATE, so a late event after the job's workflow closed starts no second one. When the
 * event names a Hangar runner owned by another job's workflow, that workflow gets a plain signal,
 * marked {@link JobEvent#hangarJob()} when the job is one Hangar serves.
 */
public final class JobSignals {

  /**
   * What became of one event.
   *
   * @param closed true if the job's workflow had already finished, so the event was dropped and no
   *     second execution was started
   * @param workflowId the job's workflow id
   * @param runId the execution that received the event, or {@code null} when closed
   * @param ownerWorkflowId the workflow owning the event's runner that was also signalled, or
   *     {@code null}
   */
  public record Handover(boolean closed, String workflowId, String runId, String ownerWorkflowId) {}

  private final WorkflowClient client;
  private final JobPolicy policy;

  public JobSignals(WorkflowClient client, JobPolicy policy) {
    this.client = client;
    this.policy = policy;
  }

  /** Signal-with-start of the job's workflow, then the plain signal to the runner's owner, if any. */
  public Handover signalWithStart(JobRequest job, JobEvent event) {
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
    boolean closed;
    try {
      WorkflowExecution execution = client.signalWithStart(request);
      runId = execution.getRunId();
      closed = false;
    } catch (WorkflowExecutionAlreadyStarted e) {
      // REJECT_DUPLICATE: the job's workflow has closed; a late event must not start another.
      runId = null;
      closed = true;
    }
    // Only jobs Hangar serves come this way: the owner's copy says so, which tells the owner that
    // the job's own VM is free to serve the owner's job (a swap, see docs/architecture.md).
    return new Handover(closed, workflowId, runId, signalRunnerOwner(event.ofHangarJob(), job.jobId()));
  }

  /**
   * Only the plain signal to the workflow owning the event's runner, when that is a Hangar runner
   * of a job other than {@code jobId}.
   *
   * @return the owner's workflow id, or {@code null} if there is none or it has finished
   */
  public String signalRunnerOwner(JobEvent event, long jobId) {
    Optional<String> owner =
        Names.ownerJobOfRunner(event.runnerName()).filter(o -> o != jobId).map(Names::workflowId);
    return owner.map(workflowId -> signalIfRunning(workflowId, event)).orElse(null);
  }

  /**
   * Only the plain signal to the event's own job workflow, never a start: for an event that must not
   * start a workflow but matters to one that is running (a {@code completed} without labels).
   *
   * @return the workflow id, or {@code null} if it has finished or never existed
   */
  public String signalJobIfRunning(JobEvent event) {
    return signalIfRunning(Names.workflowId(event.jobId()), event);
  }

  private String signalIfRunning(String workflowId, JobEvent event) {
    try {
      client
          .newUntypedWorkflowStub(WorkflowTargetOptions.newBuilder().setWorkflowId(workflowId).build())
          .signal("event", event);
      return workflowId;
    } catch (WorkflowNotFoundException e) {
      // It has finished (or never existed): nothing is left for it to clean up.
      return null;
    }
  }
}
