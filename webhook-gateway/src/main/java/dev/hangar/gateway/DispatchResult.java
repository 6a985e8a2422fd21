package dev.hangar.gateway;

/**
 * What became of a handed-over event.
 *
 * @param duplicate true if the job's workflow had already finished, so the event was dropped and no
 *     second execution was started
 * @param workflowId the job's workflow id
 * @param runId the execution that received the event, or {@code null} for a duplicate
 * @param ownerWorkflowId the workflow owning the event's runner that was also signalled, or {@code
 *     null}
 */
record DispatchResult(boolean duplicate, String workflowId, String runId, String ownerWorkflowId) {}
