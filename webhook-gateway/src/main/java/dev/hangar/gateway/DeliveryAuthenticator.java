package dev.hangar.gateway;

/** Decides whether a delivery really comes from GitHub. */
@FunctionalInterface
interface DeliveryAuthenticator {

  /**
   * @param body the raw body, exactly as received
   * @param signatureHeader the {@code X-Hub-Signature-256} header, or {@code null}
   */
  boolean authentic(byte[] body, String signatureHeader);
}
