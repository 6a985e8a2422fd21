package dev.hangar.gateway;

import dev.hangar.workflows.job.JobEvent;
import dev.hangar.workflows.job.JobRequest;

/**
 * The seam between the webhook controller and Temporal: hands a job's event to the workflows that
 * must see it. Implementations either hand it over or throw; they never drop it silently.
 */
interface JobDispatcher {

  /**
   * Signal-with-start of the job's own workflow; when the event's runner belongs to another Hangar
   * workflow, also a plain signal to that one.
   *
   * @throws DispatchUnavailableException if Temporal did not take the event (in time)
   */
  DispatchResult dispatch(JobRequest job, JobEvent event) throws DispatchUnavailableException;

  /**
   * Only the plain signal to the workflow owning the event's runner, for a job that is not ours
   * but ran on one of our runners. Does nothing if the runner is not a Hangar runner.
   *
   * @return the owner's workflow id, or {@code null} if there is none
   * @throws DispatchUnavailableException if Temporal did not take the event (in time)
   */
  String notifyRunnerOwner(JobEvent event) throws DispatchUnavailableException;

  /**
   * Only a plain signal to the event's own job's workflow, if that workflow is running; never a
   * start. For a {@code completed} event that no longer carries the labels the job was queued with
   * (GitHub sends a job cancelled before any runner took it with {@code labels: []}).
   *
   * @return the job's workflow id, or {@code null} if no such workflow is running
   * @throws DispatchUnavailableException if Temporal did not take the event (in time)
   */
  String notifyJobIfRunning(JobEvent event) throws DispatchUnavailableException;
}
