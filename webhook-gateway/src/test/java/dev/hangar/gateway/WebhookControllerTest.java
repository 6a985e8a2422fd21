package dev.hangar.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hangar.testfixtures.GitHubPayloads;
import dev.hangar.testfixtures.WebhookSigner;
import dev.hangar.testfixtures.WorkflowJobSpec;
import dev.hangar.workflows.job.JobEvent;
import dev.hangar.workflows.job.JobRequest;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.autoconfigure.web.servlet.AutoConfigureMockMvc;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.ResultActions;

@SpringBootTest(
    properties = {
      "hangar.gateway.webhook-secret=" + WebhookControllerTest.SECRET,
      "hangar.gateway.max-body-bytes=64KB",
      "hangar.gateway.temporal-timeout=1s",
      "hangar.orchestrator.workers-enabled=false",
      "hangar.templates[0].id=sonoma-xcode16",
      "hangar.templates[0].tag=v3",
      "hangar.templates[0].cpu-cores=4",
      "hangar.templates[0].memory-mb=8192",
      "hangar.templates[0].disk-gb=80",
      "hangar.pools[0].name=macos-xcode16",
      "hangar.pools[0].template=sonoma-xcode16",
    })
@AutoConfigureMockMvc
@AutoConfigureObservability
class WebhookControllerTest {

  static final String SECRET = "controller-test-secret";
  private static final List<String> OURS = List.of("self-hosted", "macOS", "anka-template:sonoma-xcode16");

  @TestConfiguration
  static class FakeDispatch {
    @Bean
    FakeJobDispatcher fakeJobDispatcher() {
      return new FakeJobDispatcher();
    }

    /** The fake behind the real time limit, as the application wires the Temporal dispatcher. */
    @Bean
    @Primary
    JobDispatcher testJobDispatcher(FakeJobDispatcher fake) {
      return new TimeLimitedDispatcher(fake, Duration.ofSeconds(1), Executors.newCachedThreadPool());
    }
  }

  @Autowired private MockMvc mvc;
  @Autowired private FakeJobDispatcher fake;

  @BeforeEach
  void reset() {
    fake.reset();
  }

  @Test
  void queuedJobWithOurLabelIsHandedOverAsTypedRecords() throws Exception {
    WorkflowJobSpec spec =
        WorkflowJobSpec.of("queued", 4242, 77, OURS).withRepository("acme", "ios-app").withInstallation(99L);
    String delivery = UUID.randomUUID().toString();

    deliver("workflow_job", delivery, GitHubPayloads.workflowJob(spec))
        .andExpect(status().isAccepted())
        .andExpect(jsonPath("$.outcome").value("accepted"))
        .andExpect(jsonPath("$.detail").value("handed to hangar-job-4242"));

    assertThat(fake.calls).hasSize(1);
    JobRequest job = fake.calls.get(0).job();
    JobEvent event = fake.calls.get(0).event();
    assertThat(job.jobId()).isEqualTo(4242);
    assertThat(job.runId()).isEqualTo(77);
    assertThat(job.runAttempt()).isEqualTo(1);
    assertThat(job.fullName()).isEqualTo("acme/ios-app");
    assertThat(job.labels()).isEqualTo(OURS);
    assertThat(job.htmlUrl()).isEqualTo("https://github.com/acme/ios-app/actions/runs/77/job/4242");
    assertThat(job.installationId()).isEqualTo(99L);
    assertThat(event.action()).isEqualTo(JobEvent.Action.QUEUED);
    assertThat(event.jobId()).isEqualTo(4242);
    assertThat(event.runnerName()).isNull();
    assertThat(event.deliveryId()).isEqualTo(delivery);
    assertThat(event.at()).isNotNull();
  }

  @Test
  void inProgressOnAnotherJobsRunnerCarriesTheRunner() throws Exception {
    WorkflowJobSpec spec = WorkflowJobSpec.of("in_progress", 20, 7, OURS).withRunner("hangar-10-1", 555L);

    deliver("workflow_job", "d-1", GitHubPayloads.workflowJob(spec))
        .andExpect(status().isAccepted())
        .andExpect(jsonPath("$.detail").value("handed to hangar-job-20 and runner owner hangar-job-10"));

    JobEvent event = fake.calls.get(0).event();
    assertThat(event.action()).isEqualTo(JobEvent.Action.IN_PROGRESS);
    assertThat(event.runnerName()).isEqualTo("hangar-10-1");
    assertThat(event.runnerId()).isEqualTo(555L);
    assertThat(event.at()).isEqualTo(Instant.parse("2021-09-13T02:21:13Z"));
  }

  @Test
  void completedCarriesTheConclusion() throws Exception {
    WorkflowJobSpec spec = WorkflowJobSpec.of("completed", 21, 7, OURS).withRunner("hangar-21-1", 5L);

    deliver("workflow_job", "d-2", GitHubPayloads.workflowJob(spec)).andExpect(status().isAccepted());

    assertThat(fake.calls.get(0).event().conclusion()).isEqualTo("success");
    assertThat(fake.calls.get(0).event().action()).isEqualTo(JobEvent.Action.COMPLETED);
  }

  @Test
  void poolLabelAndUnknownTemplateAreHandedOverToo() throws Exception {
    deliver("workflow_job", "d-3", job("queued", 30, List.of("self-hosted", "macos-xcode16")))
        .andExpect(status().isAccepted());
    // An unknown template is the workflow's to report: it cancels the run on GitHub.
    deliver("workflow_job", "d-4", job("queued", 31, List.of("anka-template:ventura")))
        .andExpect(status().isAccepted());

    assertThat(fake.calls).extracting(c -> c.job().jobId()).containsExactly(30L, 31L);
  }

  @Test
  void badSignaturesAre401AndNothingIsDispatched() throws Exception {
    byte[] body = job("queued", 40, OURS).getBytes(StandardCharsets.UTF_8);
    String good = WebhookSigner.sign(SECRET, body);

    send(body, "workflow_job", "d", null).andExpect(status().isUnauthorized())
        .andExpect(jsonPath("$.outcome").value("bad_signature"));
    send(body, "workflow_job", "d", WebhookSigner.sign("another secret", body)).andExpect(status().isUnauthorized());
    send(body, "workflow_job", "d", good.replace("sha256=", "sha1=")).andExpect(status().isUnauthorized());
    send(body, "workflow_job", "d", good.substring(0, good.length() - 1)).andExpect(status().isUnauthorized());
    send(body, "workflow_job", "d", "sha256=" + "g".repeat(64)).andExpect(status().isUnauthorized());
    byte[] changed = job("queued", 41, OURS).getBytes(StandardCharsets.UTF_8);
    send(changed, "workflow_job", "d", good).andExpect(status().isUnauthorized());

    assertThat(fake.calls).isEmpty();
  }

  @Test
  void malformedDeliveriesAre400() throws Exception {
    deliver("workflow_job", "d", "{\"action\": \"queued\", ").andExpect(status().isBadRequest())
        .andExpect(jsonPath("$.outcome").value("malformed"));
    deliver("workflow_job", "d", "[1, 2]").andExpect(status().isBadRequest());
    deliver("workflow_job", "d", "{\"action\": \"queued\"}").andExpect(status().isBadRequest());
    JsonNode noId = GitHubPayloads.workflowJobNode(WorkflowJobSpec.of("queued", 1, 1, OURS));
    ((com.fasterxml.jackson.databind.node.ObjectNode) noId.get("workflow_job")).put("id", "not a number");
    deliver("workflow_job", "d", noId.toString()).andExpect(status().isBadRequest());
    deliver(null, "d", job("queued", 1, OURS)).andExpect(status().isBadRequest());

    assertThat(fake.calls).isEmpty();
  }

  @Test
  void oversizedBodiesAre413() throws Exception {
    byte[] big = ("{\"pad\":\"" + "x".repeat(70 * 1024) + "\"}").getBytes(StandardCharsets.UTF_8);

    send(big, "workflow_job", "d", WebhookSigner.sign(SECRET, big))
        .andExpect(status().isPayloadTooLarge())
        .andExpect(jsonPath("$.outcome").value("too_large"));
    assertThat(fake.calls).isEmpty();
  }

  @Test
  void pingIs200() throws Exception {
    for (JsonNode ping : GitHubPayloads.pingExamples()) {
      deliver("ping", "d", ping.toString()).andExpect(status().isOk()).andExpect(jsonPath("$.detail").value("pong"));
    }
    assertThat(fake.calls).isEmpty();
  }

  @Test
  void otherEventsAndUnknownActionsAre202Ignored() throws Exception {
    deliver("push", "d", "{\"ref\":\"refs/heads/main\"}")
        .andExpect(status().isAccepted())
        .andExpect(jsonPath("$.outcome").value("ignored"));
    String unknownAction = job("queued", 50, OURS).replace("\"action\":\"queued\"", "\"action\":\"teleported\"");
    deliver("workflow_job", "d", unknownAction)
        .andExpect(status().isAccepted())
        .andExpect(jsonPath("$.outcome").value("ignored"));

    assertThat(fake.calls).isEmpty();
  }

  @Test
  void realPayloadsWithoutHangarLabelsAreNotOursAndNotDispatched() throws Exception {
    List<JsonNode> examples = GitHubPayloads.workflowJobExamples();
    assertThat(examples).hasSize(8);
    for (JsonNode example : examples) {
      deliver("workflow_job", "d", example.toString())
          .andExpect(status().isAccepted())
          .andExpect(jsonPath("$.outcome").value("not_ours"));
    }
    assertThat(fake.calls).isEmpty();
  }

  @Test
  void notOursJobOnOurRunnerIsForwardedToTheRunnersOwnerOnly() throws Exception {
    WorkflowJobSpec spec =
        WorkflowJobSpec.of("in_progress", 60, 7, List.of("self-hosted")).withRunner("hangar-59-2", 3L);

    deliver("workflow_job", "d", GitHubPayloads.workflowJob(spec))
        .andExpect(status().isAccepted())
        .andExpect(jsonPath("$.outcome").value("not_ours"));

    assertThat(fake.calls).extracting(FakeJobDispatcher.Call::method).containsExactly("notifyRunnerOwner");
  }

  @Test
  void onlyACompletedWithNoLabelsIsToldToItsJobsWorkflow() throws Exception {
    deliver("workflow_job", "d", job("completed", 61, List.of()))
        .andExpect(status().isAccepted())
        .andExpect(jsonPath("$.outcome").value("not_ours"))
        .andExpect(jsonPath("$.detail").value(org.hamcrest.Matchers.endsWith("; hangar-job-61 told the job completed")));
    assertThat(fake.calls).extracting(FakeJobDispatcher.Call::method).containsExactly("notifyJobIfRunning");
    assertThat(fake.calls.get(0).event().jobId()).isEqualTo(61);

    fake.reset();
    deliver("workflow_job", "d", job("queued", 62, List.of())).andExpect(jsonPath("$.outcome").value("not_ours"));
    deliver("workflow_job", "d", job("completed", 63, List.of("ubuntu-latest")))
        .andExpect(jsonPath("$.outcome").value("not_ours"));
    assertThat(fake.calls).as("queued without labels, completed with another system's labels").isEmpty();
  }

  @Test
  void lateDeliveryForAFinishedJobIsDuplicate() throws Exception {
    fake.finished = true;

    deliver("workflow_job", "d", job("completed", 70, OURS))
        .andExpect(status().isAccepted())
        .andExpect(jsonPath("$.outcome").value("duplicate"))
        .andExpect(jsonPath("$.detail").value("duplicate, job already finished"));
  }

  @Test
  void temporalDownIs503() throws Exception {
    fake.down = true;

    deliver("workflow_job", "d", job("queued", 80, OURS))
        .andExpect(status().isServiceUnavailable())
        .andExpect(jsonPath("$.outcome").value("unavailable"));
  }

  @Test
  void temporalSlowIs503WithinTheTimeout() throws Exception {
    fake.delay = Duration.ofSeconds(4);
    long start = System.nanoTime();

    deliver("workflow_job", "d", job("queued", 81, OURS)).andExpect(status().isServiceUnavailable());

    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(2500));
  }

  @Test
  void formEncodedDeliveriesAreAccepted() throws Exception {
    String json = job("queued", 90, OURS);
    byte[] body = ("payload=" + URLEncoder.encode(json, StandardCharsets.UTF_8)).getBytes(StandardCharsets.US_ASCII);

    mvc.perform(
            post("/webhook")
                .contentType(MediaType.APPLICATION_FORM_URLENCODED)
                .header("X-GitHub-Event", "workflow_job")
                .header("X-GitHub-Delivery", "d")
                .header(WebhookSigner.HEADER, WebhookSigner.sign(SECRET, body))
                .content(body))
        .andExpect(status().isAccepted());
    assertThat(fake.calls).extracting(c -> c.job().jobId()).containsExactly(90L);
  }

  @Test
  void deliveriesAreCountedByOutcomeForPrometheus() throws Exception {
    send("{}".getBytes(StandardCharsets.UTF_8), "workflow_job", "d", "sha256=00").andExpect(status().isUnauthorized());

    mvc.perform(get("/actuator/prometheus"))
        .andExpect(status().isOk())
        .andExpect(content().string(org.hamcrest.Matchers.containsString("hangar_webhook_deliveries_total{")))
        .andExpect(content().string(org.hamcrest.Matchers.containsString("outcome=\"bad_signature\"")))
        .andExpect(content().string(org.hamcrest.Matchers.containsString("outcome=\"unavailable\"")));
    mvc.perform(get("/actuator/health")).andExpect(status().isOk());
  }

  private static String job(String action, long jobId, List<String> labels) {
    return GitHubPayloads.workflowJob(WorkflowJobSpec.of(action, jobId, 7, labels));
  }

  private ResultActions deliver(String event, String delivery, String json) throws Exception {
    byte[] body = json.getBytes(StandardCharsets.UTF_8);
    return send(body, event, delivery, WebhookSigner.sign(SECRET, body));
  }

  private ResultActions send(byte[] body, String event, String delivery, String signature) throws Exception {
    var request = post("/webhook").contentType(MediaType.APPLICATION_JSON).content(body);
    if (event != null) {
      request.header("X-GitHub-Event", event);
    }
    request.header("X-GitHub-Delivery", delivery);
    if (signature != null) {
      request.header(WebhookSigner.HEADER, signature);
    }
    return mvc.perform(request);
  }
}
