package dev.hangar.testfixtures;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class WebhookSignerTest {

  /** GitHub's published test vector ("Validating webhook deliveries"). */
  @Test
  void matchesGitHubsTestVector() {
    assertThat(WebhookSigner.sign("It's a Secret to Everybody", "Hello, World!"))
        .isEqualTo("sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17");
  }

  @Test
  void verifiesOnlyTheExactBody() {
    byte[] body = "Hello, World!".getBytes(StandardCharsets.UTF_8);
    String sig = WebhookSigner.sign("s3cret", body);
    assertThat(WebhookSigner.verify("s3cret", body, sig)).isTrue();
    assertThat(WebhookSigner.verify("other", body, sig)).isFalse();
    assertThat(WebhookSigner.verify("s3cret", "Hello, World?".getBytes(StandardCharsets.UTF_8), sig)).isFalse();
    assertThat(WebhookSigner.verify("s3cret", body, null)).isFalse();
  }
}
