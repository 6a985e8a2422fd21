package dev.hangar.emulator;

import java.time.Duration;

/**
 * One injected misbehaviour of one call.
 *
 * @param kind what goes wrong
 * @param status the HTTP status answered, where the kind answers one
 * @param delay how long the emulator waits before it handles the call (for {@link Kind#DELAY})
 */
public record Fault(Kind kind, int status, Duration delay) {

  /** What goes wrong. */
  public enum Kind {
    /** Answer {@code status} without doing anything. */
    STATUS,
    /** Do what the call asks, then answer {@code status} instead of the real answer (a lost response). */
    STATUS_AFTER_EFFECT,
    /** Wait {@code delay}, then handle the call normally (a client with a shorter timeout gives up). */
    DELAY,
    /** Answer a secondary rate limit: {@code status} 403 or 429 with {@code retry-after} = delay. */
    SECONDARY_RATE_LIMIT
  }

  /** Answer {@code status} (for example 502) and do nothing. */
  public static Fault status(int status) {
    return new Fault(Kind.STATUS, status, Duration.ZERO);
  }

  /** Do the work, then answer {@code status}: the client sees an error although the effect happened. */
  public static Fault statusAfterEffect(int status) {
    return new Fault(Kind.STATUS_AFTER_EFFECT, status, Duration.ZERO);
  }

  /** Wait, then answer normally. */
  public static Fault delay(Duration delay) {
    return new Fault(Kind.DELAY, 200, delay);
  }

  /** A secondary rate limit with a {@code retry-after} header. */
  public static Fault secondaryRateLimit(int status, Duration retryAfter) {
    return new Fault(Kind.SECONDARY_RATE_LIMIT, status, retryAfter);
  }
}
