package dev.hangar.emulator;

import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs an emulator as a process, for the local demo. Settings come from system properties:
 * {@code hangar.emulator.port} (default 8099), {@code hangar.emulator.rate-limit} (default 5000 an
 * hour), {@code hangar.emulator.webhook-url} (no webhooks if unset) and
 * {@code hangar.emulator.delivery-concurrency} (deliveries in flight at once, default
 * {@link EmulatorConfig#DEFAULT_DELIVERY_CONCURRENCY}). The two secrets come from
 * the environment, so they never show in a process list: {@code HANGAR_EMULATOR_TOKEN} (default
 * {@link EmulatorConfig#DEFAULT_TOKEN}) and {@code HANGAR_EMULATOR_WEBHOOK_SECRET}. Runs until the
 * process is stopped.
 */
public final class EmulatorMain {

  private static final Logger LOG = LoggerFactory.getLogger(EmulatorMain.class);

  private EmulatorMain() {}

  public static void main(String[] args) throws InterruptedException {
    EmulatorConfig config = EmulatorConfig.defaults()
        .withPort(Integer.getInteger("hangar.emulator.port", 8099))
        .withRateLimit(Integer.getInteger("hangar.emulator.rate-limit", 5000), Duration.ofHours(1))
        .withDeliveryConcurrency(Integer.getInteger(
            "hangar.emulator.delivery-concurrency", EmulatorConfig.DEFAULT_DELIVERY_CONCURRENCY));
    String token = System.getenv("HANGAR_EMULATOR_TOKEN");
    if (token != null && !token.isBlank()) {
      config = config.withToken(token, TokenGrant.all());
    }
    String webhookUrl = System.getProperty("hangar.emulator.webhook-url");
    if (webhookUrl != null && !webhookUrl.isBlank()) {
      config = config.withWebhook(URI.create(webhookUrl), System.getenv("HANGAR_EMULATOR_WEBHOOK_SECRET"));
    }
    GitHubEmulator emulator = GitHubEmulator.start(config);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      emulator.close();
      stopped.countDown();
    }, "github-emulator-shutdown"));
    LOG.info("GitHub emulator listening on {} (webhooks to {})", emulator.baseUrl(), config.webhookUrl());
    stopped.await();
  }
}
