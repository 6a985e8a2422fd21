package dev.hangar.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class GitHubEmulatorTest {

  private static final String JIT_BODY =
      "{\"name\":\"hangar-7-1\",\"runner_group_id\":1,\"labels\":[\"self-hosted\",\"macOS\"]}";
  private final ObjectMapper mapper = new ObjectMapper();
  private GitHubEmulator github;
  private HttpServer receiver;

  @AfterEach
  void stop() {
    if (github != null) {
      github.close();
    }
    if (receiver != null) {
      receiver.stop(0);
    }
  }

  private Http start(EmulatorConfig config) {
    github = GitHubEmulator.start(config);
    github.addRepository("acme", "app", true);
    return new Http(github.baseUrl(), EmulatorConfig.DEFAULT_TOKEN);
  }

  @Test
  void refusesMissingOrWrongCredentialsAndHidesInvisibleRepositories() {
    Http http = start(EmulatorConfig.defaults().withToken("public-only", TokenGrant.publicRepositories()));
    github.addRepository("acme", "open", false);

    Http.Response missing = http.withToken(null).get("/repos/acme/app");
    assertThat(missing.status()).isEqualTo(401);
    Http.Response wrong = http.withToken("nope").get("/repos/acme/app");
    assertThat(wrong.status()).isEqualTo(401);
    assertThat(wrong.body().path("message").asText()).isEqualTo("Bad credentials");
    assertThat(wrong.body().has("documentation_url")).isTrue();

    assertThat(http.withToken("public-only").get("/repos/acme/app").status()).isEqualTo(404);
    assertThat(http.withToken("public-only").get("/repos/acme/app").body().path("message").asText())
        .isEqualTo("Not Found");
    assertThat(http.withToken("public-only").get("/repos/acme/open").status()).isEqualTo(200);
    Http.Response repo = http.get("/repos/acme/app");
    assertThat(repo.status()).isEqualTo(200);
    assertThat(repo.body().path("full_name").asText()).isEqualTo("acme/app");
    assertThat(repo.body().at("/owner/login").asText()).isEqualTo("acme");
    assertThat(http.send("GET", "/repos/acme/app", null).header("x-ratelimit-resource")).isEqualTo("core");
  }

  @Test
  void countsTheRateLimitAndRefusesWhenSpent() {
    Http http = start(EmulatorConfig.defaults().withRateLimit(3, Duration.ofHours(1)));
    Http.Response first = http.get("/repos/acme/app");
    assertThat(first.header("x-ratelimit-limit")).isEqualTo("3");
    assertThat(first.header("x-ratelimit-remaining")).isEqualTo("2");
    assertThat(first.header("x-ratelimit-used")).isEqualTo("1");
    http.get("/repos/acme/app");
    http.get("/repos/acme/app");
    Http.Response spent = http.get("/repos/acme/app");
    assertThat(spent.status()).isEqualTo(403);
    assertThat(spent.header("x-ratelimit-remaining")).isEqualTo("0");
    assertThat(spent.body().path("message").asText()).startsWith("API rate limit exceeded for ");
    assertThat(http.get("/rate_limit").body().at("/resources/core/remaining").asInt()).isZero();

    Instant reset = Instant.now().plusSeconds(120);
    github.exhaustRateLimit(reset);
    assertThat(http.get("/repos/acme/app").header("x-ratelimit-reset"))
        .isEqualTo(String.valueOf(reset.getEpochSecond()));
  }

  @Test
  void injectsFaultsInOrderPerEndpoint() {
    Http http = start(EmulatorConfig.defaults());
    github.inject(Endpoints.GENERATE_JITCONFIG, Fault.statusAfterEffect(502), Fault.status(503));
    github.inject(Endpoints.GET_REPOSITORY, Fault.secondaryRateLimit(429, Duration.ofSeconds(30)));
    String path = "/repos/acme/app/actions/runners/generate-jitconfig";

    assertThat(http.post(path, JIT_BODY).status()).isEqualTo(502);
    assertThat(github.runner("acme", "app", "hangar-7-1")).isPresent();
    assertThat(http.post(path, JIT_BODY).status()).isEqualTo(503);
    Http.Response again = http.post(path, JIT_BODY);
    assertThat(again.status()).isEqualTo(409);
    assertThat(again.body().path("message").asText()).contains("already exists");
    assertThat(github.runners()).hasSize(1);

    Http.Response limited = http.get("/repos/acme/app");
    assertThat(limited.status()).isEqualTo(429);
    assertThat(limited.header("retry-after")).isEqualTo("30");
    assertThat(http.get("/repos/acme/app").status()).isEqualTo(200);

    github.inject(Endpoints.GET_REPOSITORY, Fault.delay(Duration.ofMillis(300)));
    long t0 = System.nanoTime();
    assertThat(http.get("/repos/acme/app").status()).isEqualTo(200);
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).isGreaterThanOrEqualTo(300);

    assertThat(github.calls().count(Endpoints.GENERATE_JITCONFIG)).isEqualTo(3);
    assertThat(github.calls().count(Endpoints.GET_REPOSITORY)).isEqualTo(3);
    assertThat(github.calls().total()).isEqualTo(6);
  }

  @Test
  void runnersAreListedByNameWithPagesAndCannotBeDeletedWhileBusy() {
    Http http = start(EmulatorConfig.defaults());
    for (int i = 1; i <= 3; i++) {
      http.post("/repos/acme/app/actions/runners/generate-jitconfig",
          "{\"name\":\"r" + i + "\",\"runner_group_id\":1,\"labels\":[\"macOS\"]}");
    }
    Http.Response page = http.get("/repos/acme/app/actions/runners?per_page=2");
    assertThat(page.body().path("total_count").asInt()).isEqualTo(3);
    assertThat(page.body().path("runners")).hasSize(2);
    assertThat(page.header("Link")).contains("rel=\"next\"").contains("page=2");
    JsonNode byName = http.get("/repos/acme/app/actions/runners?name=r2").body();
    assertThat(byName.path("total_count").asInt()).isEqualTo(1);
    long r2 = byName.at("/runners/0/id").asLong();

    JobInfo job = github.createJob("acme", "app", List.of("macOS"));
    github.startJob(job.id(), "r2");
    Http.Response busy = http.delete("/repos/acme/app/actions/runners/" + r2);
    assertThat(busy.status()).isEqualTo(422);
    assertThat(busy.body().path("message").asText()).contains("is still running a job");

    github.completeJob(job.id(), "success");
    assertThat(http.delete("/repos/acme/app/actions/runners/" + r2).status()).isEqualTo(404);
    assertThat(github.run(job.runId()).orElseThrow().status()).isEqualTo("completed");
    assertThat(http.post("/repos/acme/app/actions/runs/" + job.runId() + "/cancel", "").status()).isEqualTo(409);
  }

  @Test
  void deliversSignedWebhooksAndHandsAnyFittingJobToAClaimingRunner() throws Exception {
    BlockingQueue<Map<String, String>> received = new LinkedBlockingQueue<>();
    receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    receiver.createContext("/hook", exchange -> {
      String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      received.add(Map.of(
          "event", exchange.getRequestHeaders().getFirst("X-GitHub-Event"),
          "delivery", exchange.getRequestHeaders().getFirst("X-GitHub-Delivery"),
          "signature", exchange.getRequestHeaders().getFirst("X-Hub-Signature-256"),
          "agent", exchange.getRequestHeaders().getFirst("User-Agent"),
          "body", body));
      exchange.sendResponseHeaders(204, -1);
      exchange.close();
    });
    receiver.start();
    URI hook = URI.create("http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook");
    Http http = start(EmulatorConfig.defaults().withWebhook(hook, "s3cret"));

    JobInfo a = github.createJob("acme", "app", List.of("self-hosted", "macOS"));
    Map<String, String> queued = received.poll(5, TimeUnit.SECONDS);
    assertThat(queued).isNotNull();
    assertThat(queued.get("event")).isEqualTo("workflow_job");
    assertThat(queued.get("agent")).startsWith("GitHub-Hookshot/");
    assertThat(UUIDs.isUuid(queued.get("delivery"))).isTrue();
    assertThat(queued.get("signature"))
        .isEqualTo(WebhookSender.sign("s3cret", queued.get("body").getBytes(StandardCharsets.UTF_8)));
    JsonNode payload = mapper.readTree(queued.get("body"));
    assertThat(payload.path("action").asText()).isEqualTo("queued");
    assertThat(payload.at("/workflow_job/id").asLong()).isEqualTo(a.id());
    assertThat(payload.at("/repository/full_name").asText()).isEqualTo("acme/app");

    String config = http.post("/repos/acme/app/actions/runners/generate-jitconfig", JIT_BODY)
        .body().path("encoded_jit_config").asText();
    Http control = new Http(github.baseUrl(), null);
    Http.Response claimed = control.post("/_emulator/runner/claim",
        mapper.createObjectNode().put("encoded_jit_config", config).toString());
    assertThat(claimed.status()).isEqualTo(201);
    assertThat(claimed.body().path("id").asLong()).isEqualTo(a.id());
    JsonNode started = mapper.readTree(received.poll(5, TimeUnit.SECONDS).get("body"));
    assertThat(started.path("action").asText()).isEqualTo("in_progress");
    assertThat(started.at("/workflow_job/runner_name").asText()).isEqualTo("hangar-7-1");

    control.post("/_emulator/runner/finish",
        mapper.createObjectNode().put("encoded_jit_config", config).put("conclusion", "success").toString());
    JsonNode done = mapper.readTree(received.poll(5, TimeUnit.SECONDS).get("body"));
    assertThat(done.path("action").asText()).isEqualTo("completed");
    assertThat(done.at("/workflow_job/conclusion").asText()).isEqualTo("success");
    assertThat(github.runners()).isEmpty();
    assertThat(control.get("/_emulator/calls").body().path("total").asInt()).isEqualTo(1);
  }

  /** UUID check without a regex in the assertion. */
  private static final class UUIDs {
    static boolean isUuid(String s) {
      try {
        return java.util.UUID.fromString(s).toString().equals(s);
      } catch (IllegalArgumentException e) {
        return false;
      }
    }
  }
}
