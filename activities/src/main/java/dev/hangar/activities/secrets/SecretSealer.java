package dev.hangar.activities.secrets;

import dev.hangar.workflows.Failures;
import dev.hangar.workflows.github.SealedSecret;
import io.temporal.failure.ApplicationFailure;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Seals and opens secrets (JIT runner configurations) with AES-256-GCM, so that the only form in
 * which one appears in a workflow's history is ciphertext. The orchestrator seals; the host that
 * runs the VM opens. The key id is the first 8 hex digits of the key's SHA-256, so a wrong key is
 * reported as such and keys can be rotated.
 */
public final class SecretSealer {

  private static final int NONCE_BYTES = 12;
  private static final int TAG_BITS = 128;
  private static final SecureRandom RANDOM = new SecureRandom();

  private final SecretKey key;
  private final String keyId;

  private SecretSealer(byte[] keyBytes) {
    if (keyBytes.length != 32) {
      throw new IllegalArgumentException(
          "the secrets key must be 32 bytes (base64 of 32 random bytes), was " + keyBytes.length + " bytes");
    }
    this.key = new SecretKeySpec(keyBytes, "AES");
    this.keyId = keyIdOf(keyBytes);
  }

  /**
   * A sealer for a base64-encoded 32-byte key, as {@code hangar.secrets.key} holds it.
   *
   * @throws IllegalArgumentException if the text is not base64 of 32 bytes; the message never
   *     contains the key
   */
  public static SecretSealer fromBase64(String base64Key) {
    if (base64Key == null || base64Key.isBlank()) {
      throw new IllegalArgumentException("the secrets key is empty");
    }
    byte[] bytes;
    try {
      bytes = Base64.getDecoder().decode(base64Key.trim());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("the secrets key is not valid base64", null);
    }
    return new SecretSealer(bytes);
  }

  /** A new random key, base64-encoded, for {@code hangar.secrets.key}. */
  public static String newKey() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return Base64.getEncoder().encodeToString(bytes);
  }

  /** The id of this sealer's key. */
  public String keyId() {
    return keyId;
  }

  /** Seals a secret. */
  public SealedSecret seal(String plaintext) {
    try {
      byte[] nonce = new byte[NONCE_BYTES];
      RANDOM.nextBytes(nonce);
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
      cipher.updateAAD(keyId.getBytes(StandardCharsets.US_ASCII));
      byte[] sealed = cipher.doFinal(plaintext.getBytes(StandardCharsets.UTF_8));
      byte[] out = new byte[nonce.length + sealed.length];
      System.arraycopy(nonce, 0, out, 0, nonce.length);
      System.arraycopy(sealed, 0, out, nonce.length, sealed.length);
      return new SealedSecret(keyId, Base64.getEncoder().encodeToString(out));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is not available in this JVM", e);
    }
  }

  /**
   * Opens a sealed secret.
   *
   * @throws ApplicationFailure of type {@link Failures#SECRET_UNREADABLE} (non-retryable) when the
   *     key differs or the ciphertext was altered
   */
  public String open(SealedSecret sealed) {
    if (!keyId.equals(sealed.keyId())) {
      throw ApplicationFailure.newNonRetryableFailure(
          "secret was sealed with key " + sealed.keyId() + " but this process has key " + keyId
              + ": set the same hangar.secrets.key on the orchestrator and the hosts",
          Failures.SECRET_UNREADABLE);
    }
    try {
      byte[] in = Base64.getDecoder().decode(sealed.ciphertext());
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, in, 0, NONCE_BYTES));
      cipher.updateAAD(keyId.getBytes(StandardCharsets.US_ASCII));
      byte[] plain = cipher.doFinal(in, NONCE_BYTES, in.length - NONCE_BYTES);
      return new String(plain, StandardCharsets.UTF_8);
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw ApplicationFailure.newNonRetryableFailure(
          "sealed secret could not be opened (altered or truncated)", Failures.SECRET_UNREADABLE);
    }
  }

  private static String keyIdOf(byte[] keyBytes) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(keyBytes);
      return HexFormat.of().formatHex(digest, 0, 4);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SHA-256 is not available in this JVM", e);
    }
  }
}
