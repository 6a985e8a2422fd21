package dev.hangar.emulator;

import java.time.Duration;
import java.util.Objects;

/**
 * What a job does once a runner takes it: how long it runs and the conclusion it ends with. An
 * emulated runner ({@link SimulatedRunner}) follows it; tests that drive the runner protocol
 * themselves may ignore it.
 *
 * @param duration how long the job runs on its runner; not negative
 * @param conclusion the conclusion it ends with, for example {@code success} or {@code failure}
 */
public record JobPlan(Duration duration, String conclusion) {

  /** One second, {@code success}. */
  public static final JobPlan DEFAULT = new JobPlan(Duration.ofSeconds(1), "success");

  public JobPlan {
    Objects.requireNonNull(duration, "duration");
    if (duration.isNegative()) {
      throw new IllegalArgumentException("duration must not be negative, was " + duration);
    }
    if (conclusion == null || conclusion.isBlank()) {
      throw new IllegalArgumentException("conclusion must not be blank");
    }
  }

  /** A job that runs for {@code duration} and succeeds. */
  public static JobPlan succeedsAfter(Duration duration) {
    return new JobPlan(duration, "success");
  }
}
