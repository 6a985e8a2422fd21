package dev.hangar.emulator;

import java.time.Duration;
import java.time.Instant;

/** The primary (core) rate limit: a budget of calls that refills at a reset time. Thread-safe. */
final class RateLimit {

  /** A snapshot for the {@code x-ratelimit-*} headers. */
  record Snapshot(int limit, int remaining, int used, long resetEpochSeconds) {}

  private final Duration window;
  private int limit;
  private int used;
  private Instant reset;
  private int spentStatus = 403;

  RateLimit(int limit, Duration window) {
    this.limit = limit;
    this.window = window;
    this.reset = Instant.now().plus(window);
  }

  /** Spends one call if the budget allows; false when it is spent. */
  synchronized boolean tryConsume() {
    refillIfDue();
    if (used >= limit) {
      return false;
    }
    used++;
    return true;
  }

  synchronized Snapshot snapshot() {
    refillIfDue();
    return new Snapshot(limit, Math.max(0, limit - used), used, reset.getEpochSecond());
  }

  /** Spends the whole budget until {@code resetAt}. */
  synchronized void exhaust(Instant resetAt) {
    exhaust(resetAt, 403);
  }

  /** Spends the whole budget until {@code resetAt}, answering calls {@code status} (403 or 429). */
  synchronized void exhaust(Instant resetAt, int status) {
    used = limit;
    reset = resetAt;
    spentStatus = status;
  }

  /** The status a call gets while the budget is spent. */
  synchronized int spentStatus() {
    return spentStatus;
  }

  /** Sets a new budget, fully available, resetting after the window. */
  synchronized void set(int newLimit, int remaining, Instant resetAt) {
    limit = newLimit;
    used = Math.max(0, newLimit - remaining);
    reset = resetAt;
  }

  private void refillIfDue() {
    Instant now = Instant.now();
    if (!now.isBefore(reset)) {
      used = 0;
      reset = now.plus(window);
    }
  }
}
