package dev.hangar.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.hangar.activities.host.CapacityLedger;
import dev.hangar.activities.host.PlacementPolling;
import dev.hangar.activities.host.SimulatedVmDriver;
import dev.hangar.activities.secrets.SecretSealer;
import dev.hangar.activities.templates.TemplateCatalog;
import dev.hangar.workflows.template.TemplateRef;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A drain against Temporal's in-process test server: once {@code POST /drain} is called, a new job
 * stays on its placement queue while the running VM keeps being served, and the host exits when
 * that VM is gone.
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "spring.temporal.test-server.enabled=true",
      "hangar.host.id=drain-host",
      "hangar.host.max-running-vms=2",
      "hangar.host.skip-cpu-and-memory-resource-checks=true",
      "hangar.host.capacity-check-interval=200ms",
      "hangar.host.drain-timeout=10s",
    })
@AutoConfigureObservability
class DrainFlowTest {

  static final String KEY = SecretSealer.newKey();
  static final AtomicInteger EXITS = new AtomicInteger();
  static Path root;

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) throws Exception {
    root = Files.createTempDirectory("hangar-drain-test");
    registry.add("hangar.host.simulated.root", root::toString);
    registry.add("hangar.secrets.key", () -> KEY);
  }

  @TestConfiguration
  static class Flows {
    @Bean
    Worker flowWorker(WorkerFactory factory) {
      Worker worker = factory.newWorker(FlowWorkflow.QUEUE);
      worker.registerWorkflowImplementationTypes(FlowWorkflow.Impl.class);
      return worker;
    }

    @Bean
    @Primary
    HostDrain.Exit countingExit() {
      return EXITS::incrementAndGet;
    }
  }

  @Autowired WorkflowClient client;
  @Autowired SimulatedVmDriver driver;
  @Autowired CapacityLedger ledger;
  @Autowired PlacementPolling polling;
  @Autowired SecretSealer sealer;
  @Autowired TemplateCatalog catalog;
  @Autowired TestRestTemplate http;

  @AfterAll
  static void deleteRoot() throws Exception {
    try (var paths = Files.walk(root)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  @AfterEach
  void deleteLeftoverVms() throws Exception {
    for (String vm : driver.list()) {
      driver.delete(vm);
    }
  }

  @Test
  void drainTakesNoNewWorkLetsTheRunningJobFinishThenExits() throws Exception {
    TemplateRef template = catalog.all().get(0).ref();
    String sizeClass = template.sizeClass();
    await().atMost(Duration.ofSeconds(10)).until(() -> Boolean.TRUE.equals(polling.polling().get(sizeClass)));
    assertThat(http.getForObject("/drain", String.class)).contains("\"state\":\"ACCEPTING\"");

    CompletableFuture<String> running = flow("hangar-job-1", "hangar-1-1", template);
    await().atMost(Duration.ofSeconds(30)).until(() -> driver.runnerPid("hangar-1-1").isPresent());
    assertThat(polling.polling()).containsEntry(sizeClass, true); // room for one more

    ResponseEntity<String> drained = http.postForEntity("/drain", null, String.class);
    assertThat(drained.getStatusCode()).isEqualTo(HttpStatus.ACCEPTED);
    assertThat(drained.getBody()).contains("\"state\":\"DRAINING\"", "hangar-1-1");
    assertThat(polling.polling()).containsEntry(sizeClass, false);
    assertThat(http.getForObject("/actuator/prometheus", String.class))
        .contains("hangar_host_draining{host=\"drain-host\"} 1.0");
    assertThat(http.getForObject("/actuator/health", String.class))
        .contains("\"status\":\"UP\"", "\"state\":\"DRAINING\"");

    // A new job is not claimed: its placement task stays on the queue.
    CompletableFuture<String> waiting = flow("hangar-job-2", "hangar-2-1", template);
    Thread.sleep(3000);
    assertThat(waiting).isNotDone();
    assertThat(ledger.find("hangar-2-1")).isEmpty();
    assertThat(driver.list()).containsExactly("hangar-1-1");

    // The running job is still served (checkVm, then deleteVm) and finishes.
    driver.finishRunner("hangar-1-1", true);
    assertThat(running.get(30, TimeUnit.SECONDS)).isEqualTo("drain-host:RUNNER_FINISHED");
    assertThat(driver.list()).isEmpty();
    await().atMost(Duration.ofSeconds(5))
        .until(() -> http.getForObject("/drain", String.class).contains("\"state\":\"DRAINED\""));
    assertThat(EXITS).hasValue(0); // POST /drain without exit=true stays up

    http.postForEntity("/drain?exit=true", null, String.class);
    await().atMost(Duration.ofSeconds(5)).until(() -> EXITS.get() == 1);
    assertThat(waiting).isNotDone();
    assertThat(ledger.reservedCount()).isZero();
    client.newUntypedWorkflowStub("hangar-job-2").terminate("test over");
  }

  private CompletableFuture<String> flow(String workflowId, String vmName, TemplateRef template) {
    FlowWorkflow flow = client.newWorkflowStub(FlowWorkflow.class,
        WorkflowOptions.newBuilder().setTaskQueue(FlowWorkflow.QUEUE).setWorkflowId(workflowId).build());
    return WorkflowClient.execute(flow::run, vmName, template, sealer.seal("{\"jit\":\"" + vmName + "\"}"));
  }
}
