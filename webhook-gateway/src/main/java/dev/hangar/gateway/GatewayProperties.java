package dev.hangar.gateway;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * How the gateway receives webhooks ({@code hangar.gateway.*}).
 *
 * @param webhookSecret the secret configured on the GitHub webhook; every delivery's {@code
 *     X-Hub-Signature-256} is checked against it. Required unless {@code
 *     insecure-skip-signature-check} is set. Env: {@code HANGAR_GATEWAY_WEBHOOK_SECRET}.
 * @param insecureSkipSignatureCheck accept deliveries without checking their signature. For local
 *     experiments only; logged as a warning at start-up. Default {@code false}.
 * @param maxBodyBytes the largest body accepted; larger ones get 413. Default 25MB, GitHub's own
 *     cap on webhook payloads.
 * @param temporalTimeout how long handing a delivery over to Temporal may take before the gateway
 *     answers 503, so GitHub (which waits 10 s) records a failure that can be redelivered. Default
 *     5s.
 */
@ConfigurationProperties("hangar.gateway")
public record GatewayProperties(
    String webhookSecret, boolean insecureSkipSignatureCheck, DataSize maxBodyBytes, Duration temporalTimeout) {

  public GatewayProperties {
    maxBodyBytes = maxBodyBytes == null ? DataSize.ofMegabytes(25) : maxBodyBytes;
    temporalTimeout = temporalTimeout == null ? Duration.ofSeconds(5) : temporalTimeout;
  }

  /** Whether a webhook secret is configured. */
  boolean hasSecret() {
    return webhookSecret != null && !webhookSecret.isEmpty();
  }

  @Override
  public String toString() {
    return "GatewayProperties[webhookSecret=" + (hasSecret() ? "(set)" : "(unset)")
        + ", insecureSkipSignatureCheck=" + insecureSkipSignatureCheck
        + ", maxBodyBytes=" + maxBodyBytes + ", temporalTimeout=" + temporalTimeout + "]";
  }
}
