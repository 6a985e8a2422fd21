package dev.hangar.emulator;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * The outcome of one webhook delivery attempt, as GitHub records it for a hook's "Recent
 * Deliveries".
 *
 * @param deliveryId the {@code X-GitHub-Delivery} UUID (GitHub's {@code guid}; a redelivery keeps it)
 * @param event the {@code X-GitHub-Event}
 * @param status the receiver's HTTP status; 0 if it did not answer within the deadline (10 s, as
 *     GitHub), -1 if it could not be reached
 * @param body the payload sent
 * @param id GitHub's numeric id of this attempt (0 until recorded)
 * @param redelivery whether this attempt is a redelivery
 * @param deliveredAt when it was sent
 * @param duration how long the receiver took
 * @param requestHeaders the headers sent
 * @param responseHeaders the headers the receiver answered (empty if it did not answer)
 * @param responseBody what the receiver answered, or {@code null}
 */
public record WebhookDelivery(
    String deliveryId,
    String event,
    int status,
    String body,
    long id,
    boolean redelivery,
    Instant deliveredAt,
    Duration duration,
    Map<String, String> requestHeaders,
    Map<String, String> responseHeaders,
    String responseBody) {

  public WebhookDelivery {
    requestHeaders = Map.copyOf(requestHeaders);
    responseHeaders = Map.copyOf(responseHeaders);
  }

  /** GitHub's {@code status} text: {@code OK}, {@code Invalid HTTP Response: 503}, {@code timed out}… */
  public String outcome() {
    if (status == 0) {
      return "timed out";
    }
    if (status < 0) {
      return "failed to connect";
    }
    return status >= 200 && status < 300 ? "OK" : "Invalid HTTP Response: " + status;
  }

  /** Whether GitHub counts it as failed (anything but a 2xx). */
  public boolean failed() {
    return status < 200 || status >= 300;
  }

  WebhookDelivery numbered(long newId, boolean isRedelivery) {
    return new WebhookDelivery(deliveryId, event, status, body, newId, isRedelivery, deliveredAt, duration,
        requestHeaders, responseHeaders, responseBody);
  }

  /** Without the body, which is long. */
  @Override
  public String toString() {
    return "WebhookDelivery[id=" + id + ", deliveryId=" + deliveryId + ", event=" + event + ", status=" + status
        + (redelivery ? ", redelivery" : "") + "]";
  }
}
