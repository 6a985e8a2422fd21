package dev.hangar.activities.github;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hangar.workflows.Failures;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Turns GitHub's error answers into Temporal failures with the types of {@link Failures}, so the
 * workflow's retry policy decides once:
 *
 * <ul>
 *   <li>rate limit spent (403/429 with {@code x-ratelimit-remaining: 0}) → {@link Failures#RATE_LIMITED},
 *       next retry at {@code x-ratelimit-reset};
 *   <li>secondary rate limit (403/429 with {@code retry-after}, or a "rate limit" message) →
 *       {@link Failures#RATE_LIMITED}, next retry after {@code retry-after} (60 s if absent);
 *   <li>401, other 403, 404, 400 and 422 → {@link Failures#GITHUB_REFUSED}, non-retryable (but
 *       see {@link #tokenRefused});
 *   <li>anything else (5xx, 409, network errors, timeouts) → a retryable {@value #UNAVAILABLE}.
 * </ul>
 */
final class GitHubFailures {

  /** The type of retryable GitHub failures: a 5xx, a timeout, a lost connection. */
  static final String UNAVAILABLE = Failures.GITHUB_UNAVAILABLE;

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final Duration MIN_DELAY = Duration.ofSeconds(1);

  private final Clock clock;

  GitHubFailures(Clock clock) {
    this.clock = clock;
  }

  ApplicationFailure of(String operation, int status, Map<String, List<String>> headers, String gitHubMessage,
      Throwable cause) {
    String text = operation + ": GitHub answered " + status + (gitHubMessage == null ? "" : " (" + gitHubMessage + ")");
    Instant now = clock.instant();
    Optional<Instant> resume = RateLimitGate.resumeAt(now, status, headers, gitHubMessage);
    if (resume.isPresent()) {
      return rateLimited(text, Duration.between(now, resume.get()), cause);
    }
    if (status == 401 || status == 403 || status == 404 || status == 400 || status == 422) {
      return ApplicationFailure.newBuilder()
          .setType(Failures.GITHUB_REFUSED)
          .setMessage(text)
          .setNonRetryable(true)
          .setCause(cause)
          .build();
    }
    return ApplicationFailure.newBuilder().setType(UNAVAILABLE).setMessage(text).setCause(cause).build();
  }

  /**
   * GitHub refused an App installation token before it expired (revoked, or the clocks disagree):
   * retryable, as the next attempt buys a new token.
   */
  ApplicationFailure tokenRefused(String operation, String gitHubMessage, Throwable cause) {
    return ApplicationFailure.newBuilder()
        .setType(UNAVAILABLE)
        .setMessage(operation + ": GitHub answered 401" + (gitHubMessage == null ? "" : " (" + gitHubMessage + ")")
            + " to the installation token; the next attempt buys a new one")
        .setCause(cause)
        .build();
  }

  /** A network failure or timeout: retryable; a call the rate-limit gate held back: retried at its end. */
  ApplicationFailure unreachable(String operation, IOException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof RateLimitPausedException paused) {
        return rateLimited(operation + ": not sent, " + paused.getMessage(),
            Duration.between(clock.instant(), paused.until()), e);
      }
    }
    return ApplicationFailure.newBuilder()
        .setType(UNAVAILABLE)
        .setMessage(operation + ": GitHub unreachable (" + e.getClass().getSimpleName() + ")")
        .setCause(e)
        .build();
  }

  private static ApplicationFailure rateLimited(String text, Duration delay, Throwable cause) {
    Duration next = delay.compareTo(MIN_DELAY) < 0 ? MIN_DELAY : delay;
    return ApplicationFailure.newBuilder()
        .setType(Failures.RATE_LIMITED)
        .setMessage(text + "; retrying in " + next.toSeconds() + " s")
        .setNextRetryDelay(next)
        .setCause(cause)
        .build();
  }

  /** GitHub's {@code message} in an error body, or {@code null}. */
  static String messageOf(byte[] body) {
    if (body == null || body.length == 0) {
      return null;
    }
    try {
      JsonNode json = MAPPER.readTree(body);
      return json == null ? null : json.path("message").asText(null);
    } catch (IOException e) {
      return null;
    }
  }
}
