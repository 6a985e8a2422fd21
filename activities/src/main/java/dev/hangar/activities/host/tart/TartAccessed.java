package dev.hangar.activities.host.tart;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the {@code Accessed} field of {@code tart list} (Tart 2.31 and later; Tart updates it when
 * an image is cloned or pulled, and prunes by it): an ISO-8601 date, or the relative form its text
 * output shows ({@code "2 days ago"}, {@code "9 minutes ago"}). An absent or unreadable value is
 * {@link Instant#EPOCH}: such templates are evicted first, and among themselves in any order.
 */
final class TartAccessed {

  private static final Pattern RELATIVE = Pattern.compile(
      "(an?|\\d+)\\s+(second|minute|hour|day|week|month|year)s?\\s+ago");

  private TartAccessed() {}

  static Instant parse(JsonNode value, Instant now) {
    if (value == null || !value.isTextual()) {
      return Instant.EPOCH;
    }
    String text = value.asText().strip().toLowerCase(Locale.ROOT);
    try {
      return OffsetDateTime.parse(text.toUpperCase(Locale.ROOT)).toInstant();
    } catch (DateTimeParseException notIso) {
      // the relative form
    }
    if (text.equals("just now") || text.equals("now") || text.startsWith("in ")) {
      return now;
    }
    Matcher m = RELATIVE.matcher(text);
    if (!m.matches()) {
      return Instant.EPOCH;
    }
    long n = m.group(1).startsWith("a") ? 1 : Long.parseLong(m.group(1));
    Duration unit = switch (m.group(2)) {
      case "second" -> Duration.ofSeconds(1);
      case "minute" -> Duration.ofMinutes(1);
      case "hour" -> Duration.ofHours(1);
      case "day" -> Duration.ofDays(1);
      case "week" -> Duration.ofDays(7);
      case "month" -> Duration.ofDays(30);
      default -> Duration.ofDays(365);
    };
    return now.minus(unit.multipliedBy(n));
  }
}
