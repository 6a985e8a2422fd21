package dev.hangar.activities.github;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.kohsuke.github.connector.GitHubConnector;
import org.kohsuke.github.connector.GitHubConnectorRequest;
import org.kohsuke.github.connector.GitHubConnectorResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one HTTP path to GitHub: both github-api (as its {@link GitHubConnector}) and
 * {@link RunnersClient} send through it, so every call has the same base URL, User-Agent, API
 * version, timeout, call counting, rate-limit header reading and {@link RateLimitGate}.
 */
final class GitHubTransport implements GitHubConnector {

  /** An answer from GitHub to a request for {@code path} (below the API root). */
  record Response(int status, Map<String, List<String>> headers, byte[] body, String path) {
    String header(String name) {
      return RateLimitInfo.first(headers, name);
    }
  }

  private static final Logger LOG = LoggerFactory.getLogger(GitHubTransport.class);
  private static final Set<String> RESTRICTED =
      Set.of("connection", "content-length", "expect", "host", "upgrade", "user-agent");
  private static final int LOW_BUDGET = 100;

  private final URI apiRoot;
  private final String basePath;
  private final String userAgent;
  private final Duration timeout;
  private final ApiCallCounter counter;
  private final HttpClient http;
  private final RateLimitGate gate;
  private final AtomicReference<RateLimitInfo> lastRateLimit = new AtomicReference<>();
  private final ThreadLocal<Response> lastError = new ThreadLocal<>();

  GitHubTransport(GitHubProperties properties, ApiCallCounter counter, RateLimitGate gate) {
    this.gate = gate;
    this.apiRoot = URI.create(properties.apiUrl());
    this.basePath = apiRoot.getPath() == null ? "" : apiRoot.getPath();
    this.userAgent = properties.userAgent();
    this.timeout = properties.requestTimeout();
    this.counter = counter;
    HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(timeout);
    if ("http".equals(apiRoot.getScheme())) {
      builder.version(HttpClient.Version.HTTP_1_1);
    }
    this.http = builder.build();
  }

  /** The API root this transport sends to. */
  String apiUrl() {
    return apiRoot.toString();
  }

  /** Sends a JSON request to {@code path} (below the API root, with its query). */
  Response send(String method, String path, String authorization, byte[] jsonBody) throws IOException {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(apiRoot + path))
        .header("Accept", "application/vnd.github+json")
        .header("X-GitHub-Api-Version", "2022-11-28");
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    if (jsonBody == null) {
      request.method(method, HttpRequest.BodyPublishers.noBody());
    } else {
      request.header("Content-Type", "application/json");
      request.method(method, HttpRequest.BodyPublishers.ofByteArray(jsonBody));
    }
    return exchange(request);
  }

  /** github-api's calls. */
  @Override
  public GitHubConnectorResponse send(GitHubConnectorRequest connectorRequest) throws IOException {
    HttpRequest.Builder request;
    try {
      request = HttpRequest.newBuilder(connectorRequest.url().toURI());
    } catch (URISyntaxException e) {
      throw new IOException("bad GitHub URL " + connectorRequest.url(), e);
    }
    connectorRequest.allHeaders().forEach((name, values) -> {
      if (name != null && !RESTRICTED.contains(name.toLowerCase(java.util.Locale.ROOT))) {
        values.forEach(v -> request.header(name, v));
      }
    });
    HttpRequest.BodyPublisher body;
    if (connectorRequest.hasBody()) {
      try (InputStream in = connectorRequest.body()) {
        body = HttpRequest.BodyPublishers.ofByteArray(in.readAllBytes());
      }
    } else {
      body = HttpRequest.BodyPublishers.noBody();
    }
    request.method(connectorRequest.method(), body);
    Response response = exchange(request);
    return new ConnectorResponse(connectorRequest, response);
  }

  /** The last error answer GitHub gave on this thread since {@link #clearLastError()}. */
  Optional<Response> lastError() {
    return Optional.ofNullable(lastError.get());
  }

  void clearLastError() {
    lastError.remove();
  }

  /** Whether calls with some credentials are held back for a rate limit now. */
  boolean paused() {
    return gate.anyPaused();
  }

  /** The rate limit GitHub reported on the most recent answer, from any thread. */
  Optional<RateLimitInfo> lastRateLimit() {
    return Optional.ofNullable(lastRateLimit.get());
  }

  private Response exchange(HttpRequest.Builder builder) throws IOException {
    HttpRequest request = builder.header("User-Agent", userAgent).timeout(timeout).build();
    String path = request.uri().getRawPath();
    if (path.startsWith(basePath)) {
      path = path.substring(basePath.length());
    }
    String authorization = request.headers().firstValue("Authorization").orElse(null);
    try {
      gate.check(authorization);
    } catch (RateLimitPausedException e) {
      counter.heldBack();
      throw e;
    }
    counter.increment(ApiCallCounter.endpointOf(request.method(), path));
    HttpResponse<byte[]> raw;
    try {
      raw = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while calling GitHub", e);
    }
    Response response = new Response(raw.statusCode(), raw.headers().map(), raw.body(), path);
    RateLimitInfo.from(raw.headers()).ifPresent(info -> {
      lastRateLimit.set(info);
      if (info.remaining() < LOW_BUDGET) {
        LOG.warn("GitHub rate limit low: {} of {} {} calls left until {}",
            info.remaining(), info.limit(), info.resource(), info.reset());
      }
    });
    if (response.status() >= 400) {
      lastError.set(response);
      gate.observe(authorization, response.status(), response.headers(), GitHubFailures.messageOf(response.body()));
    }
    LOG.debug("GitHub {} {} -> {}", request.method(), path, response.status());
    return response;
  }

  /** An answer handed to github-api. */
  private static final class ConnectorResponse extends GitHubConnectorResponse.ByteArrayResponse {
    private final byte[] body;

    ConnectorResponse(GitHubConnectorRequest request, Response response) {
      super(request, response.status(), response.headers());
      this.body = response.body();
    }

    @Override
    protected InputStream rawBodyStream() {
      return new ByteArrayInputStream(body == null ? new byte[0] : body);
    }
  }
}
