package dev.hangar.activities.github;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a GitHub App's private key from its PEM file: PKCS#1 ({@code BEGIN RSA PRIVATE KEY}, the
 * format GitHub hands out) or PKCS#8 ({@code BEGIN PRIVATE KEY}). The JDK reads only PKCS#8, so a
 * PKCS#1 key is wrapped in a PKCS#8 structure first (RFC 5208: version 0, algorithm rsaEncryption,
 * the PKCS#1 key as an octet string). Error messages name the file and never contain key material.
 */
final class PrivateKeys {

  private static final Pattern PEM = Pattern.compile(
      "-----BEGIN (RSA )?PRIVATE KEY-----([A-Za-z0-9+/=\\s]+)-----END \\1?PRIVATE KEY-----");
  /** SEQUENCE { OID 1.2.840.113549.1.1.1 (rsaEncryption), NULL }. */
  private static final byte[] RSA_ALGORITHM = {
    0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00
  };
  private static final byte[] VERSION_0 = {0x02, 0x01, 0x00};

  private PrivateKeys() {}

  /** The RSA private key in {@code file}; {@link IllegalArgumentException} if it cannot be read or used. */
  static PrivateKey read(Path file) {
    String pem;
    try {
      pem = Files.readString(file, StandardCharsets.US_ASCII);
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException(
          "cannot read the private key file " + file + " (" + e.getClass().getSimpleName() + ")");
    }
    Matcher m = PEM.matcher(pem);
    if (!m.find()) {
      throw new IllegalArgumentException("the private key file " + file
          + " holds no PEM private key ('BEGIN RSA PRIVATE KEY' or 'BEGIN PRIVATE KEY')");
    }
    try {
      byte[] der = Base64.getMimeDecoder().decode(m.group(2));
      byte[] pkcs8 = m.group(1) == null ? der : pkcs8Of(der);
      return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "the private key file " + file + " holds no valid RSA private key (" + e.getClass().getSimpleName() + ")");
    }
  }

  /** A PKCS#1 RSAPrivateKey wrapped as a PKCS#8 PrivateKeyInfo. */
  static byte[] pkcs8Of(byte[] pkcs1) {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.writeBytes(VERSION_0);
    body.writeBytes(RSA_ALGORITHM);
    body.writeBytes(tagged(0x04, pkcs1));
    return tagged(0x30, body.toByteArray());
  }

  private static byte[] tagged(int tag, byte[] content) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(tag);
    int length = content.length;
    if (length < 0x80) {
      out.write(length);
    } else {
      int bytes = (32 - Integer.numberOfLeadingZeros(length) + 7) / 8;
      out.write(0x80 | bytes);
      for (int i = bytes - 1; i >= 0; i--) {
        out.write(length >>> (8 * i));
      }
    }
    out.writeBytes(content);
    return out.toByteArray();
  }
}
