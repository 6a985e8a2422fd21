package dev.hangar.emulator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
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
  /** GitHub gives a receiver 10 seconds to answer. */
  static final Duration GITHUB_DEADLINE = Duration.ofSeconds(10);

  private final ObjectMapper mapper;
  private volatile Duration deadline = GITHUB_DEADLINE;
  private volatile String hookId = "1";

  WebhookSender(ObjectMapper mapper) {
    this.mapper = mapper;
  }

  /** How long a receiver may take before the attempt is recorded as timed out. */
  void deadline(Duration newDeadline) {
    this.deadline = newDeadline;
  }

  /** The {@code X-GitHub-Hook-ID} sent. */
  void hookId(long id) {
    this.hookId = String.valueOf(id);
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
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Accept", "*/*");
    headers.put("Content-Type", "application/json");
    headers.put("User-Agent", USER_AGENT);
    headers.put("X-GitHub-Event", event);
    headers.put("X-GitHub-Delivery", deliveryId);
    headers.put("X-GitHub-Hook-ID", hookId);
    headers.put("X-GitHub-Hook-Installation-Target-Type", "repository");
    if (secret != null) {
      headers.put("X-Hub-Signature-256", sign(secret, body.getBytes(StandardCharsets.UTF_8)));
    }
    HttpRequest.Builder request = HttpRequest.newBuilder(url)
        .timeout(deadline)
        .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    headers.forEach((k, v) -> {
      if (!k.equals("Accept")) {
        request.header(k, v);
      }
    });
    request.header("Accept", "*/*");
    Instant sent = Instant.now();
    long start = System.nanoTime();
    int status;
    Map<String, String> responseHeaders = Map.of();
    String responseBody = null;
    try {
      HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
      status = response.statusCode();
      responseBody = response.body();
      Map<String, String> answered = new LinkedHashMap<>();
      response.headers().map().forEach((k, v) -> {
        if (!k.startsWith(":") && !v.isEmpty()) {
          answered.put(k, v.get(0));
        }
      });
      responseHeaders = answered;
    } catch (HttpTimeoutException e) {
      LOG.warn("webhook delivery {} to {} timed out after {}", deliveryId, url, deadline);
      status = 0;
    } catch (IOException e) {
      LOG.warn("webhook delivery {} to {} failed: {}", deliveryId, url, e.toString());
      status = -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      status = -1;
    }
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    LOG.debug("delivered {} {} to {}: {}", event, deliveryId, url, status);
    return new WebhookDelivery(deliveryId, event, status, body, 0, false, sent, took, headers,
        responseHeaders, responseBody);
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
