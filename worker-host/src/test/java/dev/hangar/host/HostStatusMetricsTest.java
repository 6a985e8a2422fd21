package dev.hangar.host;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hangar.activities.host.SimulatedVmDriver;
import dev.hangar.activities.host.hooks.HookFiles;
import dev.hangar.activities.templates.TemplateCatalog;
import dev.hangar.activities.templates.TemplateSpec;
import dev.hangar.testfixtures.PrometheusText;
import dev.hangar.workflows.template.TemplateRef;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The host's and templates' statuses, since-times, last success/failure and VM lives, driven
 * through the real simulated driver wrapped as the host activities use it, and read back from a
 * Prometheus scrape.
 */
class HostStatusMetricsTest {

  static final TemplateSpec SONOMA = new TemplateSpec("sonoma", null, null, 4, 8192, 1);
  static final TemplateSpec SEQUOIA = new TemplateSpec("sequoia", null, null, 8, 16384, 1);
  static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");

  @TempDir Path root;

  final AtomicBoolean workers = new AtomicBoolean(false);
  final AtomicBoolean draining = new AtomicBoolean(false);
  final Map<String, Boolean> polling = new LinkedHashMap<>();
  final AtomicInteger reserved = new AtomicInteger();
  Instant now = T0;
  final Clock clock = new Clock() {
    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  };

  SimulatedVmDriver simulated;
  ObservedVmDriver driver;
  HostStatusMetrics metrics;
  final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

  @BeforeEach
  void setUp() throws IOException {
    simulated = new SimulatedVmDriver(root, Duration.ZERO, Set.of("sonoma", "sequoia")::contains);
    HostVmEvents events = new HostVmEvents(clock);
    driver = new ObservedVmDriver(simulated, events);
    HostStatusMetrics.Inputs inputs = new HostStatusMetrics.Inputs(
        workers::get, draining::get, () -> new LinkedHashMap<>(polling), reserved::get);
    metrics = new HostStatusMetrics(events, inputs, new TemplateCatalog(List.of(SONOMA, SEQUOIA)), clock);
    metrics.bindTo(registry);
  }

  @AfterEach
  void tearDown() throws IOException {
    for (String vm : simulated.list()) {
      simulated.delete(vm);
    }
    metrics.destroy();
  }

  @Test
  void statusesFollowTheVmLifeWithTheTimeEachBegan() throws IOException {
    assertThat(scrape())
        .contains("hangar_host_status{status=\"stopped\"} 1.0")
        .contains("hangar_host_status{status=\"idle\"} 0.0")
        .contains("hangar_host_status_since_timestamp_seconds " + seconds(T0))
        .contains("hangar_template_status{status=\"stopped\",template=\"sonoma\"} 1.0");

    workers.set(true);
    polling.put(SONOMA.ref().sizeClass(), true);
    polling.put(SEQUOIA.ref().sizeClass(), true);
    Instant ready = advance(Duration.ofSeconds(5));
    assertStatus("idle", ready, "idle", ready);

    reserved.set(1);
    Instant claimed = advance(Duration.ofSeconds(5));
    assertStatus("running", claimed, "idle", ready); // a claim names no template on the host

    TemplateRef sonoma = SONOMA.ref();
    driver.ensureTemplate(sonoma, () -> { });
    driver.cloneAndStart("hangar-1-1", sonoma);
    Instant cloned = advance(Duration.ofSeconds(5));
    assertStatus("running", claimed, "running", cloned);

    driver.startRunner("hangar-1-1", "{\"jit\":\"x\"}");
    Instant up = advance(Duration.ofSeconds(5));
    assertStatus("in_progress", up, "in_progress", up);
    assertThat(scrape()).contains("hangar_template_status{status=\"idle\",template=\"sequoia\"} 1.0");

    polling.put(SONOMA.ref().sizeClass(), false);
    polling.put(SEQUOIA.ref().sizeClass(), false);
    Instant full = advance(Duration.ofSeconds(5));
    assertStatus("limit_paused", full, "in_progress", up);
    assertThat(scrape())
        .contains("hangar_template_status{status=\"limit_paused\",template=\"sequoia\"} 1.0")
        .contains("hangar_template_status_since_timestamp_seconds{template=\"sequoia\"} " + seconds(full));

    simulated.finishRunner("hangar-1-1", true);
    driver.delete("hangar-1-1");
    reserved.set(0);
    polling.put(SONOMA.ref().sizeClass(), true);
    polling.put(SEQUOIA.ref().sizeClass(), true);
    Instant deleted = advance(Duration.ofSeconds(5));
    assertStatus("idle", deleted, "idle", deleted);
    assertThat(scrape())
        .contains("hangar_host_vm_runs_total{outcome=\"success\",template=\"sonoma\"} 1.0")
        .contains("hangar_host_vm_runs_total{outcome=\"failed\",template=\"sonoma\"} 0.0")
        .contains("hangar_host_last_success_timestamp_seconds " + seconds(deleted.minusSeconds(5)))
        .contains("hangar_template_last_success_timestamp_seconds{template=\"sonoma\"} " + seconds(deleted.minusSeconds(5)))
        .contains("hangar_host_last_failure_timestamp_seconds NaN")
        .contains("hangar_template_last_success_timestamp_seconds{template=\"sequoia\"} NaN");

    draining.set(true);
    Instant drain = advance(Duration.ofSeconds(5));
    assertStatus("draining", drain, "draining", drain);
    workers.set(false);
    Instant stopped = advance(Duration.ofSeconds(5));
    assertStatus("stopped", stopped, "stopped", stopped);
    PrometheusText.assertValidExposition(scrape());
  }

  @Test
  void thePoolsHookFilesReachTheRealDriver() throws IOException {
    TemplateRef sonoma = SONOMA.ref();
    driver.ensureTemplate(sonoma, () -> { });
    driver.cloneAndStart("hangar-4-1", sonoma);

    driver.startRunner("hangar-4-1", "{}", new HookFiles(Map.of("trust-check.sh", "exit 0\n".getBytes(UTF_8))));

    assertThat(simulated.vmDir("hangar-4-1").resolve("runner").resolve("trust-check.sh")).hasContent("exit 0");
    driver.delete("hangar-4-1");
  }

  @Test
  void aRunnerThatCannotStartIsAFailureAndAReleasedVmIsCancelled() throws IOException {
    workers.set(true);
    TemplateRef sonoma = SONOMA.ref();
    driver.ensureTemplate(sonoma, () -> { });
    driver.cloneAndStart("hangar-2-1", sonoma);
    simulated.delete("hangar-2-1"); // the VM dies under the host
    Instant failedAt = advance(Duration.ofSeconds(3));
    assertThatThrownBy(() -> driver.startRunner("hangar-2-1", "{}")).isInstanceOf(IOException.class);
    driver.delete("hangar-2-1");

    driver.cloneAndStart("hangar-3-1", sonoma);
    driver.startRunner("hangar-3-1", "{}");
    advance(Duration.ofSeconds(3));
    driver.delete("hangar-3-1"); // released with its runner still waiting

    driver.cloneAndStart("hangar-4-1", sonoma);
    driver.startRunner("hangar-4-1", "{}");
    simulated.finishRunner("hangar-4-1", false);
    Instant crashed = advance(Duration.ofSeconds(3));
    driver.delete("hangar-4-1");

    assertThat(driver.ensureTemplate(new TemplateRef("ventura", null, sonoma.resources()), () -> { })).isFalse();

    String scrape = scrape();
    assertThat(scrape)
        .contains("hangar_host_vm_runs_total{outcome=\"failed\",template=\"sonoma\"} 2.0")
        .contains("hangar_host_vm_runs_total{outcome=\"cancelled\",template=\"sonoma\"} 1.0")
        .contains("hangar_host_vm_runs_total{outcome=\"success\",template=\"sonoma\"} 0.0")
        .contains("hangar_template_last_failure_timestamp_seconds{template=\"sonoma\"} " + seconds(crashed))
        .contains("hangar_host_last_success_timestamp_seconds NaN")
        .contains("hangar_host_last_failure_timestamp_seconds " + seconds(crashed));
    assertThat(failedAt).isBefore(crashed);
    PrometheusText.assertValidExposition(scrape);
  }

  private Instant advance(Duration d) {
    now = now.plus(d);
    metrics.refresh();
    return now;
  }

  private void assertStatus(String hostStatus, Instant hostSince, String sonomaStatus, Instant sonomaSince) {
    String scrape = scrape();
    for (HostStatus.Status s : HostStatus.Status.values()) {
      String l = s.label();
      assertThat(scrape)
          .contains("hangar_host_status{status=\"" + l + "\"} " + (l.equals(hostStatus) ? "1.0" : "0.0"))
          .contains("hangar_template_status{status=\"" + l + "\",template=\"sonoma\"} "
              + (l.equals(sonomaStatus) ? "1.0" : "0.0"));
    }
    assertThat(scrape)
        .contains("hangar_host_status_since_timestamp_seconds " + seconds(hostSince))
        .contains("hangar_template_status_since_timestamp_seconds{template=\"sonoma\"} " + seconds(sonomaSince));
  }

  private static String seconds(Instant i) {
    return String.valueOf(i.toEpochMilli() / 1000.0);
  }

  private String scrape() {
    return registry.scrape();
  }
}
