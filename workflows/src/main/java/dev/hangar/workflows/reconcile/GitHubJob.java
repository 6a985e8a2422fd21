package dev.hangar.workflows.reconcile;

import dev.hangar.workflows.job.JobEvent;
import dev.hangar.workflows.job.JobRequest;
import java.time.Instant;

/**
 * A job as GitHub's REST API shows it now.
 *
 * @param request the job, as a job workflow's start argument
 * @param action its status as a job action: queued, in_progress or completed
 * @param runnerName the runner it runs or ran on, or {@code null}
 * @param runnerId that runner's id, or {@code null}
 * @param conclusion its conclusion once completed, or {@code null}
 * @param at when it was queued, started or completed, whichever {@code action} says
 */
public record GitHubJob(
    JobRequest request, JobEvent.Action action, String runnerName, Long runnerId, String conclusion, Instant at) {

  /** The job's id. */
  public long jobId() {
    return request.jobId();
  }

  /** The event a webhook would have carried for this state; {@code source} names the pass. */
  public JobEvent event(String source) {
    return new JobEvent(action, request.jobId(), runnerName, runnerId, conclusion, at, source, null);
  }
}
