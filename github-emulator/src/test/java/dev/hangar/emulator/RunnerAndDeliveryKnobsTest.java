package dev.hangar.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The emulated runner driven by its JIT configuration alone, actions/runner#3621 on demand, and the
 * webhook delivery knobs (duplicate, drop, hold and release, reorder, redeliver).
 */
class RunnerAndDeliveryKnobsTest {

  private static final List<String> LABELS = List.of("self-hosted", "macOS");
  private final ObjectMapper mapper = new ObjectMapper();
  private final Receiver receiver = new Receiver();
  private final GitHubEmulator github =
      GitHubEmulator.start(EmulatorConfig.defaults().withWebhook(receiver.url(), "s3cret"));
  private final Http api = new Http(github.baseUrl(), EmulatorConfig.DEFAULT_TOKEN);

  @TempDir Path runnerDir;

  @AfterEach
  void stop() {
    github.close();
    receiver.close();
  }

  private String register(String name) {
    return api.post("/repos/acme/app/actions/runners/generate-jitconfig",
            "{\"name\":\"" + name + "\",\"runner_group_id\":1,\"labels\":[\"self-hosted\",\"macOS\"]}")
        .body().path("encoded_jit_config").asText();
  }

  /** The delivery log once it holds {@code n} attempts (each is recorded after its answer). */
  private List<WebhookDelivery> recorded(int n) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (github.deliveries().size() < n && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    Thread.sleep(100);
    return github.deliveries();
  }

  @Test
  void theJitConfigIsShapedLikeGitHubsAndNamesTheEmulator() throws Exception {
    github.addRepository("acme", "app", true);
    String config = register("hangar-1-1");

    JsonNode files = mapper.readTree(Base64.getDecoder().decode(config));
    assertThat(files.fieldNames()).toIterable().containsExactlyInAnyOrder(".runner", ".credentials", ".credentials_rsaparams");
    JsonNode runner = mapper.readTree(Base64.getDecoder().decode(files.path(".runner").asText()));
    assertThat(runner.path("AgentName").asText()).isEqualTo("hangar-1-1");
    assertThat(runner.path("ServerUrl").asText()).isEqualTo(github.baseUrl() + "/_emulator/runner/");
    assertThat(runner.path("GitHubUrl").asText()).isEqualTo(github.baseUrl() + "/acme/app");
    JsonNode credentials = mapper.readTree(Base64.getDecoder().decode(files.path(".credentials").asText()));
    assertThat(credentials.path("Scheme").asText()).isEqualTo("OAuth");
    assertThat(JitConfigs.serverUrl(config).toString()).isEqualTo(github.baseUrl() + "/_emulator/runner/");
  }

  @Test
  void theRunnerTakesAnyFittingJobRunsItForItsDurationAndFinishesWithItsConclusion() throws Exception {
    github.addRepository("acme", "app", true);
    JobInfo job = github.createJob("acme", "app", LABELS, new JobPlan(Duration.ofMillis(700), "failure"));
    String config = register("hangar-99-1");   // made for another job: GitHub hands it this one anyway
    Files.writeString(runnerDir.resolve(".jitconfig"), config);

    long started = System.nanoTime();
    int exit = new SimulatedRunner(runnerDir, Duration.ofMillis(50)).run();

    assertThat(exit).isZero();
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(700));
    JobInfo done = github.job(job.id()).orElseThrow();
    assertThat(done.status()).isEqualTo("completed");
    assertThat(done.conclusion()).isEqualTo("failure");
    assertThat(done.runnerName()).isEqualTo("hangar-99-1");
    assertThat(github.runners()).isEmpty();
    assertThat(Files.readString(runnerDir.resolve("exit-code"))).isEqualTo("0");
    assertThat(receiver.next(3)).extracting(Receiver.Received::action)
        .containsExactly("queued", "in_progress", "completed");
  }

  @Test
  void aRunnerRegisteredWithATokenIsAnEphemeralRunnerLikeAnyOther() throws Exception {
    github.addRepository("acme", "app", true);
    JobInfo job = github.createJob("acme", "app", LABELS, new JobPlan(Duration.ofMillis(100), "success"));
    String token = api.post("/repos/acme/app/actions/runners/registration-token", "").body().path("token").asText();
    Files.writeString(runnerDir.resolve(".jitconfig"), SimulatedRunner.REGISTRATION_HEADER + "\n"
        + "url=" + github.baseUrl() + "/acme/app\ntoken=" + token + "\nname=hangar-98-1\n"
        + "labels=self-hosted,macOS\nwork=_work\n");

    int exit = new SimulatedRunner(runnerDir, Duration.ofMillis(50)).run();

    assertThat(exit).isZero();
    JobInfo done = github.job(job.id()).orElseThrow();
    assertThat(done.conclusion()).isEqualTo("success");
    assertThat(done.runnerName()).isEqualTo("hangar-98-1");
    assertThat(github.runners()).isEmpty();
  }

  @Test
  void aRunnerWithAnExpiredOrForeignTokenIsRefusedAndRegistersNothing() throws Exception {
    github.addRepository("acme", "app", true);
    github.addRepository("acme", "other", true);
    String token = api.post("/repos/acme/app/actions/runners/registration-token", "").body().path("token").asText();
    String foreign = SimulatedRunner.REGISTRATION_HEADER + "\nurl=" + github.baseUrl() + "/acme/other\ntoken="
        + token + "\nname=hangar-97-1\nlabels=self-hosted\n";
    Files.writeString(runnerDir.resolve(".jitconfig"), foreign);
    assertThat(new SimulatedRunner(runnerDir, Duration.ofMillis(50)).run())
        .isEqualTo(SimulatedRunner.EXIT_REGISTRATION_REFUSED);

    github.expireRegistrationTokens(Duration.ofHours(1));
    Files.writeString(runnerDir.resolve(".jitconfig"), foreign.replace("/acme/other", "/acme/app"));
    assertThat(new SimulatedRunner(runnerDir, Duration.ofMillis(50)).run())
        .isEqualTo(SimulatedRunner.EXIT_REGISTRATION_REFUSED);
    assertThat(github.runners()).isEmpty();
  }

  @Test
  void aStarvedRunnerNeverGetsAJobAndExitsWhenRemoved() throws Exception {
    github.addRepository("acme", "app", true);
    github.neverAssign(1);
    String starved = register("hangar-1-1");
    String fed = register("hangar-1-2");
    JobInfo job = github.createJob("acme", "app", LABELS);
    Files.writeString(runnerDir.resolve(".jitconfig"), starved);

    CompletableFuture<Integer> exit =
        CompletableFuture.supplyAsync(() -> new SimulatedRunner(runnerDir, Duration.ofMillis(50)).run());
    Thread.sleep(500);
    assertThat(exit).isNotDone();
    assertThat(github.job(job.id()).orElseThrow().status()).isEqualTo("queued");
    assertThat(github.claim(fed)).map(JobInfo::id).contains(job.id());

    long id = github.runner("acme", "app", "hangar-1-1").orElseThrow().id();
    assertThat(api.delete("/repos/acme/app/actions/runners/" + id).status()).isEqualTo(204);
    assertThat(exit.get(5, TimeUnit.SECONDS)).isEqualTo(SimulatedRunner.EXIT_REMOVED);
  }

  @Test
  void neverAssignByNameStarvesOnlyMatchingRunners() {
    github.addRepository("acme", "app", true);
    github.neverAssign(name -> name.startsWith("hangar-5-"));
    String starved = register("hangar-5-1");
    String fed = register("hangar-6-1");
    github.createJob("acme", "app", LABELS);
    assertThat(github.claim(starved)).isEmpty();
    assertThat(github.claim(fed)).isPresent();
  }

  @Test
  void duplicatesKeepTheDeliveryIdAndEveryAttemptIsRecorded() throws Exception {
    github.duplicateDeliveries(true);
    JobInfo job = github.createJob("acme", "app", LABELS);

    List<Receiver.Received> got = receiver.next(2);
    assertThat(got).extracting(Receiver.Received::jobId).containsOnly(job.id());
    assertThat(got.get(0).deliveryId()).isEqualTo(got.get(1).deliveryId());
    assertThat(recorded(2)).extracting(WebhookDelivery::status).containsExactly(202, 202);
  }

  @Test
  void dropsTheNextDeliveriesOfAnAction() throws Exception {
    github.dropDeliveries("queued", 1);
    JobInfo dropped = github.createJob("acme", "app", LABELS);
    JobInfo sent = github.createJob("acme", "app", LABELS);

    assertThat(receiver.next(1)).extracting(Receiver.Received::jobId).containsExactly(sent.id());
    assertThat(receiver.within(300)).isEmpty();
    assertThat(recorded(1)).hasSize(1);
    assertThat(dropped.status()).isEqualTo("queued");
  }

  @Test
  void heldDeliveriesAreReleasedReversedAndAnyCanBeRedelivered() throws Exception {
    github.holdDeliveries();
    JobInfo a = github.createJob("acme", "app", LABELS);
    JobInfo b = github.createJob("acme", "app", LABELS);
    JobInfo c = github.createJob("acme", "app", LABELS);
    assertThat(receiver.within(300)).isEmpty();

    github.releaseDeliveries(DeliveryOrder.REVERSED);
    List<Receiver.Received> got = receiver.next(3);
    assertThat(got).extracting(Receiver.Received::jobId).containsExactly(c.id(), b.id(), a.id());

    WebhookDelivery again = github.redeliver(got.get(0).deliveryId());
    assertThat(again.deliveryId()).isEqualTo(got.get(0).deliveryId());
    assertThat(receiver.next(1)).extracting(Receiver.Received::jobId).containsExactly(c.id());
    assertThat(recorded(4)).hasSize(4);
  }

  @Test
  void reorderingSendsEachWindowInTheGivenOrderAndNeverHoldsForEver() throws Exception {
    github.reorderDeliveries(2, DeliveryOrder.REVERSED, Duration.ofMillis(200));
    JobInfo a = github.createJob("acme", "app", LABELS);
    JobInfo b = github.createJob("acme", "app", LABELS);
    JobInfo c = github.createJob("acme", "app", LABELS);

    assertThat(receiver.next(3)).extracting(Receiver.Received::jobId).containsExactly(b.id(), a.id(), c.id());
  }

  @Test
  void theKnobsWorkOverHttpToo() throws Exception {
    Http control = new Http(github.baseUrl(), null);
    assertThat(control.post("/_emulator/webhooks/hold", "{}").status()).isEqualTo(204);
    JsonNode job = control.post("/_emulator/jobs",
        "{\"owner\":\"acme\",\"repo\":\"app\",\"labels\":[\"macOS\"],\"duration_ms\":2500,\"conclusion\":\"failure\"}").body();
    assertThat(job.at("/plan/duration").asText()).isEqualTo("PT2.5S");
    assertThat(job.at("/plan/conclusion").asText()).isEqualTo("failure");
    assertThat(receiver.within(200)).isEmpty();
    assertThat(control.post("/_emulator/webhooks/release", "{\"order\":\"shuffled\"}").status()).isEqualTo(204);
    assertThat(receiver.next(1)).extracting(Receiver.Received::jobId).containsExactly(job.path("id").asLong());
    recorded(1);
    assertThat(control.get("/_emulator/deliveries").body().get(0).path("status").asInt()).isEqualTo(202);

    assertThat(control.post("/_emulator/runners/never-assign", "{\"count\":1}").status()).isEqualTo(204);
    String config = register("hangar-3-1");
    Http.Response claim = control.post("/_emulator/runner/claim",
        mapper.createObjectNode().put("encoded_jit_config", config).toString());
    assertThat(claim.status()).isEqualTo(204);
    assertThat(control.post("/_emulator/runner/claim", "{\"encoded_jit_config\":\"bm8=\"}").status()).isEqualTo(404);
    assertThat(control.post("/_emulator/webhooks/drop", "{\"action\":\"queued\",\"count\":2}").status()).isEqualTo(204);
    assertThat(control.post("/_emulator/webhooks/duplicate", "{\"enabled\":true}").status()).isEqualTo(204);
    assertThat(control.post("/_emulator/webhooks/reorder", "{\"window\":3,\"order\":\"reversed\"}").status()).isEqualTo(204);
    assertThat(control.post("/_emulator/webhooks/reset", "{}").status()).isEqualTo(204);
  }
}
