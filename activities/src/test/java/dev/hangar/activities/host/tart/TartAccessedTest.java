package dev.hangar.activities.host.tart;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class TartAccessedTest {

  static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
  static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  static Instant parse(String text) {
    return TartAccessed.parse(JSON.textNode(text), NOW);
  }

  @Test
  void relativeTextAsTartsTableShowsIt() {
    assertThat(parse("9 minutes ago")).isEqualTo(NOW.minus(Duration.ofMinutes(9)));
    assertThat(parse("20 hours ago")).isEqualTo(NOW.minus(Duration.ofHours(20)));
    assertThat(parse("2 days ago")).isEqualTo(NOW.minus(Duration.ofDays(2)));
    assertThat(parse("2 weeks ago")).isEqualTo(NOW.minus(Duration.ofDays(14)));
    assertThat(parse("an hour ago")).isEqualTo(NOW.minus(Duration.ofHours(1)));
    assertThat(parse("1 second ago")).isEqualTo(NOW.minusSeconds(1));
    assertThat(parse("just now")).isEqualTo(NOW);
  }

  @Test
  void isoDates() {
    assertThat(parse("2026-02-20T10:15:30Z")).isEqualTo(Instant.parse("2026-02-20T10:15:30Z"));
    assertThat(parse("2026-02-20T10:15:30+01:00")).isEqualTo(Instant.parse("2026-02-20T09:15:30Z"));
  }

  @Test
  void anythingElseIsOldestSoItGoesFirst() {
    assertThat(parse("yesterday-ish")).isEqualTo(Instant.EPOCH);
    assertThat(TartAccessed.parse(JSON.numberNode(12345), NOW)).isEqualTo(Instant.EPOCH);
    assertThat(TartAccessed.parse(null, NOW)).isEqualTo(Instant.EPOCH);
    assertThat(TartAccessed.parse(JSON.missingNode(), NOW)).isEqualTo(Instant.EPOCH);
  }
}
