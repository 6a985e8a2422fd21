package dev.hangar.testfixtures;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signs webhook bodies the way GitHub does: header {@value #HEADER} is {@code "sha256="} followed by
 * the lower-case hex HMAC-SHA256 of the raw body under the webhook secret.
 */
public final class WebhookSigner {

  /** The header GitHub puts the signature in. */
  public static final String HEADER = "X-Hub-Signature-256";

  private WebhookSigner() {}

  /** The {@value #HEADER} value of a raw body. */
  public static String sign(String secret, byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available in this JVM", e);
    }
  }

  /** The {@value #HEADER} value of a UTF-8 body. */
  public static String sign(String secret, String body) {
    return sign(secret, body.getBytes(StandardCharsets.UTF_8));
  }

  /** Whether a signature header matches the body, compared in constant time. */
  public static boolean verify(String secret, byte[] body, String signatureHeader) {
    if (signatureHeader == null) {
      return false;
    }
    return MessageDigest.isEqual(
        sign(secret, body).getBytes(StandardCharsets.US_ASCII),
        signatureHeader.getBytes(StandardCharsets.US_ASCII));
  }
}
