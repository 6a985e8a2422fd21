package dev.hangar.gateway;

import dev.hangar.activities.github.GitHubApi;
import dev.hangar.activities.github.RateLimitInfo;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

/**
 * The orchestrator's GitHub client in Prometheus: {@code hangar_github_api_calls_total{endpoint}}
 * from its {@link dev.hangar.activities.github.ApiCallCounter} (an endpoint's series appears after
 * its first call; new endpoints are picked up every 10 s) and {@code
 * hangar_github_rate_limit_remaining} / {@code hangar_github_rate_limit_limit} from the rate limit
 * GitHub reported on its latest answer ({@code NaN} before the first call); {@code
 * hangar_github_rate_limit_paused} (1 while calls are held back for a rate limit) and {@code
 * hangar_github_api_calls_held_back_total} (calls not sent for that reason).
 */
final class GitHubApiMetrics implements MeterBinder, AutoCloseable {

  static final String CALLS = "hangar.github.api.calls";

  private final GitHubApi api;
  private final Set<String> bound = ConcurrentHashMap.newKeySet();
  private ScheduledExecutorService refresher;
  private MeterRegistry registry;

  GitHubApiMetrics(GitHubApi api) {
    this.api = api;
  }

  @Override
  public synchronized void bindTo(MeterRegistry registry) {
    this.registry = registry;
    gauge(registry, "hangar.github.rate.limit.remaining", "Requests left in GitHub's current rate-limit window",
        r -> r.remaining());
    gauge(registry, "hangar.github.rate.limit.limit", "Requests allowed in GitHub's rate-limit window",
        r -> r.limit());
    gauge(registry, "hangar.github.rate.limit.reset", "When GitHub's rate-limit window resets, Unix seconds",
        r -> r.reset() == null ? Double.NaN : r.reset().getEpochSecond());
    Gauge.builder("hangar.github.rate.limit.paused", api, a -> a.rateLimitPaused() ? 1 : 0)
        .description("1 while GitHub calls are held back because GitHub said the rate limit is spent")
        .register(registry);
    FunctionCounter.builder("hangar.github.api.calls.held.back", api.calls(), c -> c.heldBackCount())
        .description("GitHub API calls not sent because GitHub said the rate limit is spent")
        .register(registry);
    refresh();
    if (refresher == null) {
      refresher = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "hangar-github-metrics");
        t.setDaemon(true);
        return t;
      });
      refresher.scheduleWithFixedDelay(this::refresh, 10, 10, TimeUnit.SECONDS);
    }
  }

  /** Registers a counter for every endpoint called since the last refresh. */
  void refresh() {
    MeterRegistry r = registry;
    if (r == null) {
      return;
    }
    for (String endpoint : api.calls().snapshot().keySet()) {
      if (bound.add(endpoint)) {
        FunctionCounter.builder(CALLS, api.calls(), c -> c.count(endpoint))
            .description("GitHub API calls made by the orchestrator, by endpoint")
            .tag("endpoint", endpoint)
            .register(r);
      }
    }
  }

  private void gauge(MeterRegistry registry, String name, String description, ToDoubleFunction<RateLimitInfo> f) {
    Gauge.builder(name, api, a -> a.lastRateLimit().map(f::applyAsDouble).orElse(Double.NaN))
        .description(description)
        .register(registry);
  }

  @Override
  public synchronized void close() {
    if (refresher != null) {
      refresher.shutdownNow();
    }
  }
}
