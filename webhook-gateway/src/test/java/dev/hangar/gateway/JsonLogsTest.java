package dev.hangar.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hangar.testfixtures.WebhookSigner;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
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

  private void deliverAndCheck(int port, CapturedOutput output) throws Exception {
    byte[] body = "{\"zen\":\"Keep it logically awesome.\",\"hook_id\":1}".getBytes(StandardCharsets.UTF_8);
    HttpResponse<String> response = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/webhook"))
            .header("Content-Type", "application/json")
            .header("X-GitHub-Event", "ping")
            .header("X-GitHub-Delivery", "d-json-1")
            .header(WebhookSigner.HEADER, WebhookSigner.sign(SECRET, body))
            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);

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
