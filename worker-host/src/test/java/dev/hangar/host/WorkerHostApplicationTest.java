package dev.hangar.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.hangar.activities.host.CapacityLedger;
import dev.hangar.activities.host.PlacementPolling;
import dev.hangar.activities.host.SimulatedVmDriver;
import dev.hangar.activities.secrets.SecretSealer;
import dev.hangar.activities.templates.TemplateCatalog;
import dev.hangar.testfixtures.PrometheusText;
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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.context.annotation.Bean;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The whole host against Temporal's in-process test server: one VM life, metrics, health. */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "spring.temporal.test-server.enabled=true",
      "hangar.host.id=test-host",
      "hangar.host.max-running-vms=1",
      "hangar.host.skip-cpu-and-memory-resource-checks=true",
      "hangar.host.capacity-check-interval=200ms",
      "hangar.host.simulated.pull-delay=300ms",
      "hangar.host.drain-timeout=10s",
    })
@AutoConfigureObservability
class WorkerHostApplicationTest {

  static final String KEY = SecretSealer.newKey();
  static Path root;

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) throws Exception {
    root = Files.createTempDirectory("hangar-host-test");
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
      driver.delete(vm); // a failed test must not leave VM processes behind
    }
  }

  @Test
  void runsOneVmLifeThroughTemporalAndStopsPollingWhileFull() throws Exception {
    TemplateRef template = catalog.all().get(0).ref();
    String sizeClass = template.sizeClass();
    await().atMost(Duration.ofSeconds(10)).until(() -> Boolean.TRUE.equals(polling.polling().get(sizeClass)));

    FlowWorkflow flow = client.newWorkflowStub(FlowWorkflow.class,
        WorkflowOptions.newBuilder().setTaskQueue(FlowWorkflow.QUEUE).setWorkflowId("hangar-job-1").build());
    String jit = "{\"jit\":\"secret-config\"}";
    CompletableFuture<String> result = WorkflowClient.execute(flow::run, "hangar-1-1", template, sealer.seal(jit));

    await().atMost(Duration.ofSeconds(30)).until(() -> driver.runnerPid("hangar-1-1").isPresent());
    assertThat(driver.runnerDir("hangar-1-1").resolve(".jitconfig")).hasContent(jit);
    assertThat(ledger.reservedCount()).isEqualTo(1);
    assertThat(polling.polling()).containsEntry(sizeClass, false); // full: max-running-vms=1
    assertThat(OrphanSweeping.ownerOf(client, "hangar-job-1")).isEqualTo(OrphanSweeper.Owner.RUNNING);
    assertThat(OrphanSweeping.ownerOf(client, "hangar-job-999")).isEqualTo(OrphanSweeper.Owner.CLOSED_OR_UNKNOWN);

    String metrics = http.getForObject("/actuator/prometheus", String.class);
    assertThat(metrics).contains("hangar_host_running_vms{host=\"test-host\"} 1.0");
    assertThat(metrics).contains("hangar_host_reserved_slots{host=\"test-host\"} 1.0");
    PrometheusText.assertValidExposition(metrics);
    assertThat(metrics)
        .containsPattern("hangar_host_memory_total_bytes\\{host=\"test-host\"} [1-9]")
        .containsPattern("hangar_host_memory_used_percent\\{host=\"test-host\"} [0-9]")
        .containsPattern("hangar_host_disk_available_bytes\\{host=\"test-host\"} [0-9]")
        .containsPattern("hangar_host_disk_used_percent\\{host=\"test-host\"} [0-9]");
    // Full (max-running-vms=1): the host is paused at its limit, its one template has a runner up.
    await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(http.getForObject("/actuator/prometheus", String.class))
        .contains("hangar_host_status{host=\"test-host\",status=\"limit_paused\"} 1.0")
        .contains("hangar_template_status{host=\"test-host\",status=\"in_progress\",template=\"" + template.id() + "\"} 1.0"));

    driver.finishRunner("hangar-1-1", true);
    assertThat(result.get(30, TimeUnit.SECONDS)).isEqualTo("test-host:RUNNER_FINISHED");
    assertThat(driver.list()).isEmpty();
    assertThat(ledger.reservedCount()).isZero();
    assertThat(polling.polling()).containsEntry(sizeClass, true);
    await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(http.getForObject("/actuator/prometheus", String.class))
        .contains("hangar_host_status{host=\"test-host\",status=\"idle\"} 1.0")
        .contains("hangar_host_vm_runs_total{host=\"test-host\",outcome=\"success\",template=\"" + template.id() + "\"} 1.0"));
  }

  @Test
  void exposesHealth() {
    assertThat(http.getForObject("/actuator/health", String.class)).contains("\"status\":\"UP\"");
  }
}
