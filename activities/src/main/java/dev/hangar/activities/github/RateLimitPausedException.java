package dev.hangar.activities.github;

import java.io.IOException;
import java.time.Instant;

/**
 * A call not sent: GitHub said the credentials it would use are rate limited until {@link #until()}
 * (see {@link RateLimitGate}). Nothing went over the network.
 */
public final class RateLimitPausedException extends IOException {

  private static final long serialVersionUID = 1L;

  private final transient Instant until;

  RateLimitPausedException(Instant until) {
    super("GitHub calls with these credentials are held back until " + until + ", as GitHub's rate limit asks");
    this.until = until;
  }

  /** When GitHub said calls may be made again. */
  public Instant until() {
    return until;
  }
}
