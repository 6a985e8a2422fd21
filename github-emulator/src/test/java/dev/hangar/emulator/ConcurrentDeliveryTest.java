package dev.hangar.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Automatic deliveries in flight at once, as GitHub sends them, bounded by the configured number. */
class ConcurrentDeliveryTest {

  private static final List<String> LABELS = List.of("self-hosted", "macOS");
  private final GatedReceiver receiver = new GatedReceiver();
  private GitHubEmulator github;

  @AfterEach
  void stop() {
    receiver.open();
    if (github != null) {
      github.close();
    }
    receiver.close();
  }

  private void start(int concurrency) {
    github = GitHubEmulator.start(
        EmulatorConfig.defaults().withWebhook(receiver.url(), "s3cret").withDeliveryConcurrency(concurrency));
  }

  @Test
  void theDefaultIsConcurrentLikeGitHub() {
    assertThat(EmulatorConfig.defaults().deliveryConcurrency()).isEqualTo(EmulatorConfig.DEFAULT_DELIVERY_CONCURRENCY);
    assertThat(EmulatorConfig.DEFAULT_DELIVERY_CONCURRENCY).isGreaterThan(1);
    assertThatThrownBy(() -> EmulatorConfig.defaults().withDeliveryConcurrency(0))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void deliveriesOverlapUpToTheConfiguredNumberAndAllAreRecorded() throws Exception {
    start(3);
    for (int i = 0; i < 7; i++) {
      github.createJob("acme", "app", LABELS);
    }

    assertThat(receiver.awaitInFlight(3)).isTrue();
    Thread.sleep(200);
    assertThat(receiver.inFlight()).isEqualTo(3);
    assertThat(github.deliveries()).isEmpty();
    assertThat(github.deliveriesSettled()).isFalse();

    receiver.open();
    awaitSettled();
    assertThat(receiver.mostInFlight()).isEqualTo(3);
    assertThat(github.deliveries()).hasSize(7).extracting(WebhookDelivery::status).containsOnly(202);
  }

  @Test
  void oneAtATimeWhenConfiguredSo() throws Exception {
    start(1);
    github.createJob("acme", "app", LABELS);
    github.createJob("acme", "app", LABELS);

    assertThat(receiver.awaitInFlight(1)).isTrue();
    Thread.sleep(200);
    assertThat(receiver.inFlight()).isEqualTo(1);
    receiver.open();
    awaitSettled();
    assertThat(receiver.mostInFlight()).isEqualTo(1);
  }

  @Test
  void eachDeliveryHasItsOwnDeadline() throws Exception {
    start(4);
    github.webhookDeadline(Duration.ofMillis(300));
    long started = System.nanoTime();
    for (int i = 0; i < 4; i++) {
      github.createJob("acme", "app", LABELS);
    }

    awaitSettled();
    // one after another, four unanswered deliveries would take 1.2 s
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofMillis(1000));
    assertThat(github.deliveries()).hasSize(4).allSatisfy(d -> assertThat(d.outcome()).isEqualTo("timed out"));
  }

  @Test
  void releasedDeliveriesStillArriveInTheOrderAskedFor() throws Exception {
    start(8);
    receiver.open();
    github.holdDeliveries();
    List<Long> created = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      created.add(github.createJob("acme", "app", LABELS).id());
    }

    github.releaseDeliveries(DeliveryOrder.REVERSED);
    awaitSettled();
    java.util.Collections.reverse(created);
    assertThat(receiver.jobIds()).containsExactlyElementsOf(created);
  }

  private void awaitSettled() throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (!github.deliveriesSettled() && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(github.deliveriesSettled()).isTrue();
  }

  /** Holds every request until opened, counting how many are held at once. */
  private static final class GatedReceiver implements AutoCloseable {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private final HttpServer server;
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final CountDownLatch gate = new CountDownLatch(1);
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger most = new AtomicInteger();
    private final List<Long> jobIds = new ArrayList<>();

    GatedReceiver() {
      server = Receiver.loopbackServer();
      server.createContext("/hook", exchange -> {
        long jobId = MAPPER.readTree(exchange.getRequestBody().readAllBytes()).at("/workflow_job/id").asLong();
        synchronized (jobIds) {
          jobIds.add(jobId);
        }
        most.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
        try {
          gate.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        inFlight.decrementAndGet();
        exchange.sendResponseHeaders(202, -1);
        exchange.close();
      });
      server.setExecutor(threads);
      server.start();
    }

    URI url() {
      return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/hook");
    }

    boolean awaitInFlight(int n) throws InterruptedException {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while (inFlight.get() < n && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      return inFlight.get() >= n;
    }

    int inFlight() {
      return inFlight.get();
    }

    int mostInFlight() {
      return most.get();
    }

    List<Long> jobIds() {
      synchronized (jobIds) {
        return List.copyOf(jobIds);
      }
    }

    void open() {
      gate.countDown();
    }

    @Override
    public void close() {
      server.stop(0);
      threads.shutdownNow();
    }
  }
}
