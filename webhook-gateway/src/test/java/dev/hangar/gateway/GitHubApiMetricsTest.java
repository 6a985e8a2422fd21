package dev.hangar.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.hangar.activities.github.GitHubApi;
import dev.hangar.activities.github.GitHubCredentials;
import dev.hangar.activities.github.GitHubProperties;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The GitHub client's call counter and rate limit, as seen through {@link GitHubApiMetrics}. */
class GitHubApiMetricsTest {

  @Test
  void callsPerEndpointAndTheRateLimitAreExposed() throws Exception {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", exchange -> {
      byte[] body = "{\"total_count\":0,\"runners\":[]}".getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("Content-Type", "application/json");
      exchange.getResponseHeaders().add("X-RateLimit-Limit", "5000");
      exchange.getResponseHeaders().add("X-RateLimit-Remaining", "4321");
      exchange.getResponseHeaders().add("X-RateLimit-Used", "679");
      exchange.getResponseHeaders().add("X-RateLimit-Reset", "1800000000");
      exchange.getResponseHeaders().add("X-RateLimit-Resource", "core");
      exchange.sendResponseHeaders(200, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    server.start();
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    GitHubApi api = GitHubApi.create(
        new GitHubProperties("http://127.0.0.1:" + server.getAddress().getPort(), "t0ken", 1L, null, null),
        GitHubCredentials.personalAccessToken("t0ken"));
    try (GitHubApiMetrics metrics = new GitHubApiMetrics(api)) {
      metrics.bindTo(registry);
      assertThat(registry.get("hangar.github.rate.limit.remaining").gauge().value()).isNaN();
      assertThat(registry.find(GitHubApiMetrics.CALLS).meters()).isEmpty();

      api.runners().findByName(null, "octo", "app", "r-1");
      api.runners().findByName(null, "octo", "app", "r-2");
      metrics.refresh();

      assertThat(registry.get("hangar.github.rate.limit.remaining").gauge().value()).isEqualTo(4321);
      assertThat(registry.get("hangar.github.rate.limit.limit").gauge().value()).isEqualTo(5000);
      assertThat(registry.get("hangar.github.rate.limit.reset").gauge().value()).isEqualTo(1.8e9);
      assertThat(registry.get(GitHubApiMetrics.CALLS)
              .tag("endpoint", "GET /repos/{owner}/{repo}/actions/runners")
              .functionCounter()
              .count())
          .isEqualTo(2);
      assertThat(registry.get("hangar.github.rate.limit.paused").gauge().value()).isZero();
      assertThat(registry.get("hangar.github.api.calls.held.back").functionCounter().count()).isZero();
    } finally {
      server.stop(0);
    }
  }
}
