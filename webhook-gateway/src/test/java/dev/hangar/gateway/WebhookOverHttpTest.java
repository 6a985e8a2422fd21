package dev.hangar.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hangar.testfixtures.GitHubPayloads;
import dev.hangar.testfixtures.WebhookSigner;
import dev.hangar.testfixtures.WorkflowJobSpec;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;

/** The same endpoint through a real Tomcat on a random port, with the default 25 MB limit. */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "hangar.gateway.webhook-secret=" + WebhookOverHttpTest.SECRET,
      "hangar.orchestrator.workers-enabled=false",
      "hangar.templates[0].id=sonoma",
      "hangar.templates[0].cpu-cores=4",
      "hangar.templates[0].memory-mb=8192",
    })
class WebhookOverHttpTest {

  static final String SECRET = "http-secret";

  @TestConfiguration
  static class FakeDispatch {
    @Bean
    @Primary
    FakeJobDispatcher httpFakeJobDispatcher() {
      return new FakeJobDispatcher();
    }
  }

  @LocalServerPort private int port;
  @Autowired private FakeJobDispatcher fake;

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @Test
  void aSignedDeliveryIsAccepted() throws Exception {
    byte[] body =
        GitHubPayloads.workflowJob(WorkflowJobSpec.of("queued", 11, 1, List.of("anka-template:sonoma")))
            .getBytes(StandardCharsets.UTF_8);

    HttpResponse<String> response =
        http.send(
            webhook()
                .header(WebhookSigner.HEADER, WebhookSigner.sign(SECRET, body))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(202);
    assertThat(response.body()).contains("\"outcome\":\"accepted\"");
    assertThat(fake.calls).extracting(c -> c.job().jobId()).contains(11L);
  }

  @Test
  void aDeclaredBodyOverTheLimitIsRefusedWithoutWaitingForIt() throws Exception {
    long size = 30L * 1024 * 1024;
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(5000);
      String head =
          "POST /webhook HTTP/1.1\r\n"
              + "Host: 127.0.0.1\r\n"
              + "Content-Type: application/json\r\n"
              + "X-GitHub-Event: workflow_job\r\n"
              + "X-GitHub-Delivery: http-2\r\n"
              + "X-Hub-Signature-256: sha256=" + "0".repeat(64) + "\r\n"
              + "Content-Length: " + size + "\r\n"
              + "Connection: close\r\n\r\n";
      OutputStream out = socket.getOutputStream();
      out.write(head.getBytes(StandardCharsets.US_ASCII));
      out.write(new byte[1024]);
      out.flush();

      // Not one more byte is sent: the answer must come without the server waiting for the body.
      String response = readUntil(socket.getInputStream(), "}");

      assertThat(response).startsWith("HTTP/1.1 413");
      assertThat(response).contains("too_large");
    }
  }

  private HttpRequest.Builder webhook() {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/webhook"))
        .timeout(Duration.ofSeconds(20))
        .header("Content-Type", "application/json")
        .header("X-GitHub-Event", "workflow_job")
        .header("X-GitHub-Delivery", "http-1");
  }

  /** What the server sent, up to and including the first {@code end}. */
  private static String readUntil(InputStream in, String end) throws IOException {
    StringBuilder text = new StringBuilder();
    int b;
    while (text.indexOf(end) < 0 && (b = in.read()) != -1) {
      text.append((char) b);
    }
    return text.toString();
  }
}
