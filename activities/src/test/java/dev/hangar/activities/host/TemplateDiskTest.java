package dev.hangar.activities.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hangar.activities.host.hooks.HookFiles;
import dev.hangar.activities.secrets.SecretSealer;
import dev.hangar.testfixtures.MutableClock;
import dev.hangar.workflows.Failures;
import dev.hangar.workflows.host.HostActivities;
import dev.hangar.workflows.template.Resources;
import dev.hangar.workflows.template.TemplateRef;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestActivityEnvironment;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Template pulls: one at a time, a free-disk buffer, LRU eviction of templates not in use. */
class TemplateDiskTest {

  static final long GIB = 1024L * 1024 * 1024;
  static final long DISK_GB = 100; // buffer: 10 GiB

  @TempDir Path root;
  SimulatedVmDriver simulated;
  CountingDriver driver;
  TestActivityEnvironment env;
  HostActivities host;

  static TemplateRef template(String id, long diskGb) {
    return new TemplateRef(id, null, new Resources(2, 4096, diskGb));
  }

  @BeforeEach
  void setUp() throws Exception {
    simulated = new SimulatedVmDriver(root, Duration.ofMillis(200), Set.of("a", "b", "c", "d", "huge")::contains);
    driver = new CountingDriver(simulated);
    CapacityLedger ledger = new CapacityLedger(
        new CapacityLedger.Limits(4, 16, 65536, false, Duration.ofMinutes(10)), new MutableClock());
    env = TestActivityEnvironment.newInstance();
    env.registerActivitiesImplementations(new HostActivitiesImpl(
        "mac-1", driver, ledger, SecretSealer.fromBase64(SecretSealer.newKey()), this::resources,
        CapacityListener.none(), 10));
    host = env.newActivityStub(HostActivities.class, ActivityOptions.newBuilder()
        .setStartToCloseTimeout(Duration.ofMinutes(1))
        .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build())
        .build());
  }

  @AfterEach
  void tearDown() throws Exception {
    env.close();
    for (String vm : simulated.list()) {
      simulated.delete(vm);
    }
  }

  /** The disk: 100 GiB, minus the declared size of every template on it. */
  HostResources resources() {
    try {
      long used = simulated.templates().stream().mapToLong(VmDriver.TemplateInfo::sizeBytes).sum() / GIB;
      return new HostResources(16, 65536, 60000, DISK_GB, DISK_GB - used);
    } catch (IOException e) {
      throw new RuntimeException(e);
    }
  }

  List<String> templateIds() throws IOException {
    return simulated.templates().stream().map(VmDriver.TemplateInfo::id).toList();
  }

  @Test
  void evictsTheLeastRecentlyUsedTemplateNoVmIsClonedFrom() throws Exception {
    host.ensureTemplate(template("a", 35));
    host.ensureTemplate(template("b", 35)); // 30 GiB free
    host.startVm("hangar-1-1", template("a", 35)); // a is in use, and used last

    host.ensureTemplate(template("c", 35)); // needs 35 + 10: b goes
    assertThat(templateIds()).containsExactly("a", "c");
    assertThat(simulated.list()).containsExactly("hangar-1-1");

    host.startVm("hangar-2-1", template("c", 35));
    assertThatThrownBy(() -> host.ensureTemplate(template("d", 35))) // nothing left to evict: later
        .isInstanceOf(ActivityFailure.class)
        .satisfies(e -> {
          ApplicationFailure f = (ApplicationFailure) e.getCause();
          assertThat(f.getType()).isEqualTo(Failures.HOST_IO);
          assertThat(f.isNonRetryable()).isFalse();
          assertThat(f.getOriginalMessage()).contains("not enough disk");
        });
    assertThat(templateIds()).containsExactly("a", "c");

    host.deleteVm("hangar-2-1");
    host.ensureTemplate(template("d", 35)); // c is no longer in use
    assertThat(templateIds()).containsExactly("a", "d");
  }

  @Test
  void aTemplateThatCanNeverFitWithTheBufferIsTooLarge() {
    assertThatThrownBy(() -> host.ensureTemplate(template("huge", 95)))
        .isInstanceOf(ActivityFailure.class)
        .satisfies(e -> {
          ApplicationFailure f = (ApplicationFailure) e.getCause();
          assertThat(f.getType()).isEqualTo(Failures.TEMPLATE_TOO_LARGE);
          assertThat(f.isNonRetryable()).isTrue();
        });
    assertThat(driver.pulls).hasValue(0);
  }

  @Test
  void pullsOneTemplateAtATime() throws Exception {
    CompletableFuture<Void> a = CompletableFuture.runAsync(() -> host.ensureTemplate(template("a", 5)));
    CompletableFuture<Void> b = CompletableFuture.runAsync(() -> host.ensureTemplate(template("b", 5)));
    CompletableFuture<Void> again = CompletableFuture.runAsync(() -> host.ensureTemplate(template("a", 5)));
    CompletableFuture.allOf(a, b, again).get(30, TimeUnit.SECONDS);
    assertThat(driver.maxConcurrentPulls).hasValue(1);
    assertThat(driver.pulls).hasValue(2); // the second pull of a found it there
    assertThat(templateIds()).containsExactly("a", "b");
  }

  @Test
  void simulatedTemplatesReportDeclaredSizeUseAndCanBeDeleted() throws Exception {
    host.ensureTemplate(template("a", 7));
    assertThat(simulated.templates()).singleElement().satisfies(t -> {
      assertThat(t.sizeBytes()).isEqualTo(7 * GIB);
      assertThat(t.inUse()).isFalse();
    });
    host.startVm("hangar-3-1", template("a", 7));
    assertThat(simulated.templates().get(0).inUse()).isTrue();
    assertThatThrownBy(() -> simulated.deleteTemplate("a", null)).isInstanceOf(IOException.class);
    host.deleteVm("hangar-3-1");
    simulated.deleteTemplate("a", null);
    simulated.deleteTemplate("a", null); // gone: nothing to do
    assertThat(simulated.templates()).isEmpty();
  }

  /** Delegates to the simulated driver, counting pulls and how many run at once. */
  static final class CountingDriver implements VmDriver {
    final VmDriver d;
    final AtomicInteger pulls = new AtomicInteger();
    final AtomicInteger running = new AtomicInteger();
    final AtomicInteger maxConcurrentPulls = new AtomicInteger();

    CountingDriver(VmDriver d) {
      this.d = d;
    }

    @Override
    public boolean templatePresent(TemplateRef t) throws IOException {
      return d.templatePresent(t);
    }

    @Override
    public boolean ensureTemplate(TemplateRef t, Runnable progress) throws IOException {
      pulls.incrementAndGet();
      maxConcurrentPulls.accumulateAndGet(running.incrementAndGet(), Math::max);
      try {
        return d.ensureTemplate(t, progress);
      } finally {
        running.decrementAndGet();
      }
    }

    @Override
    public Vm cloneAndStart(String vmName, TemplateRef t) throws IOException {
      return d.cloneAndStart(vmName, t);
    }

    @Override
    public void startRunner(String vmName, String jitConfig, HookFiles hooks) throws IOException {
      d.startRunner(vmName, jitConfig, hooks);
    }

    @Override
    public RunnerState runnerState(String vmName) throws IOException {
      return d.runnerState(vmName);
    }

    @Override
    public void delete(String vmName) throws IOException {
      d.delete(vmName);
    }

    @Override
    public List<String> list() throws IOException {
      return d.list();
    }

    @Override
    public List<TemplateInfo> templates() throws IOException {
      return d.templates();
    }

    @Override
    public void deleteTemplate(String id, String tag) throws IOException {
      d.deleteTemplate(id, tag);
    }
  }
}
