package dev.hangar.emulator;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * How an emulator starts.
 *
 * @param port the port to listen on (loopback only); 0 for any free port
 * @param tokens the valid tokens and what each may see
 * @param rateLimit the primary (core) rate limit budget per window
 * @param rateLimitWindow how long until the budget resets
 * @param webhookUrl where deliveries go by default, or {@code null} for no automatic deliveries
 * @param webhookSecret the webhook secret deliveries are signed with, or {@code null}
 * @param app the GitHub App whose JWTs and installation tokens are accepted, or {@code null}
 * @param clock the clock JWTs and installation tokens are checked against
 * @param hookId the id of the webhook (repository or organisation hook) deliveries are made by
 * @param apiPath where the REST API is mounted: empty as on github.com, {@code /api/v3} as on GitHub
 *     Enterprise Server (then only paths below it are API paths; the control API stays at
 *     {@code /_emulator/})
 * @param deliveryConcurrency how many automatic webhook deliveries may be in flight at once; GitHub
 *     sends the deliveries of one hook concurrently and in no guaranteed order, so the default is
 *     {@link #DEFAULT_DELIVERY_CONCURRENCY}; 1 sends them one at a time, in order
 */
public record EmulatorConfig(
    int port,
    Map<String, TokenGrant> tokens,
    int rateLimit,
    Duration rateLimitWindow,
    URI webhookUrl,
    String webhookSecret,
    GitHubApp app,
    Clock clock,
    long hookId,
    String apiPath,
    int deliveryConcurrency) {

  /** The token {@link #defaults()} accepts for every repository. */
  public static final String DEFAULT_TOKEN = "ghp_emulatorTokenForTests0000000000000";

  /**
   * Automatic deliveries in flight at once by default. GitHub publishes no limit per hook; it
   * delivers events as they happen, each delivery waiting up to 10 s for its answer, so a busy hook
   * has many in flight.
   */
  public static final int DEFAULT_DELIVERY_CONCURRENCY = 16;

  public EmulatorConfig {
    tokens = Map.copyOf(tokens);
    apiPath = apiPath == null ? "" : apiPath;
    if (!apiPath.isEmpty() && (!apiPath.startsWith("/") || apiPath.endsWith("/"))) {
      throw new IllegalArgumentException("apiPath must start with / and not end with /: " + apiPath);
    }
    if (deliveryConcurrency < 1) {
      throw new IllegalArgumentException("deliveryConcurrency must be at least 1, was " + deliveryConcurrency);
    }
  }

  /**
   * Any free port, {@link #DEFAULT_TOKEN} seeing everything, 5000 calls an hour, no webhooks (and
   * {@link #DEFAULT_DELIVERY_CONCURRENCY} deliveries in flight once a webhook is configured).
   */
  public static EmulatorConfig defaults() {
    return new EmulatorConfig(
        0, Map.of(DEFAULT_TOKEN, TokenGrant.all()), 5000, Duration.ofHours(1), null, null, null,
        Clock.systemUTC(), 1, "", DEFAULT_DELIVERY_CONCURRENCY);
  }

  /** The same on another port. */
  public EmulatorConfig withPort(int newPort) {
    return new EmulatorConfig(newPort, tokens, rateLimit, rateLimitWindow, webhookUrl, webhookSecret, app, clock, hookId, apiPath, deliveryConcurrency);
  }

  /** The same with one more valid token. */
  public EmulatorConfig withToken(String token, TokenGrant grant) {
    Map<String, TokenGrant> more = new HashMap<>(tokens);
    more.put(token, grant);
    return new EmulatorConfig(port, more, rateLimit, rateLimitWindow, webhookUrl, webhookSecret, app, clock, hookId, apiPath, deliveryConcurrency);
  }

  /** The same with another rate limit budget. */
  public EmulatorConfig withRateLimit(int limit, Duration window) {
    return new EmulatorConfig(port, tokens, limit, window, webhookUrl, webhookSecret, app, clock, hookId, apiPath, deliveryConcurrency);
  }

  /** The same, delivering webhooks to {@code url} signed with {@code secret}. */
  public EmulatorConfig withWebhook(URI url, String secret) {
    return new EmulatorConfig(port, tokens, rateLimit, rateLimitWindow, url, secret, app, clock, hookId, apiPath, deliveryConcurrency);
  }

  /** The same, accepting JWTs of {@code gitHubApp} and the installation tokens it is given. */
  public EmulatorConfig withApp(GitHubApp gitHubApp) {
    return new EmulatorConfig(port, tokens, rateLimit, rateLimitWindow, webhookUrl, webhookSecret, gitHubApp, clock, hookId, apiPath, deliveryConcurrency);
  }

  /** The same with another clock for JWT and installation token expiry (tests). */
  public EmulatorConfig withClock(Clock newClock) {
    return new EmulatorConfig(port, tokens, rateLimit, rateLimitWindow, webhookUrl, webhookSecret, app, newClock, hookId, apiPath, deliveryConcurrency);
  }

  /** The same with another hook id (what {@code X-GitHub-Hook-ID} and the deliveries API name). */
  public EmulatorConfig withHookId(long newHookId) {
    return new EmulatorConfig(port, tokens, rateLimit, rateLimitWindow, webhookUrl, webhookSecret, app, clock, newHookId, apiPath, deliveryConcurrency);
  }

  /** The same with the REST API mounted below {@code path}, as GitHub Enterprise Server mounts it at {@code /api/v3}. */
  public EmulatorConfig withApiPath(String path) {
    return new EmulatorConfig(port, tokens, rateLimit, rateLimitWindow, webhookUrl, webhookSecret, app, clock, hookId, path, deliveryConcurrency);
  }

  /**
   * The same with at most {@code deliveries} automatic webhook deliveries in flight at once; 1
   * sends them one at a time, in the order the events happened.
   */
  public EmulatorConfig withDeliveryConcurrency(int deliveries) {
    return new EmulatorConfig(port, tokens, rateLimit, rateLimitWindow, webhookUrl, webhookSecret, app, clock, hookId, apiPath, deliveries);
  }
}
