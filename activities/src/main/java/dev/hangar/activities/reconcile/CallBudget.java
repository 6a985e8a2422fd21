package dev.hangar.activities.reconcile;

import dev.hangar.activities.github.RateLimitInfo;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The GitHub calls one activity of a pass may still make: at most its cap, and none while GitHub's
 * last reported remaining rate limit is below the reserve. Every call is taken before it is made.
 */
final class CallBudget {

  private final int cap;
  private final int reserve;
  private final Supplier<Optional<RateLimitInfo>> rateLimit;
  private int used;
  private boolean refused;

  CallBudget(int cap, int reserve, Supplier<Optional<RateLimitInfo>> rateLimit) {
    this.cap = cap;
    this.reserve = reserve;
    this.rateLimit = rateLimit;
  }

  /** Takes one call; false (and the budget stays refused) when the cap or the reserve says no. */
  boolean take() {
    if (refused) {
      return false;
    }
    boolean belowReserve = rateLimit.get().map(info -> info.remaining() < reserve).orElse(false);
    if (used >= cap || belowReserve) {
      refused = true;
      return false;
    }
    used++;
    return true;
  }

  int used() {
    return used;
  }

  /** Whether a call was refused: the listing stopped before it was done. */
  boolean refused() {
    return refused;
  }
}
