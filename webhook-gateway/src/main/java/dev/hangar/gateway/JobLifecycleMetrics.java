package dev.hangar.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Set;
import org.springframework.stereotype.Component;

/**
 * Job lifecycle histograms seen from the webhooks, without any state: GitHub puts {@code
 * created_at}, {@code started_at} and {@code completed_at} on every {@code workflow_job} payload,
 * so an accepted {@code in_progress} delivery gives the queue wait ({@code started_at -
 * created_at}, {@code hangar_job_queue_wait_seconds}) and an accepted {@code completed} delivery
 * gives the run time ({@code completed_at - started_at}, {@code hangar_job_duration_seconds}, by
 * conclusion). Nothing is kept in memory, restarts lose nothing, and GitHub's own clock is used on
 * both ends. A redelivered event that is accepted again is counted twice: rare, and visible in
 * {@code hangar_webhook_deliveries_total}.
 */
@Component
class JobLifecycleMetrics {

  static final String QUEUE_WAIT = "hangar.job.queue.wait";
  static final String DURATION = "hangar.job.duration";

  /** GitHub's conclusions; anything else is counted as {@code other} to bound the label. */
  private static final Set<String> CONCLUSIONS =
      Set.of("success", "failure", "cancelled", "skipped", "timed_out", "neutral", "action_required", "stale");

  private static final Duration[] BUCKETS = {
    Duration.ofSeconds(5), Duration.ofSeconds(15), Duration.ofSeconds(30), Duration.ofMinutes(1),
    Duration.ofMinutes(2), Duration.ofMinutes(5), Duration.ofMinutes(10), Duration.ofMinutes(30),
    Duration.ofHours(1), Duration.ofHours(2), Duration.ofHours(6), Duration.ofHours(24)
  };

  private final MeterRegistry registry;
  private final Timer queueWait;

  JobLifecycleMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.queueWait =
        Timer.builder(QUEUE_WAIT)
            .description("GitHub job created to started (workflow_job started_at - created_at)")
            .serviceLevelObjectives(BUCKETS)
            .register(registry);
    for (String c : CONCLUSIONS) {
      durationTimer(c);
    }
    durationTimer("other");
  }

  /** Records what an accepted {@code workflow_job} delivery tells; ignores missing or odd times. */
  void accepted(String action, JsonNode root) {
    JsonNode job = root == null ? null : root.path("workflow_job");
    if (job == null || !job.isObject() || action == null) {
      return;
    }
    switch (action) {
      case "in_progress" -> between(job, "created_at", "started_at").ifPresent(queueWait::record);
      case "completed" -> {
        String conclusion = job.path("conclusion").asText("").toLowerCase(Locale.ROOT);
        Timer timer = durationTimer(CONCLUSIONS.contains(conclusion) ? conclusion : "other");
        between(job, "started_at", "completed_at").ifPresent(timer::record);
      }
      default -> {}
    }
  }

  private Timer durationTimer(String conclusion) {
    return Timer.builder(DURATION)
        .description("GitHub job started to completed (workflow_job completed_at - started_at), by conclusion")
        .tag("conclusion", conclusion)
        .serviceLevelObjectives(BUCKETS)
        .register(registry);
  }

  private static java.util.Optional<Duration> between(JsonNode job, String from, String to) {
    Instant a = instant(job.path(from));
    Instant b = instant(job.path(to));
    if (a == null || b == null || b.isBefore(a)) {
      return java.util.Optional.empty();
    }
    return java.util.Optional.of(Duration.between(a, b));
  }

  private static Instant instant(JsonNode node) {
    if (!node.isTextual()) {
      return null;
    }
    try {
      return Instant.parse(node.asText());
    } catch (DateTimeParseException e) {
      return null;
    }
  }
}
