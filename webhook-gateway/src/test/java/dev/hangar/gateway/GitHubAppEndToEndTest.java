package dev.hangar.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hangar.emulator.EmulatorConfig;
import dev.hangar.emulator.Endpoints;
import dev.hangar.emulator.GitHubApp;
import dev.hangar.emulator.GitHubEmulator;
import dev.hangar.emulator.JobInfo;
import dev.hangar.emulator.WebhookDelivery;
import dev.hangar.workflows.Names;
import dev.hangar.workflows.job.JobOutcome;
import io.temporal.client.WorkflowClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.interfaces.RSAPublicKey;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The orchestrator as a GitHub App against GitHub Enterprise Server's {@code /api/v3} (the
 * emulator mounted there): configured by app id and key file only, it looks the installation up by
 * the job's repository, buys a token, cancels the run, and neither the token nor the key reaches the
 * logs (every GitHub logger at TRACE) or the workflow's history.
 */
@ExtendWith(OutputCaptureExtension.class)
@org.springframework.context.annotation.Import(TestServerSearchAttributes.class)
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "spring.temporal.test-server.enabled=true",
      "hangar.gateway.webhook-secret=" + GitHubAppEndToEndTest.SECRET,
      "hangar.secrets.key=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
      "hangar.github.app-id=" + GitHubAppEndToEndTest.APP_ID,
      "logging.level.dev.hangar=TRACE",
      "logging.level.org.kohsuke=TRACE",
    })
class GitHubAppEndToEndTest {

  static final String SECRET = "app-secret";
  static final long APP_ID = 777;
  private static final KeyPair KEYS = keys();
  private static final Path KEY_FILE = pemFile(KEYS);
  private static final GitHubEmulator GITHUB = GitHubEmulator.start(EmulatorConfig.defaults()
      .withApiPath("/api/v3")
      .withApp(new GitHubApp(APP_ID, "hangar", (RSAPublicKey) KEYS.getPublic(),
          List.of(GitHubApp.Installation.allOf(31, "acme")))));

  @DynamicPropertySource
  static void github(DynamicPropertyRegistry registry) {
    registry.add("hangar.github.api-url", GITHUB::baseUrl);
    registry.add("hangar.github.private-key-file", KEY_FILE::toString);
  }

  @AfterAll
  static void stopGitHub() throws IOException {
    GITHUB.close();
    Files.deleteIfExists(KEY_FILE);
  }

  @LocalServerPort private int port;
  @Autowired private WorkflowClient client;

  @Test
  void aGivenUpJobHasItsRunCancelledWithAnInstallationTokenThatIsNeverLogged(CapturedOutput output)
      throws Exception {
    GITHUB.addRepository("acme", "ios-app", true);
    JobInfo job = GITHUB.createJob("acme", "ios-app", List.of("self-hosted", "anka-template:ventura"));

    WebhookDelivery delivery =
        GITHUB.deliverWorkflowJob(job.id(), "queued", URI.create("http://127.0.0.1:" + port + "/webhook"), SECRET);

    assertThat(delivery.status()).isEqualTo(202);
    String workflowId = Names.workflowId(job.id());
    JobOutcome outcome =
        client.newUntypedWorkflowStub(workflowId).getResult(30, TimeUnit.SECONDS, JobOutcome.class);
    assertThat(outcome.result()).isEqualTo(JobOutcome.Result.UNKNOWN_TEMPLATE);
    assertThat(GITHUB.run(job.runId()).orElseThrow().conclusion()).isEqualTo("cancelled");
    assertThat(GITHUB.calls().count(Endpoints.REPO_INSTALLATION)).isEqualTo(1);
    assertThat(GITHUB.calls().count(Endpoints.INSTALLATION_TOKEN)).isEqualTo(1);
    assertThat(GITHUB.calls().count(Endpoints.CANCEL_RUN)).isEqualTo(1);

    String history = decodedPayloads(client.fetchHistory(workflowId).toJson(false));
    assertThat(history).contains("ios-app");
    assertThat(output.getAll()).contains("GitHub API request").contains("GitHub App " + APP_ID)
        .as("no JWT").doesNotContain("eyJ");
    for (String place : List.of(output.getAll(), history)) {
      assertThat(place).doesNotContain("ghs_");
      for (String line : Files.readAllLines(KEY_FILE)) {
        if (!line.startsWith("-----")) {
          assertThat(place).doesNotContain(line);
        }
      }
    }
  }

  /** The history with every payload's base64 {@code data} decoded, as Temporal stores it. */
  private static String decodedPayloads(String historyJson) {
    StringBuilder out = new StringBuilder(historyJson);
    Matcher m = Pattern.compile("\"data\": \"([A-Za-z0-9+/=]+)\"").matcher(historyJson);
    while (m.find()) {
      out.append('\n').append(new String(Base64.getDecoder().decode(m.group(1)), StandardCharsets.UTF_8));
    }
    return out.toString();
  }

  static KeyPair keys() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(2048);
      return generator.generateKeyPair();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static Path pemFile(KeyPair keys) {
    try {
      Path file = Files.createTempFile("hangar-app-", ".pem");
      String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
          .encodeToString(keys.getPrivate().getEncoded());
      Files.writeString(file, "-----BEGIN PRIVATE KEY-----\n" + body + "\n-----END PRIVATE KEY-----\n");
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
