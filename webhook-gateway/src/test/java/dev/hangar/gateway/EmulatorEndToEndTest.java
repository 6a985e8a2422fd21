package dev.hangar.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hangar.emulator.EmulatorConfig;
import dev.hangar.emulator.Endpoints;
import dev.hangar.emulator.GitHubEmulator;
import dev.hangar.emulator.JobInfo;
import dev.hangar.emulator.WebhookDelivery;
import dev.hangar.workflows.Names;
import dev.hangar.workflows.job.JobOutcome;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowNotFoundException;
import dev.hangar.testfixtures.PrometheusText;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * GitHub (the emulator) sends real signed webhooks to the gateway on a real port; the gateway runs
 * the real job workflow on the starter's in-process Temporal test server, and the workflow's GitHub
 * calls go back to the emulator through the wired {@code GitHubActivitiesImpl}.
 */
@org.springframework.context.annotation.Import(TestServerSearchAttributes.class)
@org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "spring.temporal.test-server.enabled=true",
      "hangar.gateway.webhook-secret=" + EmulatorEndToEndTest.SECRET,
      "hangar.secrets.key=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
      "hangar.templates[0].id=sonoma-xcode16",
      "hangar.templates[0].cpu-cores=4",
      "hangar.templates[0].memory-mb=8192",
    })
class EmulatorEndToEndTest {

  static final String SECRET = "emulator-secret";
  private static final GitHubEmulator GITHUB = GitHubEmulator.start();

  @DynamicPropertySource
  static void github(DynamicPropertyRegistry registry) {
    registry.add("hangar.github.api-url", GITHUB::baseUrl);
    registry.add("hangar.github.token", () -> EmulatorConfig.DEFAULT_TOKEN);
  }

  @AfterAll
  static void stopGitHub() {
    GITHUB.close();
  }

  @LocalServerPort private int port;
  @Autowired private WorkflowClient client;

  @Test
  void aJobAskingForAnUnknownTemplateHasItsRunCancelledOnGitHub() throws Exception {
    JobInfo job = GITHUB.createJob("acme", "ios-app", List.of("self-hosted", "anka-template:ventura"));
    int cancelsBefore = GITHUB.calls().count(Endpoints.CANCEL_RUN); // other tests share the emulator

    WebhookDelivery delivery = GITHUB.deliverWorkflowJob(job.id(), "queued", webhook(), SECRET);

    assertThat(delivery.status()).isEqualTo(202);
    JobOutcome outcome =
        client
            .newUntypedWorkflowStub(Names.workflowId(job.id()))
            .getResult(30, TimeUnit.SECONDS, JobOutcome.class);
    assertThat(outcome.result()).isEqualTo(JobOutcome.Result.UNKNOWN_TEMPLATE);
    assertThat(GITHUB.calls().count(Endpoints.CANCEL_RUN)).isEqualTo(cancelsBefore + 1);
  }

  @Test
  void theJobWorkflowsTimersReachTheGatewaysPrometheusScrape() throws Exception {
    JobInfo job = GITHUB.createJob("acme", "mac-app", List.of("self-hosted", "anka-template:monterey"));
    GITHUB.deliverWorkflowJob(job.id(), "queued", webhook(), SECRET);
    client.newUntypedWorkflowStub(Names.workflowId(job.id())).getResult(30, TimeUnit.SECONDS, JobOutcome.class);

    String scrape = HttpClient.newHttpClient()
        .send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/prometheus")).build(),
            HttpResponse.BodyHandlers.ofString())
        .body();
    PrometheusText.assertValidExposition(scrape);
    // The SDK's scope (Workflow.getMetricsScope) reports into the application's registry, with
    // JobMetrics.histogramBuckets() applied: buckets up to a day.
    assertThat(scrape)
        .contains("# TYPE hangar_job_workflow_duration_seconds histogram")
        .containsPattern("hangar_job_workflow_duration_seconds_count\\{[^}]*result=\"unknown_template\"[^}]*"
            + "workflow_type=\"JobWorkflow\"[^}]*\\} [1-9]")
        .containsPattern("hangar_job_workflow_duration_seconds_bucket\\{[^}]*le=\"86400\\.0\"");
  }

  @Test
  void anotherSystemsJobIsNotOursAndCallsNothing() {
    JobInfo job = GITHUB.createJob("acme", "web", List.of("ubuntu-latest"));
    int callsBefore = GITHUB.calls().total();

    WebhookDelivery delivery = GITHUB.deliverWorkflowJob(job.id(), "queued", webhook(), SECRET);

    assertThat(delivery.status()).isEqualTo(202);
    assertThat(GITHUB.calls().total()).isEqualTo(callsBefore);
    assertThatThrownBy(() -> client.newUntypedWorkflowStub(Names.workflowId(job.id())).describe())
        .isInstanceOf(WorkflowNotFoundException.class);
  }

  @Test
  void aDeliveryWithAnotherSecretIsRefused() {
    JobInfo job = GITHUB.createJob("acme", "web", List.of("anka-template:sonoma-xcode16"));

    WebhookDelivery delivery = GITHUB.deliverWorkflowJob(job.id(), "queued", webhook(), "not the secret");

    assertThat(delivery.status()).isEqualTo(401);
  }

  private URI webhook() {
    return URI.create("http://127.0.0.1:" + port + "/webhook");
  }
}
