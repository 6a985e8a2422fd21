package dev.hangar.activities.github;

import dev.hangar.workflows.github.GitHubActivities;
import java.time.Duration;

/**
 * How runners are registered and runs cancelled.
 *
 * @param registration JIT configurations (default) or registration tokens
 * @param forceCancelAfter how long a cancelled run may go on before it is force-cancelled; {@code
 *     null} means 60 seconds; at most {@link GitHubActivities#MAX_FORCE_CANCEL_AFTER}
 */
public record RunnerSettings(RunnerRegistrationMode registration, Duration forceCancelAfter) {

  /** JIT runners; runs force-cancelled after 60 seconds. */
  public static final RunnerSettings DEFAULTS = new RunnerSettings(null, null);

  public RunnerSettings {
    registration = registration == null ? RunnerRegistrationMode.JIT : registration;
    forceCancelAfter = forceCancelAfter == null ? Duration.ofSeconds(60) : forceCancelAfter;
    if (forceCancelAfter.isNegative() || forceCancelAfter.compareTo(GitHubActivities.MAX_FORCE_CANCEL_AFTER) > 0) {
      throw new IllegalArgumentException("force-cancel-after must be between 0 and "
          + GitHubActivities.MAX_FORCE_CANCEL_AFTER + ", was " + forceCancelAfter);
    }
  }
}
