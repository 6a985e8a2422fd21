package dev.hangar.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hangar.testfixtures.GitHubPayloads;
import dev.hangar.testfixtures.PrometheusText;
import dev.hangar.testfixtures.WebhookSigner;
import dev.hangar.testfixtures.WorkflowJobSpec;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;

/**
 * Scrapes /actuator/prometheus after real deliveries: it must be valid Prometheus text exposition
 * format ({@link PrometheusText}), and the Hangar metrics of docs/metrics.md must be there. Also checks that
 * the one log line per delivery names it and never shows a secret.
 */
@AutoConfigureObservability
@ExtendWith(OutputCaptureExtension.class)
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "hangar.gateway.webhook-secret=" + PrometheusMetricsTest.SECRET,
      "hangar.orchestrator.workers-enabled=false",
      "hangar.github.token=" + PrometheusMetricsTest.TOKEN,
      "hangar.secrets.key=" + PrometheusMetricsTest.KEY,
      "hangar.templates[0].id=sonoma",
      "hangar.templates[0].cpu-cores=4",
      "hangar.templates[0].memory-mb=8192",
    })
class PrometheusMetricsTest {

  static final String SECRET = "metrics-webhook-secret-5f1c";
  static final String TOKEN = "ghp_metricsTestTokenValue0123456789";
  static final String KEY = "q83vEjRWeJq83vEjRWeJq83vEjRWeJq83vEjRWeJq8M=";

  @TestConfiguration
  static class FakeDispatch {
    @Bean
    @Primary
    FakeJobDispatcher metricsFakeJobDispatcher() {
      return new FakeJobDispatcher();
    }
  }

  @LocalServerPort private int port;
  @Autowired private ApplicationContext context;

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @Test
  void theScrapeIsValidTextFormatAndHasHangarMetrics(CapturedOutput output) throws Exception {
    ObjectNode inProgress = GitHubPayloads.workflowJobNode(
        WorkflowJobSpec.of("in_progress", 71, 7, List.of("anka-template:sonoma")).withRunner("r-71", 9L));
    ((ObjectNode) inProgress.get("workflow_job")).put("created_at", "2026-01-01T10:00:00Z");
    ((ObjectNode) inProgress.get("workflow_job")).put("started_at", "2026-01-01T10:00:42Z");
    assertThat(deliver("d-71-in", inProgress.toString(), SECRET)).isEqualTo(202);

    ObjectNode completed = GitHubPayloads.workflowJobNode(
        WorkflowJobSpec.of("completed", 71, 7, List.of("anka-template:sonoma")).withRunner("r-71", 9L));
    ((ObjectNode) completed.get("workflow_job")).put("conclusion", "success");
    ((ObjectNode) completed.get("workflow_job")).put("started_at", "2026-01-01T10:00:42Z");
    ((ObjectNode) completed.get("workflow_job")).put("completed_at", "2026-01-01T10:10:42Z");
    assertThat(deliver("d-71-done", completed.toString(), SECRET)).isEqualTo(202);

    assertThat(deliver("d-bad", "{}", "wrong-secret")).isEqualTo(401);

    String scrape = scrape();
    int samples = PrometheusText.assertValidExposition(scrape);
    assertThat(samples).isGreaterThan(20);

    assertThat(scrape)
        .contains("# TYPE hangar_webhook_deliveries_total counter")
        .contains("hangar_webhook_deliveries_total{outcome=\"accepted\"} 2.0")
        .contains("hangar_webhook_deliveries_total{outcome=\"bad_signature\"} 1.0")
        .contains("hangar_webhook_deliveries_total{outcome=\"unavailable\"} 0.0")
        .contains("# TYPE hangar_webhook_answer_seconds histogram")
        .contains("hangar_webhook_answer_seconds_count{outcome=\"accepted\"} 2")
        .contains("hangar_webhook_answer_seconds_bucket{outcome=\"accepted\",le=\"+Inf\"} 2")
        .contains("# TYPE hangar_job_queue_wait_seconds histogram")
        .contains("hangar_job_queue_wait_seconds_sum 42.0")
        .contains("hangar_job_queue_wait_seconds_bucket{le=\"60.0\"} 1")
        .contains("hangar_job_duration_seconds_sum{conclusion=\"success\"} 600.0")
        .contains("hangar_job_duration_seconds_count{conclusion=\"failure\"} 0");

    assertThat(output.getAll())
        .contains("delivery=d-71-in event=workflow_job action=in_progress job=71 workflow=hangar-job-71 outcome=accepted")
        .contains("delivery=d-bad event=workflow_job")
        .doesNotContain(SECRET)
        .doesNotContain(TOKEN)
        .doesNotContain(KEY);
    assertThat(scrape).doesNotContain(SECRET).doesNotContain(TOKEN).doesNotContain(KEY);
  }

  @Test
  void temporalSdkMetricsGoToTheSameRegistry() {
    // The Temporal starter's MetricsScopeAutoConfiguration builds a tally Scope over the Spring
    // MeterRegistry (MicrometerClientStatsReporter) whenever one exists; the service stubs use it.
    assertThat(context.getBeansOfType(com.uber.m3.tally.Scope.class)).isNotEmpty();
  }

  private int deliver(String id, String body, String secret) throws Exception {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    return http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/webhook"))
                .header("Content-Type", "application/json")
                .header("X-GitHub-Event", "workflow_job")
                .header("X-GitHub-Delivery", id)
                .header(WebhookSigner.HEADER, WebhookSigner.sign(secret, bytes))
                .POST(HttpRequest.BodyPublishers.ofByteArray(bytes))
                .build(),
            HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }

  private String scrape() throws Exception {
    HttpResponse<String> response = http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/prometheus"))
            .header("Accept", "text/plain;version=0.0.4")
            .GET()
            .build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/plain"));
    return response.body();
  }
}
