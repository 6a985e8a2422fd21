package dev.hangar.activities.host;

/** Turns the polling of one task queue on or off (a Temporal worker's suspend and resume). */
@FunctionalInterface
public interface PollingSwitch {

  /**
   * Polls, or stops polling.
   *
   * @return whether the setting took effect; {@code false} if it cannot yet (the worker has not
   *     started), so the caller tries again later
   */
  boolean poll(boolean on);
}
