package dev.hangar.activities.github;

/** How a runner is registered with GitHub ({@code hangar.github.runner-registration}). */
public enum RunnerRegistrationMode {
  /**
   * {@code POST …/actions/runners/generate-jitconfig}: GitHub creates the runner and hands out a
   * configuration good for that one runner. The default.
   */
  JIT,
  /**
   * {@code POST …/actions/runners/registration-token}: a token the runner's {@code config.sh} uses
   * to register itself. The token can register any number of runners for an hour.
   */
  REGISTRATION_TOKEN
}
