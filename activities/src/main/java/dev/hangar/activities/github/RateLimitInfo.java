package dev.hangar.activities.github;

import java.net.http.HttpHeaders;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * GitHub's {@code x-ratelimit-*} headers of one response.
 *
 * @param limit calls per window
 * @param remaining calls left
 * @param used calls spent
 * @param reset when the budget refills
 * @param resource which budget ({@code core}, ...)
 */
public record RateLimitInfo(int limit, int remaining, int used, Instant reset, String resource) {

  static Optional<RateLimitInfo> from(HttpHeaders headers) {
    return from(headers.map());
  }

  static Optional<RateLimitInfo> from(Map<String, List<String>> headers) {
    String remaining = first(headers, "x-ratelimit-remaining");
    String reset = first(headers, "x-ratelimit-reset");
    if (remaining == null || reset == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(new RateLimitInfo(
          parse(first(headers, "x-ratelimit-limit")),
          Integer.parseInt(remaining.trim()),
          parse(first(headers, "x-ratelimit-used")),
          Instant.ofEpochSecond(Long.parseLong(reset.trim())),
          first(headers, "x-ratelimit-resource")));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  static String first(Map<String, List<String>> headers, String name) {
    for (Map.Entry<String, List<String>> e : headers.entrySet()) {
      if (e.getKey() != null && e.getKey().equalsIgnoreCase(name) && !e.getValue().isEmpty()) {
        return e.getValue().get(0);
      }
    }
    return null;
  }

  private static int parse(String value) {
    return value == null ? -1 : Integer.parseInt(value.trim());
  }
}
