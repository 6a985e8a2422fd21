package dev.hangar.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.hangar.activities.host.CapacityLedger;
import dev.hangar.activities.host.HostResourceProbe;
import dev.hangar.activities.host.PlacementPolling;
import dev.hangar.activities.host.SimulatedVmDriver;
import dev.hangar.activities.secrets.SecretSealer;
import dev.hangar.activities.templates.TemplateCatalog;
import dev.hangar.workflows.Failures;
import dev.hangar.workflows.TaskQueues;
import dev.hangar.workflows.host.Claim;
import dev.hangar.workflows.host.ClaimRequest;
import dev.hangar.workflows.host.PlacementActivities;
import dev.hangar.workflows.template.Resources;
import dev.hangar.workflows.template.TemplateRef;
import io.temporal.activity.ActivityOptions;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.common.interceptors.ActivityInboundCallsInterceptor;
import io.temporal.common.interceptors.ActivityInboundCallsInterceptorBase;
import io.temporal.common.interceptors.WorkerInterceptorBase;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.WorkerFactory;
import io.temporal.worker.WorkerFactoryOptions;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A burst of queued claims against one host wired as the worker-host wires itself ({@link
 * HostWorkers}), through its real placement workers on Temporal's test server, each claim made
 * slow on purpose: the host runs as many claims at once as it has room for VMs, never takes a task
 * it has no room for, and its ledger never holds more than the host has.
 */
class ConcurrentClaimsTest {

  /** How long each claim takes here, on top of its own work. */
  static final Duration CLAIM_TIME = Duration.ofMillis(800);
  static final int CORES = 24;
  static final long MEMORY_MB = 65536;
  static final int MAX_VMS = 8;

  @TempDir Path root;
  TestWorkflowEnvironment env;
  WorkflowClient client;
  TemplateCatalog catalog;
  CapacityLedger ledger;
  PlacementPolling polling;
  WorkerFactory factory;
  final AtomicInteger running = new AtomicInteger();
  final AtomicInteger peak = new AtomicInteger();
  final List<String> refused = new CopyOnWriteArrayList<>();
  /** Each granted claim's start and end, in {@link System#nanoTime}. */
  final List<long[]> granted = new CopyOnWriteArrayList<>();
  final List<String> violations = new CopyOnWriteArrayList<>();

  @BeforeEach
  void setUp() throws Exception {
    env = TestWorkflowEnvironment.newInstance(TestEnvironmentOptions.newBuilder().setUseTimeskipping(false).build());
    env.newWorker(ClaimWorkflow.QUEUE).registerWorkflowImplementationTypes(ClaimWorkflow.Impl.class);
    client = env.getWorkflowClient();
    HangarProperties properties = MixedSizePlacementTest.properties("mac-1");
    catalog = properties.catalog();
    // room for 6 four-core VMs (the cores), or 2 twelve-core ones
    ledger = new CapacityLedger(
        new CapacityLedger.Limits(MAX_VMS, CORES, MEMORY_MB, false, Duration.ofMinutes(10)), Clock.systemUTC());
    factory = WorkerFactory.newInstance(client,
        WorkerFactoryOptions.newBuilder().setWorkerInterceptors(new SlowClaims()).build());
    polling = new HostWorkers().placementPolling(factory, properties, catalog, ledger,
        new SimulatedVmDriver(root, Duration.ZERO, Set.of("macos-small", "macos-big")::contains),
        SecretSealer.fromBase64(MixedSizePlacementTest.KEY), new HostResourceProbe(root),
        new HostVmEvents(Clock.systemUTC()));
    env.start();
    factory.start();
    polling.capacityChanged();
  }

  @AfterEach
  void tearDown() {
    factory.shutdownNow();
    env.close();
  }

  @Test
  void aHostWithRoomForSixClaimsSixAtOnceAndTakesNoTaskBeyondItsRoom() {
    List<CompletableFuture<Claim>> claims = new ArrayList<>();
    for (int i = 1; i <= 10; i++) {
      claims.add(claim("hangar-" + i + "-1", MixedSizePlacementTest.SMALL));
    }

    await().atMost(Duration.ofSeconds(30)).until(() -> done(claims) == 6);
    // one at a time, six claims take six claim times from the first one's start to the last one's
    // end; at once, about one
    long firstStart = granted.stream().mapToLong(c -> c[0]).min().orElseThrow();
    long lastEnd = granted.stream().mapToLong(c -> c[1]).max().orElseThrow();
    assertThat(granted).hasSize(6);
    assertThat(Duration.ofNanos(lastEnd - firstStart)).isLessThan(CLAIM_TIME.multipliedBy(3));
    assertThat(peak.get()).isBetween(3, 6);
    assertThat(ledger.reservedCount()).isEqualTo(6);
    assertThat(ledger.roomFor(small())).isZero();
    assertThat(polling.polling()).containsEntry(small().sizeClass(), false);

    // the four left wait on the queue: a full host does not even take them to hand them back
    sleep(CLAIM_TIME.multipliedBy(2));
    assertThat(done(claims)).isEqualTo(6);
    assertThat(refused).isEmpty();

    // two VMs end: exactly two more claims
    List<CapacityLedger.Reservation> held = ledger.reservations();
    ledger.release(held.get(0).vmName());
    ledger.release(held.get(1).vmName());
    polling.capacityChanged();
    await().atMost(Duration.ofSeconds(30)).until(() -> done(claims) == 8);
    sleep(CLAIM_TIME.multipliedBy(2));
    assertThat(done(claims)).isEqualTo(8);
    assertThat(ledger.reservedCount()).isEqualTo(6);
    assertThat(refused).isEmpty();
    assertThat(violations).isEmpty();
  }

  @Test
  void bigAndSmallClaimsAtOnceNeverHoldMoreThanTheHostHas() {
    List<CompletableFuture<Claim>> claims = new ArrayList<>();
    for (int i = 1; i <= 3; i++) {
      claims.add(claim("hangar-" + i + "-1", MixedSizePlacementTest.BIG));
    }
    for (int i = 11; i <= 18; i++) {
      claims.add(claim("hangar-" + i + "-1", MixedSizePlacementTest.SMALL));
    }

    // whichever claims win, the host ends up full (24 cores) and never holds more
    await().atMost(Duration.ofSeconds(30)).until(() -> coresHeld() == CORES);
    sleep(CLAIM_TIME.multipliedBy(2));
    assertThat(coresHeld()).isEqualTo(CORES);
    assertThat(done(claims)).isEqualTo(ledger.reservedCount());
    assertThat(violations).isEmpty();
    // a claim that lost its room to the other size class went back on its queue
    assertThat(refused).allSatisfy(r -> assertThat(r).contains(Failures.NO_CAPACITY));
  }

  CompletableFuture<Claim> claim(String vmName, Map<String, Object> template) {
    TemplateRef ref = catalog.all().stream()
        .filter(t -> t.id().equals(template.get("id"))).findFirst().orElseThrow().ref();
    ClaimWorkflow flow = client.newWorkflowStub(ClaimWorkflow.class, WorkflowOptions.newBuilder()
        .setTaskQueue(ClaimWorkflow.QUEUE).setWorkflowId("claim-" + vmName).build());
    return WorkflowClient.execute(flow::claim, new ClaimRequest("claim-" + vmName, vmName, ref));
  }

  Resources small() {
    return catalog.all().stream().filter(t -> t.id().equals("macos-small")).findFirst().orElseThrow().ref().resources();
  }

  long coresHeld() {
    return ledger.reservations().stream().mapToLong(r -> r.resources().cpuCores()).sum();
  }

  static long done(List<CompletableFuture<Claim>> claims) {
    return claims.stream().filter(f -> f.isDone() && !f.isCompletedExceptionally()).count();
  }

  static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Makes every claim take {@link #CLAIM_TIME}, counts claims running at once, checks the ledger after each. */
  final class SlowClaims extends WorkerInterceptorBase {
    @Override
    public ActivityInboundCallsInterceptor interceptActivity(ActivityInboundCallsInterceptor next) {
      return new ActivityInboundCallsInterceptorBase(next) {
        @Override
        public ActivityOutput execute(ActivityInput input) {
          peak.accumulateAndGet(running.incrementAndGet(), Math::max);
          long start = System.nanoTime();
          try {
            sleep(CLAIM_TIME);
            ActivityOutput output = super.execute(input);
            granted.add(new long[] {start, System.nanoTime()});
            return output;
          } catch (ApplicationFailure e) {
            refused.add(e.getType() + ": " + e.getOriginalMessage());
            throw e;
          } finally {
            running.decrementAndGet();
            List<CapacityLedger.Reservation> held = ledger.reservations();
            long cores = held.stream().mapToLong(r -> r.resources().cpuCores()).sum();
            long memory = held.stream().mapToLong(r -> r.resources().memoryMb()).sum();
            if (held.size() > MAX_VMS || cores > CORES || memory > MEMORY_MB) {
              violations.add(held.size() + " VMs, " + cores + " cores, " + memory + " MiB");
            }
          }
        }
      };
    }
  }

  /** Claims a host for one VM and answers with the claim. */
  @WorkflowInterface
  public interface ClaimWorkflow {

    String QUEUE = "it-claims";

    @WorkflowMethod
    Claim claim(ClaimRequest request);

    /** The implementation. */
    class Impl implements ClaimWorkflow {
      @Override
      public Claim claim(ClaimRequest request) {
        return Workflow.newActivityStub(PlacementActivities.class, ActivityOptions.newBuilder()
                .setTaskQueue(TaskQueues.placement(request.template().sizeClass()))
                .setStartToCloseTimeout(Duration.ofSeconds(10))
                .build())
            .claimHost(request);
      }
    }
  }
}
