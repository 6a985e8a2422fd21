package dev.hangar.emulator;

import java.util.function.Predicate;

/**
 * Which newly registered runners GitHub will never give a job (actions/runner#3621): the next
 * {@code n} to register, and any whose name matches a predicate. Decided once, at registration.
 * Thread-safe.
 */
final class RunnerStarvation {

  private int next;
  private Predicate<String> names = name -> false;

  synchronized void nextRunners(int count) {
    if (count < 0) {
      throw new IllegalArgumentException("count must not be negative, was " + count);
    }
    next = count;
  }

  synchronized void runnersNamed(Predicate<String> predicate) {
    names = predicate;
  }

  synchronized void clear() {
    next = 0;
    names = name -> false;
  }

  /** Whether the runner registering now under this name is to be starved. */
  synchronized boolean starve(String runnerName) {
    if (names.test(runnerName)) {
      return true;
    }
    if (next > 0) {
      next--;
      return true;
    }
    return false;
  }
}
