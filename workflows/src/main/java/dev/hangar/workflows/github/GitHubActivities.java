package dev.hangar.workflows.github;

import io.temporal.activity.ActivityInterface;
import java.time.Duration;

/**
 * Every GitHub call a job workflow makes. Runs on the orchestrator queue only: the hosts never hold
 * GitHub credentials.
 */
@ActivityInterface
public interface GitHubActivities {

  /**
   * The longest wait for a cancelled run to stop before it is force-cancelled that the cancel
   * activity's timeouts allow ({@code hangar.github.force-cancel-after} is validated against it).
   */
  Duration MAX_FORCE_CANCEL_AFTER = Duration.ofMinutes(5);

  /** How often, at the latest, {@link #cancelRun} heartbeats while it waits for the run to stop. */
  Duration CANCEL_RUN_HEARTBEAT = Duration.ofSeconds(30);

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
   * finished is a success. If the run has not stopped after {@code hangar.github.force-cancel-after}
   * (a step that ignores the cancel), it is force-cancelled, once; the activity heartbeats while it
   * waits.
   */
  void cancelRun(RunRef run);
}
