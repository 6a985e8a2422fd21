package dev.hangar.workflows.job;

import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * One GitHub job's life: find a host, start a fresh VM, register a single-use runner in it, see
 * the job start and finish, delete the VM. Workflow id: {@link dev.hangar.workflows.Names#workflowId}.
 *
 * <p>Every webhook event reaches it as signal-with-start of {@link #event}, so duplicate deliveries
 * and any arrival order converge on one execution.
 */
@WorkflowInterface
public interface JobWorkflow {

  /** The workflow type name shown in the Web UI and used by the CLI. */
  String TYPE = "JobWorkflow";

  @WorkflowMethod(name = TYPE)
  JobOutcome run(JobRequest job, JobPolicy policy);

  /** A {@code workflow_job} event about this job or about a job this job's runner took. */
  @SignalMethod(name = "event")
  void event(JobEvent event);

  /** Phase, attempt, host, VM, runner and timestamps. */
  @QueryMethod(name = "status")
  JobStatus status();
}
