package dev.hangar.e2e;

import java.time.Duration;
import java.util.Collection;
import java.util.List;

/** Percentiles of a set of durations, in milliseconds (nearest rank). */
record Stats(int count, long p50, long p95, long p99, long max) {

  static Stats of(Collection<Duration> samples) {
    List<Long> sorted = samples.stream().map(Duration::toMillis).sorted().toList();
    if (sorted.isEmpty()) {
      return new Stats(0, 0, 0, 0, 0);
    }
    return new Stats(sorted.size(), rank(sorted, 50), rank(sorted, 95), rank(sorted, 99), sorted.get(sorted.size() - 1));
  }

  private static long rank(List<Long> sorted, int percentile) {
    int index = (int) Math.ceil(percentile / 100.0 * sorted.size()) - 1;
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
  }

  /** For a table cell: {@code 12 / 30 / 41 ms (n=200)}. */
  String cell() {
    return count == 0 ? "no samples" : p50 + " / " + p95 + " / " + p99 + " ms (n=" + count + ")";
  }
}
