package dev.hangar.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hangar.testfixtures.WebhookSigner;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class SignatureVerifierTest {

  /** GitHub's published test vector (docs: "Validating webhook deliveries"). */
  private static final String SECRET = "It's a Secret to Everybody";
  private static final byte[] PAYLOAD = "Hello, World!".getBytes(StandardCharsets.UTF_8);
  private static final String EXPECTED =
      "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";

  private final SignatureVerifier verifier = new SignatureVerifier(SECRET);

  @Test
  void acceptsGitHubsTestVector() {
    assertThat(verifier.sign(PAYLOAD)).isEqualTo(EXPECTED);
    assertThat(verifier.verify(PAYLOAD, EXPECTED)).isTrue();
  }

  @Test
  void agreesWithTheSharedTestSigner() {
    byte[] body = "{\"zen\":\"Design for failure.\"}".getBytes(StandardCharsets.UTF_8);
    assertThat(verifier.verify(body, WebhookSigner.sign(SECRET, body))).isTrue();
  }

  @Test
  void rejectsAChangedBody() {
    assertThat(verifier.verify("Hello, World?".getBytes(StandardCharsets.UTF_8), EXPECTED)).isFalse();
    assertThat(verifier.verify("Hello, World! ".getBytes(StandardCharsets.UTF_8), EXPECTED)).isFalse();
  }

  @Test
  void rejectsAnotherSecret() {
    assertThat(new SignatureVerifier("It's a secret to everybody").verify(PAYLOAD, EXPECTED)).isFalse();
  }

  @Test
  void rejectsMissingOrMalformedHeaders() {
    String hex = EXPECTED.substring("sha256=".length());
    assertThat(verifier.verify(PAYLOAD, null)).isFalse();
    assertThat(verifier.verify(PAYLOAD, "")).isFalse();
    assertThat(verifier.verify(PAYLOAD, hex)).as("no prefix").isFalse();
    assertThat(verifier.verify(PAYLOAD, "sha1=" + hex)).as("wrong prefix").isFalse();
    assertThat(verifier.verify(PAYLOAD, "SHA256=" + hex)).as("prefix is case-sensitive").isFalse();
    assertThat(verifier.verify(PAYLOAD, EXPECTED.substring(0, EXPECTED.length() - 2))).as("truncated").isFalse();
    assertThat(verifier.verify(PAYLOAD, EXPECTED + "00")).as("too long").isFalse();
    assertThat(verifier.verify(PAYLOAD, "sha256=" + "zz" + hex.substring(2))).as("not hex").isFalse();
    assertThat(verifier.verify(PAYLOAD, "sha256=" + hex.substring(1) + "0")).as("one digit off").isFalse();
  }

  @Test
  void upperCaseHexIsTheSameDigest() {
    String upper = "sha256=" + EXPECTED.substring("sha256=".length()).toUpperCase();
    assertThat(verifier.verify(PAYLOAD, upper)).isTrue();
  }

  @Test
  void refusesAnEmptySecret() {
    assertThatThrownBy(() -> new SignatureVerifier("")).isInstanceOf(IllegalArgumentException.class);
  }
}
