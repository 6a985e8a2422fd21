package dev.hangar.workflows.reconcile;

import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * One pass of lost-webhook recovery, started by the Temporal Schedule {@link #SCHEDULE_ID}: compare
 * the jobs GitHub has queued or in progress with the open job workflows, start the missing ones and
 * tell open ones what GitHub already did. Every repair is an ordinary job event (signal-with-start
 * of {@code hangar-job-<jobId>}), so a repair that races a late webhook converges on one workflow.
 */
@WorkflowInterface
public interface ReconcileWorkflow {

  /** The workflow type name shown in the Web UI and used by the CLI. */
  String TYPE = "ReconcileWorkflow";

  /** The id of the Schedule that starts a pass every interval. */
  String SCHEDULE_ID = "hangar-reconciler";

  @WorkflowMethod(name = TYPE)
  ReconcileReport run(ReconcileRequest request);
}
