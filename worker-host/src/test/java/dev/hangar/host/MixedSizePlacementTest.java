package dev.hangar.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.hangar.activities.host.CapacityLedger;
import dev.hangar.activities.host.HostResourceProbe;
import dev.hangar.activities.host.PlacementPolling;
import dev.hangar.activities.host.SimulatedVmDriver;
import dev.hangar.activities.secrets.SecretSealer;
import dev.hangar.activities.templates.TemplateCatalog;
import dev.hangar.workflows.github.SealedSecret;
import dev.hangar.workflows.template.TemplateRef;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.WorkerFactory;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/**
 * Placement across hosts of mixed sizes, each wired as the worker-host wires itself ({@link
 * HostWorkers}: one placement worker per size class that fits, polled only while there is room),
 * against Temporal's test server: a 12-core job waiting for the one big host does not keep 4-core
 * jobs from running on the small hosts and in the big host's spare room, and no host ever holds
 * more VMs, cores or memory than it has.
 */
class MixedSizePlacementTest {

  static final String KEY = SecretSealer.newKey();
  static final Map<String, Object> SMALL = Map.of("id", "macos-small", "cpu-cores", 4, "memory-mb", 8192);
  static final Map<String, Object> BIG = Map.of("id", "macos-big", "cpu-cores", 12, "memory-mb", 24576);

  /** A Mac: its id, cores and memory. */
  record Mac(String id, int cores, long memoryMb) {}

  /** A host as the test drives it. */
  record Host(Mac mac, CapacityLedger ledger, SimulatedVmDriver driver, PlacementPolling polling, WorkerFactory factory) {}

  static final List<Mac> MACS = List.of(new Mac("big-1", 16, 65536), new Mac("small-1", 8, 16384), new Mac("small-2", 8, 16384));

  @TempDir Path root;
  TestWorkflowEnvironment env;
  WorkflowClient client;
  TemplateCatalog catalog;
  SealedSecret jit;
  final Map<String, Host> hosts = new HashMap<>();
  final List<String> violations = new CopyOnWriteArrayList<>();
  final Map<String, String> placedOn = new ConcurrentHashMap<>();
  volatile boolean sampling = true;
  Thread sampler;

  @BeforeEach
  void setUp() throws Exception {
    env = TestWorkflowEnvironment.newInstance(TestEnvironmentOptions.newBuilder().setUseTimeskipping(false).build());
    env.newWorker(FlowWorkflow.QUEUE).registerWorkflowImplementationTypes(FlowWorkflow.Impl.class);
    client = env.getWorkflowClient();
    for (Mac mac : MACS) {
      HangarProperties properties = properties(mac.id());
      catalog = properties.catalog();
      CapacityLedger ledger = new CapacityLedger(
          new CapacityLedger.Limits(2, mac.cores(), mac.memoryMb(), false, Duration.ofMinutes(10)), Clock.systemUTC());
      SimulatedVmDriver driver = new SimulatedVmDriver(root.resolve(mac.id()), Duration.ZERO,
          Set.of("macos-small", "macos-big")::contains);
      WorkerFactory factory = WorkerFactory.newInstance(client);
      PlacementPolling polling = new HostWorkers().placementPolling(factory, properties, catalog, ledger, driver,
          SecretSealer.fromBase64(KEY), new HostResourceProbe(root), new HostVmEvents(Clock.systemUTC()));
      hosts.put(mac.id(), new Host(mac, ledger, driver, polling, factory));
    }
    env.start();
    hosts.values().forEach(h -> {
      h.factory().start();
      h.polling().capacityChanged();
    });
    jit = SecretSealer.fromBase64(KEY).seal("{\"jit\":\"placement\"}");
    sampler = new Thread(this::sample, "capacity-sampler");
    sampler.start();
  }

  static HangarProperties properties(String hostId) {
    Map<String, Object> keys = new HashMap<>(Map.of(
        "hangar.host.id", hostId, "hangar.secrets.key", KEY));
    List<Map<String, Object>> templates = List.of(SMALL, BIG);
    for (int i = 0; i < templates.size(); i++) {
      for (Map.Entry<String, Object> e : templates.get(i).entrySet()) {
        keys.put("hangar.templates[" + i + "]." + e.getKey(), e.getValue().toString());
      }
    }
    return new Binder(new MapConfigurationPropertySource(keys)).bind("hangar", HangarProperties.class).get();
  }

  /** Checks every host's reservations against its size, about every 5 ms, and notes where each VM went. */
  void sample() {
    while (sampling) {
      for (Host h : hosts.values()) {
        List<CapacityLedger.Reservation> held = h.ledger().reservations();
        long cores = held.stream().mapToLong(r -> r.resources().cpuCores()).sum();
        long memory = held.stream().mapToLong(r -> r.resources().memoryMb()).sum();
        if (held.size() > 2 || cores > h.mac().cores() || memory > h.mac().memoryMb()) {
          violations.add(h.mac().id() + " holds " + held.size() + " VMs, " + cores + " cores, " + memory + " MiB");
        }
        held.forEach(r -> placedOn.put(r.vmName(), h.mac().id()));
      }
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  @AfterEach
  void tearDown() throws Exception {
    sampling = false;
    sampler.join();
    hosts.values().forEach(h -> h.factory().shutdownNow());
    env.close();
    for (Host h : hosts.values()) {
      for (String vm : h.driver().list()) {
        h.driver().delete(vm);
      }
    }
  }

  CompletableFuture<String> job(String vmName, Map<String, Object> template) {
    TemplateRef ref = catalog.all().stream().filter(t -> t.id().equals(template.get("id"))).findFirst().orElseThrow().ref();
    FlowWorkflow flow = client.newWorkflowStub(FlowWorkflow.class, WorkflowOptions.newBuilder()
        .setTaskQueue(FlowWorkflow.QUEUE).setWorkflowId("job-" + vmName).build());
    return WorkflowClient.execute(flow::run, vmName, ref, jit);
  }

  /** The host whose runner for the VM is up. */
  String runningOn(String vm) throws Exception {
    for (Host h : hosts.values()) {
      if (h.driver().runnerPid(vm).isPresent()) {
        return h.mac().id();
      }
    }
    return null;
  }

  void finish(String vm) throws Exception {
    hosts.get(placedOn.get(vm)).driver().finishRunner(vm, true);
  }

  @Test
  void aBigJobWaitingDoesNotHoldBackSmallJobsAndNoHostIsOverCapacity() throws Exception {
    String big = "c12-m24576";
    String small = "c4-m8192";
    // the small hosts never poll the 12-core queue: they can never fit it
    assertThat(hosts.get("small-1").polling().polling()).containsOnlyKeys(small);
    assertThat(hosts.get("big-1").polling().polling()).containsOnlyKeys(small, big);

    CompletableFuture<String> bigA = job("hangar-1-1", BIG);
    await().atMost(Duration.ofSeconds(60)).until(() -> runningOn("hangar-1-1") != null);
    assertThat(runningOn("hangar-1-1")).isEqualTo("big-1");
    await().atMost(Duration.ofSeconds(10)).until(() -> Boolean.FALSE.equals(hosts.get("big-1").polling().polling().get(big)));

    CompletableFuture<String> bigB = job("hangar-2-1", BIG); // waits: only big-1 fits it, and it is busy
    List<String> smallVms = List.of("hangar-11-1", "hangar-12-1", "hangar-13-1", "hangar-14-1", "hangar-15-1");
    List<CompletableFuture<String>> smallJobs = new ArrayList<>();
    for (String vm : smallVms) {
      smallJobs.add(job(vm, SMALL));
    }

    // all five small jobs run at once: two on each small host and one in big-1's spare 4 cores
    await().atMost(Duration.ofSeconds(90)).until(() -> {
      for (String vm : smallVms) {
        if (runningOn(vm) == null) {
          return false;
        }
      }
      return true;
    });
    Map<String, Long> perHost = new HashMap<>();
    for (String vm : smallVms) {
      perHost.merge(runningOn(vm), 1L, Long::sum);
    }
    assertThat(perHost).containsEntry("small-1", 2L).containsEntry("small-2", 2L).containsEntry("big-1", 1L);
    assertThat(placedOn).doesNotContainKey("hangar-2-1");
    assertThat(bigB).isNotDone();

    for (String vm : smallVms) {
      finish(vm);
    }
    for (CompletableFuture<String> f : smallJobs) {
      assertThat(f.get(60, TimeUnit.SECONDS)).endsWith(":RUNNER_FINISHED");
    }
    assertThat(placedOn).doesNotContainKey("hangar-2-1"); // big-1 still runs A: 12 + 12 > 16 cores
    assertThat(bigB).isNotDone();

    finish("hangar-1-1");
    assertThat(bigA.get(60, TimeUnit.SECONDS)).isEqualTo("big-1:RUNNER_FINISHED");
    await().atMost(Duration.ofSeconds(60)).until(() -> runningOn("hangar-2-1") != null);
    assertThat(runningOn("hangar-2-1")).isEqualTo("big-1");
    finish("hangar-2-1");
    assertThat(bigB.get(60, TimeUnit.SECONDS)).isEqualTo("big-1:RUNNER_FINISHED");

    assertThat(violations).isEmpty();
  }
}
