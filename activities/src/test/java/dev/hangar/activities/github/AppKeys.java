package dev.hangar.activities.github;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;

/** A GitHub App key pair for tests, written as GitHub hands it out (PKCS#1) or as PKCS#8. */
final class AppKeys {

  final KeyPair pair;

  AppKeys() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(2048);
      pair = generator.generateKeyPair();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The private key's PKCS#8 DER. */
  byte[] pkcs8() {
    return pair.getPrivate().getEncoded();
  }

  /** The PKCS#1 RSAPrivateKey inside the PKCS#8 structure (its last element, an octet string). */
  byte[] pkcs1() {
    byte[] der = pkcs8();
    int at = contentStart(der, 0); // into the outer SEQUENCE
    at = contentStart(der, at) + 1; // past INTEGER 0 (02 01 00)
    at = contentStart(der, at) + 13; // past the algorithm SEQUENCE (OID and NULL: 13 bytes)
    int content = contentStart(der, at); // the OCTET STRING
    return Arrays.copyOfRange(der, content, der.length);
  }

  /** Writes the key as PEM: {@code BEGIN RSA PRIVATE KEY} (PKCS#1) or {@code BEGIN PRIVATE KEY}. */
  Path write(Path dir, boolean pkcs1) {
    String type = pkcs1 ? "RSA PRIVATE KEY" : "PRIVATE KEY";
    String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
        .encodeToString(pkcs1 ? pkcs1() : pkcs8());
    Path file = dir.resolve(pkcs1 ? "app-pkcs1.pem" : "app-pkcs8.pem");
    try {
      Files.writeString(file, "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return file;
  }

  /** The base64 lines of a PEM file's body, to look for in logs. */
  static String[] bodyLines(Path pem) throws IOException {
    return Files.readAllLines(pem).stream().filter(l -> !l.startsWith("-----")).toArray(String[]::new);
  }

  /** Where the content of the DER element at {@code at} starts (after its tag and length). */
  private static int contentStart(byte[] der, int at) {
    int length = der[at + 1] & 0xff;
    return at + 2 + (length < 0x80 ? 0 : length & 0x7f);
  }
}
