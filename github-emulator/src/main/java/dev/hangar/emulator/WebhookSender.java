package dev.hangar.emulator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** POSTs webhook deliveries with GitHub's headers and signature. */
final class WebhookSender {

  private static final Logger LOG = LoggerFactory.getLogger(WebhookSender.class);
  static final String USER_AGENT = "GitHub-Hookshot/hangar-emulator";

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final ObjectMapper mapper;

  WebhookSender(ObjectMapper mapper) {
    this.mapper = mapper;
  }

  WebhookDelivery deliver(URI url, String secret, String event, ObjectNode payload) {
    return deliver(url, secret, event, UUID.randomUUID().toString(), payload);
  }

  /** Sends with a given delivery id: a duplicate or redelivery keeps the original's. */
  WebhookDelivery deliver(URI url, String secret, String event, String deliveryId, ObjectNode payload) {
    String body;
    try {
      body = mapper.writeValueAsString(payload);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
    return deliver(url, secret, event, deliveryId, body);
  }

  /** Sends a body as it is, for example again after a failed attempt. */
  WebhookDelivery deliver(URI url, String secret, String event, String deliveryId, String body) {
    HttpRequest.Builder request = HttpRequest.newBuilder(url)
        .timeout(Duration.ofSeconds(10))
        .header("Content-Type", "application/json")
        .header("User-Agent", USER_AGENT)
        .header("X-GitHub-Event", event)
        .header("X-GitHub-Delivery", deliveryId)
        .header("X-GitHub-Hook-ID", "1")
        .header("X-GitHub-Hook-Installation-Target-Type", "repository")
        .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    if (secret != null) {
      request.header("X-Hub-Signature-256", sign(secret, body.getBytes(StandardCharsets.UTF_8)));
    }
    int status;
    try {
      status = http.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (IOException e) {
      LOG.warn("webhook delivery {} to {} failed: {}", deliveryId, url, e.toString());
      status = -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      status = -1;
    }
    LOG.debug("delivered {} {} to {}: {}", event, deliveryId, url, status);
    return new WebhookDelivery(deliveryId, event, status, body);
  }

  /** {@code sha256=} and the hex HMAC-SHA256 of the body, as GitHub signs. */
  static String sign(String secret, byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available", e);
    }
  }
}
