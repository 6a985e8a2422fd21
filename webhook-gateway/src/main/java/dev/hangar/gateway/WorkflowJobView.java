package dev.hangar.gateway;

import dev.hangar.workflows.job.JobEvent;
import dev.hangar.workflows.job.JobRequest;

/**
 * The few typed fields Hangar takes from a {@code workflow_job} delivery. The raw payload goes no
 * further than the parser.
 *
 * @param action the wire action, for example {@code queued}
 * @param job the job, for the workflow's start arguments
 * @param event the event, for the signal; {@code null} when the action is not one Hangar knows
 */
record WorkflowJobView(String action, JobRequest job, JobEvent event) {}
