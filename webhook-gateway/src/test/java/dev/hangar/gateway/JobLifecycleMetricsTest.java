package dev.hangar.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class JobLifecycleMetricsTest {

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final JobLifecycleMetrics metrics = new JobLifecycleMetrics(registry);
  private final ObjectMapper mapper = new ObjectMapper();

  @Test
  void queueWaitAndDurationComeFromGitHubsTimestamps() throws Exception {
    metrics.accepted("in_progress", job("{\"created_at\":\"2026-01-01T10:00:00Z\",\"started_at\":\"2026-01-01T10:01:30Z\"}"));
    metrics.accepted("completed", job(
        "{\"conclusion\":\"failure\",\"started_at\":\"2026-01-01T10:01:30Z\",\"completed_at\":\"2026-01-01T10:03:30Z\"}"));

    assertThat(registry.get(JobLifecycleMetrics.QUEUE_WAIT).timer().totalTime(TimeUnit.SECONDS)).isEqualTo(90);
    assertThat(registry.get(JobLifecycleMetrics.DURATION).tag("conclusion", "failure").timer().totalTime(TimeUnit.SECONDS))
        .isEqualTo(120);
  }

  @Test
  void oddConclusionsAreOtherAndMissingOrBackwardTimesAreSkipped() throws Exception {
    metrics.accepted("completed", job(
        "{\"conclusion\":\"something-new\",\"started_at\":\"2026-01-01T10:00:00Z\",\"completed_at\":\"2026-01-01T10:00:05Z\"}"));
    metrics.accepted("in_progress", job("{\"created_at\":\"2026-01-01T10:00:00Z\",\"started_at\":null}"));
    metrics.accepted("in_progress", job("{\"created_at\":\"2026-01-01T10:00:09Z\",\"started_at\":\"2026-01-01T10:00:00Z\"}"));
    metrics.accepted("in_progress", job("{\"created_at\":\"yesterday\",\"started_at\":\"2026-01-01T10:00:00Z\"}"));
    metrics.accepted("queued", job("{\"created_at\":\"2026-01-01T10:00:00Z\"}"));
    metrics.accepted("completed", mapper.readTree("{}"));

    assertThat(registry.get(JobLifecycleMetrics.DURATION).tag("conclusion", "other").timer().count()).isEqualTo(1);
    assertThat(registry.get(JobLifecycleMetrics.QUEUE_WAIT).timer().count()).isZero();
    assertThat(registry.find(JobLifecycleMetrics.DURATION).timers()).hasSize(9);
  }

  private JsonNode job(String json) throws Exception {
    return mapper.readTree("{\"workflow_job\":" + json + "}");
  }
}
