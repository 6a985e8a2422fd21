package dev.hangar.workflows.github;

import io.temporal.activity.ActivityInterface;

/**
 * Every GitHub call a job workflow makes. Runs on the orchestrator queue only: the hosts never hold
 * GitHub credentials.
 */
@ActivityInterface
public interface GitHubActivities {

  /**
   * Creates a single-use (JIT) runner with the job's labels and the given name. If a runner of that
   * name already exists (a retry after a lost response), it is removed and created again, never
   * doubled. The JIT configuration comes back sealed.
   */
  RunnerRegistration registerRunner(RunnerRequest request);

  /**
   * Removes a runner. GitHub refuses to remove a runner that is running a job: that comes back as
   * {@link RunnerRemoval#BUSY}, not as a failure.
   */
  RunnerRemoval removeRunner(RunnerRef runner);

  /**
   * Cancels a whole workflow run: GitHub has no per-job cancel. Cancelling a run that already
   * finished is a success.
   */
  void cancelRun(RunRef run);
}
