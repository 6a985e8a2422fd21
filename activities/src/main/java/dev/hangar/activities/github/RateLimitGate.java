package dev.hangar.activities.github;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Keeps Hangar from calling GitHub while GitHub has said the credentials are rate limited, as
 * GitHub's documentation asks ("do not make requests while rate limited"): after a 403 or 429 that
 * names a spent primary limit ({@code x-ratelimit-remaining: 0}), no call with those credentials
 * leaves until {@code x-ratelimit-reset}; after a secondary limit, none until {@code retry-after}
 * has passed, or a minute when GitHub gives no time. Calls in that time fail at once with
 * {@link RateLimitPausedException}, without a request.
 *
 * <p>The pause is per {@code Authorization} header (only a SHA-256 digest of it is kept), so one
 * App installation that spent its budget does not pause another. An installation token renewed
 * while paused gets one request through, which GitHub answers with the same limit.
 */
final class RateLimitGate {

  /** GitHub: without retry-after, wait at least one minute before retrying a secondary limit. */
  static final Duration SECONDARY_DEFAULT = Duration.ofSeconds(60);

  private final Clock clock;
  private final Map<String, Instant> pausedUntil = new ConcurrentHashMap<>();

  RateLimitGate(Clock clock) {
    this.clock = clock;
  }

  /** Throws if calls with {@code authorization} are paused. */
  void check(String authorization) throws RateLimitPausedException {
    String key = keyOf(authorization);
    Instant until = pausedUntil.get(key);
    if (until == null) {
      return;
    }
    if (clock.instant().isBefore(until)) {
      throw new RateLimitPausedException(until);
    }
    pausedUntil.remove(key, until);
  }

  /** Whether calls with any credentials are held back now. */
  boolean anyPaused() {
    Instant now = clock.instant();
    return pausedUntil.values().stream().anyMatch(now::isBefore);
  }

  /** Reads an answer: a rate-limit refusal pauses calls with {@code authorization}. */
  void observe(String authorization, int status, Map<String, List<String>> headers, String gitHubMessage) {
    Instant now = clock.instant();
    resumeAt(now, status, headers, gitHubMessage).ifPresent(until -> {
      pausedUntil.values().removeIf(now::isAfter); // pauses of tokens no longer used
      pausedUntil.merge(keyOf(authorization), until, (a, b) -> a.isAfter(b) ? a : b);
    });
  }

  /** When GitHub allows calls again after this answer, if it is a rate-limit refusal received at {@code now}. */
  static Optional<Instant> resumeAt(Instant now, int status, Map<String, List<String>> headers, String gitHubMessage) {
    if (status != 403 && status != 429) {
      return Optional.empty();
    }
    String retryAfter = RateLimitInfo.first(headers, "retry-after");
    if (retryAfter != null) {
      try {
        return Optional.of(now.plusSeconds(Math.max(0, Long.parseLong(retryAfter.trim()))));
      } catch (NumberFormatException e) {
        return Optional.of(now.plus(SECONDARY_DEFAULT));
      }
    }
    String remaining = RateLimitInfo.first(headers, "x-ratelimit-remaining");
    if (remaining != null && "0".equals(remaining.trim())) {
      return Optional.of(RateLimitInfo.from(headers).map(RateLimitInfo::reset).orElse(now.plus(SECONDARY_DEFAULT)));
    }
    boolean rateMessage = gitHubMessage != null && gitHubMessage.toLowerCase(Locale.ROOT).contains("rate limit");
    if (status == 429 || rateMessage) {
      return Optional.of(now.plus(SECONDARY_DEFAULT));
    }
    return Optional.empty();
  }

  private static String keyOf(String authorization) {
    if (authorization == null) {
      return "";
    }
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(authorization.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
