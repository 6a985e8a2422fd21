package dev.hangar.e2e;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.function.Supplier;

/** Polling waits with a deadline and a message that says what never happened. */
final class Await {

  private Await() {}

  static <T> T until(String what, Duration timeout, Callable<T> value) throws Exception {
    return until(what, timeout, value, () -> "");
  }

  /** Waits until {@code value} returns non-null (or {@code true}), and returns it. */
  static <T> T until(String what, Duration timeout, Callable<T> value, Supplier<String> context) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      T v = value.call();
      if (v != null && !Boolean.FALSE.equals(v)) {
        return v;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out after " + timeout + " waiting for " + what + context.get());
      }
      Thread.sleep(200);
    }
  }
}
