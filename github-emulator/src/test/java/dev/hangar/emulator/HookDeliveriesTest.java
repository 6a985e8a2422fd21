package dev.hangar.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A hook's recent deliveries, redelivery through the REST API, and the receiver deadline. */
class HookDeliveriesTest {

  private static final long HOOK = 424242;
  private HttpServer receiver;
  private final AtomicInteger answer = new AtomicInteger(503);
  private final AtomicLong answerAfterMillis = new AtomicLong(0);
  private final BlockingQueue<String> received = new LinkedBlockingQueue<>();
  private GitHubEmulator github;
  private Http api;

  @BeforeEach
  void start() throws Exception {
    receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    receiver.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
    receiver.createContext("/hook", exchange -> {
      exchange.getRequestBody().readAllBytes();
      received.add(exchange.getRequestHeaders().getFirst("X-GitHub-Delivery")
          + " " + exchange.getRequestHeaders().getFirst("X-GitHub-Hook-ID"));
      try {
        Thread.sleep(answerAfterMillis.get());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      byte[] body = "thanks".getBytes();
      exchange.sendResponseHeaders(answer.get(), body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    receiver.start();
    URI url = URI.create("http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook");
    github = GitHubEmulator.start(EmulatorConfig.defaults().withWebhook(url, "s3cret").withHookId(HOOK));
    api = new Http(github.baseUrl(), EmulatorConfig.DEFAULT_TOKEN);
  }

  @AfterEach
  void stop() {
    github.close();
    receiver.stop(0);
  }

  @Test
  void aFailedDeliveryIsListedAndRedeliveredWithTheSameGuid() throws Exception {
    JobInfo job = github.createJob("acme", "app", List.of("macOS"));
    String first = received.poll(5, TimeUnit.SECONDS);
    assertThat(first).endsWith(" " + HOOK);
    String guid = first.split(" ")[0];
    awaitDeliveries(1);

    String hooks = "/repos/acme/app/hooks/" + HOOK + "/deliveries";
    Http.Response list = api.get(hooks);
    assertThat(list.status()).isEqualTo(200);
    assertThat(list.body()).hasSize(1);
    JsonNode item = list.body().get(0);
    assertThat(item.get("guid").asText()).isEqualTo(guid);
    assertThat(item.get("status").asText()).isEqualTo("Invalid HTTP Response: 503");
    assertThat(item.get("status_code").asInt()).isEqualTo(503);
    assertThat(item.get("event").asText()).isEqualTo("workflow_job");
    assertThat(item.get("action").asText()).isEqualTo("queued");
    assertThat(item.get("redelivery").asBoolean()).isFalse();
    assertThat(item.get("repository_id").isIntegralNumber()).isTrue();
    assertThat(api.get(hooks + "?status=failure").body()).hasSize(1);
    assertThat(api.get(hooks + "?status=success").body()).isEmpty();

    long id = item.get("id").asLong();
    Http.Response one = api.get(hooks + "/" + id);
    assertThat(one.status()).isEqualTo(200);
    assertThat(one.body().at("/request/headers/X-GitHub-Delivery").asText()).isEqualTo(guid);
    assertThat(one.body().at("/request/payload/workflow_job/id").asLong()).isEqualTo(job.id());
    assertThat(one.body().at("/response/payload").asText()).isEqualTo("thanks");

    answer.set(200);
    assertThat(api.post(hooks + "/" + id + "/attempts", "").status()).isEqualTo(202);
    assertThat(received.poll(5, TimeUnit.SECONDS)).isEqualTo(first);
    awaitDeliveries(2);
    JsonNode newest = api.get(hooks).body().get(0);
    assertThat(newest.get("guid").asText()).isEqualTo(guid);
    assertThat(newest.get("id").asLong()).isNotEqualTo(id);
    assertThat(newest.get("redelivery").asBoolean()).isTrue();
    assertThat(newest.get("status").asText()).isEqualTo("OK");
    assertThat(api.get(hooks + "?status=success").body()).hasSize(1);

    // the organisation hook form sees the same deliveries
    assertThat(api.get("/orgs/acme/hooks/" + HOOK + "/deliveries").body()).hasSize(2);
    assertThat(api.get("/orgs/other/hooks/" + HOOK + "/deliveries").status()).isEqualTo(404);
  }

  @Test
  void unknownHooksAndDeliveriesAre404AndListsArePaginatedByCursor() throws Exception {
    answer.set(200);
    github.addRepository("acme", "app", true);
    for (int i = 0; i < 3; i++) {
      github.createJob("acme", "app", List.of("macOS"));
    }
    awaitDeliveries(3);
    String hooks = "/repos/acme/app/hooks/" + HOOK + "/deliveries";
    assertThat(api.get("/repos/acme/app/hooks/1/deliveries").status()).isEqualTo(404);
    assertThat(api.get(hooks + "/12345").status()).isEqualTo(404);
    assertThat(api.post(hooks + "/12345/attempts", "").status()).isEqualTo(404);

    Http.Response page1 = api.get(hooks + "?per_page=2");
    assertThat(page1.body()).hasSize(2);
    String link = page1.header("Link");
    assertThat(link).contains("rel=\"next\"").contains("cursor=v1_");
    String next = link.substring(link.indexOf(github.baseUrl()) + github.baseUrl().length(), link.indexOf('>'));
    Http.Response page2 = api.get(next);
    assertThat(page2.body()).hasSize(1);
    assertThat(page2.header("Link")).isNull();
    assertThat(page2.body().get(0).get("id").asLong()).isLessThan(page1.body().get(1).get("id").asLong());
  }

  @Test
  void aReceiverThatDoesNotAnswerInTimeIsRecordedAsTimedOut() throws Exception {
    github.webhookDeadline(Duration.ofMillis(300));
    answer.set(200);
    answerAfterMillis.set(2000);
    github.createJob("acme", "app", List.of("macOS"));
    awaitDeliveries(1);
    WebhookDelivery d = github.deliveries().get(0);
    assertThat(d.status()).isZero();
    assertThat(d.outcome()).isEqualTo("timed out");
    JsonNode item = api.get("/repos/acme/app/hooks/" + HOOK + "/deliveries").body().get(0);
    assertThat(item.get("status").asText()).isEqualTo("timed out");
    assertThat(item.get("status_code").asInt()).isZero();
    assertThat(api.get("/repos/acme/app/hooks/" + HOOK + "/deliveries?status=failure").body()).hasSize(1);

    answerAfterMillis.set(0);
    assertThat(api.post("/repos/acme/app/hooks/" + HOOK + "/deliveries/" + d.id() + "/attempts", "").status())
        .isEqualTo(202);
    awaitDeliveries(2);
    assertThat(github.deliveries().get(1).status()).isEqualTo(200);
    assertThat(github.deliveries().get(1).redelivery()).isTrue();
  }

  @Test
  void gitHubsDeadlineIsTenSeconds() {
    assertThat(WebhookSender.GITHUB_DEADLINE).isEqualTo(Duration.ofSeconds(10));
  }

  private void awaitDeliveries(int n) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (github.deliveries().size() < n && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(github.deliveries()).hasSizeGreaterThanOrEqualTo(n);
  }
}
