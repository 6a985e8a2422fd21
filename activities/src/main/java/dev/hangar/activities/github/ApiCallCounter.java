package dev.hangar.activities.github;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts GitHub API calls per endpoint ({@code METHOD /path/{template}}), whichever client made
 * them. Metrics-agnostic: a Micrometer binder can read {@link #snapshot()} later.
 */
public final class ApiCallCounter {

  private final Map<String, AtomicLong> counts = new ConcurrentHashMap<>();
  private final AtomicLong heldBack = new AtomicLong();

  void increment(String endpoint) {
    counts.computeIfAbsent(endpoint, k -> new AtomicLong()).incrementAndGet();
  }

  void heldBack() {
    heldBack.incrementAndGet();
  }

  /** Calls not sent because GitHub had said their credentials were rate limited (not in {@link #total()}). */
  public long heldBackCount() {
    return heldBack.get();
  }

  /** Calls made to one endpoint, for example {@code POST /repos/{owner}/{repo}/actions/runs/{run_id}/cancel}. */
  public long count(String endpoint) {
    AtomicLong n = counts.get(endpoint);
    return n == null ? 0 : n.get();
  }

  /** Calls made in all. */
  public long total() {
    return counts.values().stream().mapToLong(AtomicLong::get).sum();
  }

  /** Calls per endpoint, sorted by endpoint. */
  public Map<String, Long> snapshot() {
    Map<String, Long> out = new TreeMap<>();
    counts.forEach((k, v) -> out.put(k, v.get()));
    return out;
  }

  /** The endpoint key of a request path below the API root, with ids and names templated. */
  static String endpointOf(String method, String path) {
    String[] parts = path.split("/");
    StringBuilder out = new StringBuilder(method).append(' ');
    for (int i = 1; i < parts.length; i++) {
      String part = parts[i];
      out.append('/');
      if (i == 2 && "repos".equals(parts[1])) {
        out.append("{owner}");
      } else if (i == 3 && "repos".equals(parts[1])) {
        out.append("{repo}");
      } else if (!part.isEmpty() && part.chars().allMatch(Character::isDigit)) {
        String previous = parts[i - 1];
        out.append('{').append(switch (previous) {
          case "runs" -> "run_id";
          case "jobs" -> "job_id";
          case "runners" -> "runner_id";
          case "installations" -> "installation_id";
          default -> "id";
        }).append('}');
      } else {
        out.append(part);
      }
    }
    return out.toString();
  }
}
