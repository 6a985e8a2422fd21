package dev.hangar.emulator;

/**
 * The outcome of one webhook delivery.
 *
 * @param deliveryId the {@code X-GitHub-Delivery} UUID
 * @param event the {@code X-GitHub-Event}
 * @param status the receiver's HTTP status, or -1 if it could not be reached
 * @param body the payload sent
 */
public record WebhookDelivery(String deliveryId, String event, int status, String body) {

  /** Without the body, which is long. */
  @Override
  public String toString() {
    return "WebhookDelivery[deliveryId=" + deliveryId + ", event=" + event + ", status=" + status + "]";
  }
}
