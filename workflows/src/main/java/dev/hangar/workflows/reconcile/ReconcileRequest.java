package dev.hangar.workflows.reconcile;

import java.time.Duration;
import java.util.List;

/**
 * What one reconcile pass looks at, and what it may spend. Fixed in the Schedule's action, so the
 * Web UI shows it with each pass.
 *
 * @param repositories repositories as {@code owner/name}
 * @param organizations organisations, each standing for every repository of it the credentials see
 * @param maxCallsPerPass the most GitHub API calls one pass makes; a pass that reaches it stops
 *     listing and repairs what it has seen
 * @param rateLimitReserve a pass makes no call while GitHub's remaining rate limit is below this, so
 *     that runner registrations, which jobs wait on, always have budget left
 * @param activityTimeout the longest one activity of a pass may take; {@code null} means {@link
 *     #ACTIVITY_TIMEOUT}
 */
public record ReconcileRequest(
    List<String> repositories,
    List<String> organizations,
    int maxCallsPerPass,
    int rateLimitReserve,
    Duration activityTimeout) {

  /** The default activity timeout: a full listing at GitHub's 10 s per call stays well inside. */
  public static final Duration ACTIVITY_TIMEOUT = Duration.ofMinutes(5);

  /** A request with the default activity timeout. */
  public ReconcileRequest(
      List<String> repositories, List<String> organizations, int maxCallsPerPass, int rateLimitReserve) {
    this(repositories, organizations, maxCallsPerPass, rateLimitReserve, null);
  }

  public ReconcileRequest {
    activityTimeout = activityTimeout == null ? ACTIVITY_TIMEOUT : activityTimeout;
    if (activityTimeout.isNegative() || activityTimeout.isZero()) {
      throw new IllegalArgumentException("activityTimeout must be positive, was " + activityTimeout);
    }
    repositories = repositories == null ? List.of() : List.copyOf(repositories);
    organizations = organizations == null ? List.of() : List.copyOf(organizations);
    if (maxCallsPerPass < 1) {
      throw new IllegalArgumentException("maxCallsPerPass must be at least 1, was " + maxCallsPerPass);
    }
    if (rateLimitReserve < 0) {
      throw new IllegalArgumentException("rateLimitReserve must not be negative, was " + rateLimitReserve);
    }
  }
}
