package dev.hangar.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hangar.testfixtures.GitHubPayloads;
import dev.hangar.testfixtures.WebhookSigner;
import dev.hangar.testfixtures.WorkflowJobSpec;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.logging.LoggingSystem;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The json-logs profile: one JSON object per line, the delivery line among them, no secret. The
 * application is started by hand, not through the test context cache: Spring Boot initialises
 * logging once per JVM until a context closes, so a cached context would keep its plain format.
 */
@ExtendWith(OutputCaptureExtension.class)
class JsonLogsTest {

  static final String SECRET = "json-logs-webhook-secret-77";

  @Test
  void aDeliveryIsLoggedAsOneJsonLine(CapturedOutput output) throws Exception {
    LoggingSystem.get(getClass().getClassLoader()).cleanUp();
    try (ConfigurableApplicationContext app = new SpringApplicationBuilder(WebhookGatewayApplication.class)
        .profiles("json-logs")
        .run(
            "--server.port=0",
            "--hangar.gateway.webhook-secret=" + SECRET,
            "--hangar.orchestrator.workers-enabled=false",
            "--hangar.github.token=ghp_jsonLogsTokenValue0123456789",
            "--hangar.templates[0].id=sonoma",
            "--hangar.templates[0].cpu-cores=4",
            "--hangar.templates[0].memory-mb=8192")) {
      int port = Integer.parseInt(app.getEnvironment().getProperty("local.server.port"));
      deliverAndCheck(port, output);
    }
  }

  /**
   * A job's state changes, logged by its workflow on the orchestrator worker, are JSON lines with
   * the job's fields from the MDC, nested under {@code hangar} as ECS wants dotted names.
   */
  @Test
  void aJobsStateChangeIsAJsonLineWithItsFields(CapturedOutput output) throws Exception {
    LoggingSystem.get(getClass().getClassLoader()).cleanUp();
    try (ConfigurableApplicationContext app =
        new SpringApplicationBuilder(WebhookGatewayApplication.class, TestServerSearchAttributes.class)
            .profiles("json-logs")
            .run(
                "--server.port=0",
                "--spring.temporal.test-server.enabled=true",
                "--hangar.gateway.webhook-secret=" + SECRET,
                "--hangar.github.token=ghp_jsonLogsTokenValue0123456789",
                "--hangar.secrets.key=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
                "--hangar.templates[0].id=sonoma",
                "--hangar.templates[0].cpu-cores=4",
                "--hangar.templates[0].memory-mb=8192")) {
      int port = Integer.parseInt(app.getEnvironment().getProperty("local.server.port"));
      // No host polls: the job's first VM waits for a host, which is enough state to log.
      String job = GitHubPayloads.workflowJob(WorkflowJobSpec.of("queued", 81, 8, List.of("anka-template:sonoma")));
      assertThat(post(port, "workflow_job", "d-json-81", job.getBytes(StandardCharsets.UTF_8))).isEqualTo(202);

      ObjectMapper mapper = new ObjectMapper();
      JsonNode waiting = Awaitility.await().atMost(Duration.ofSeconds(20)).until(
          () -> stateLine(mapper, output, "WAITING_FOR_HOST"), java.util.Objects::nonNull);
      assertThat(waiting.path("message").asText())
          .isEqualTo("job=81 workflow=hangar-job-81 phase=WAITING_FOR_HOST attempt=1 host=- vm=hangar-81-1");
      JsonNode fields = waiting.path("hangar");
      assertThat(fields.path("jobId").asText()).isEqualTo("81");
      assertThat(fields.path("workflowId").asText()).isEqualTo("hangar-job-81");
      assertThat(fields.path("phase").asText()).isEqualTo("WAITING_FOR_HOST");
      assertThat(fields.path("attempt").asText()).isEqualTo("1");
      assertThat(fields.path("vm").asText()).isEqualTo("hangar-81-1");
      assertThat(stateLine(mapper, output, "ROUTING")).isNotNull();
    }
    assertThat(output.getAll()).doesNotContain(SECRET).doesNotContain("ghp_jsonLogsTokenValue0123456789");
  }

  /** The job workflow's state line for the phase, parsed, or null. */
  private static JsonNode stateLine(ObjectMapper mapper, CapturedOutput output, String phase) throws Exception {
    for (String line : output.getOut().split("\n")) {
      if (line.contains("JobStateLog") && line.contains("phase=" + phase + " ")) {
        return mapper.readTree(line);
      }
    }
    return null;
  }

  private static int post(int port, String event, String delivery, byte[] body) throws Exception {
    return HttpClient.newHttpClient().send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/webhook"))
                .header("Content-Type", "application/json")
                .header("X-GitHub-Event", event)
                .header("X-GitHub-Delivery", delivery)
                .header(WebhookSigner.HEADER, WebhookSigner.sign(SECRET, body))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build(),
            HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }

  private void deliverAndCheck(int port, CapturedOutput output) throws Exception {
    byte[] body = "{\"zen\":\"Keep it logically awesome.\",\"hook_id\":1}".getBytes(StandardCharsets.UTF_8);
    assertThat(post(port, "ping", "d-json-1", body)).isEqualTo(200);

    ObjectMapper mapper = new ObjectMapper();
    List<JsonNode> deliveryLines = new ArrayList<>();
    for (String line : output.getOut().split("\n")) {
      if (line.contains("d-json-1")) {
        JsonNode json = mapper.readTree(line);
        assertThat(json.path("@timestamp").isTextual()).isTrue();
        deliveryLines.add(json);
      }
    }
    assertThat(deliveryLines).hasSize(1);
    assertThat(deliveryLines.get(0).path("message").asText())
        .contains("delivery=d-json-1 event=ping")
        .contains("outcome=ignored status=200");
    assertThat(output.getAll()).doesNotContain(SECRET).doesNotContain("ghp_jsonLogsTokenValue0123456789");
  }
}
