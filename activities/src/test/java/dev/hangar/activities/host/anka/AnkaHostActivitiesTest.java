package dev.hangar.activities.host.anka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.hangar.activities.host.CapacityLedger;
import dev.hangar.activities.host.HostActivitiesImpl;
import dev.hangar.activities.host.HostResources;
import dev.hangar.activities.secrets.SecretSealer;
import dev.hangar.workflows.Failures;
import dev.hangar.workflows.host.HostActivities;
import dev.hangar.workflows.host.VmCheck;
import dev.hangar.workflows.template.Resources;
import dev.hangar.workflows.template.TemplateRef;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestActivityEnvironment;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link HostActivitiesImpl} over the Anka driver and the fake {@code anka}: the whole VM life. */
class AnkaHostActivitiesTest {

  static final TemplateRef TEMPLATE = new TemplateRef("macos-15", "v2", new Resources(4, 8192, 80));
  static final String JIT = "{\"jit\":\"anka-activity-secret-91c2\"}";

  @TempDir Path dir;
  FakeAnka fake;
  AnkaVmDriver driver;
  TestActivityEnvironment env;
  HostActivities host;
  final SecretSealer sealer = SecretSealer.fromBase64(SecretSealer.newKey());
  final List<Object> heartbeats = new CopyOnWriteArrayList<>();

  @BeforeEach
  void setUp() throws Exception {
    fake = new FakeAnka(dir);
    fake.set("pull_seconds", 1.5);
    driver = new AnkaVmDriver(new AnkaSettings(fake.executable, null, null, Duration.ofSeconds(30), Duration.ofSeconds(60)));
    // the ledger allows 3, so that the hypervisor's own limit of 2 is what refuses the third VM
    CapacityLedger ledger = new CapacityLedger(
        new CapacityLedger.Limits(3, 64, 262144, false, Duration.ofMinutes(10)), Clock.systemUTC());
    HostResources resources = new HostResources(64, 262144, 200000, 2000, 1500);
    env = TestActivityEnvironment.newInstance();
    env.registerActivitiesImplementations(
        new HostActivitiesImpl("mac-1", driver, ledger, sealer, () -> resources, () -> {}));
    env.setActivityHeartbeatListener(String.class, heartbeats::add);
    host = env.newActivityStub(HostActivities.class, ActivityOptions.newBuilder()
        .setStartToCloseTimeout(Duration.ofMinutes(1))
        .setHeartbeatTimeout(Duration.ofSeconds(5))
        .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build())
        .build());
  }

  @AfterEach
  void tearDown() throws Exception {
    env.close();
    for (String vm : driver.list()) {
      driver.delete(vm);
    }
  }

  @Test
  void aVmLivesFromPullToDeletion() throws Exception {
    host.ensureTemplate(TEMPLATE);
    assertThat(heartbeats).contains("pulling");
    assertThat(host.startVm("hangar-7-1", TEMPLATE).vmName()).isEqualTo("hangar-7-1");
    assertThat(host.checkVm("hangar-7-1").state()).isEqualTo(VmCheck.State.RUNNER_FAILED); // never started

    host.startRunner("hangar-7-1", sealer.seal(JIT), null);
    assertThat(host.checkVm("hangar-7-1").state()).isEqualTo(VmCheck.State.RUNNING);
    fake.files().finishRunner("hangar-7-1", 0);
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (host.checkVm("hangar-7-1").state() != VmCheck.State.RUNNER_FINISHED && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    assertThat(host.checkVm("hangar-7-1").state()).isEqualTo(VmCheck.State.RUNNER_FINISHED);

    host.deleteVm("hangar-7-1");
    assertThat(host.checkVm("hangar-7-1").state()).isEqualTo(VmCheck.State.VM_GONE);
    assertThat(fake.files().argvLog()).doesNotContain("anka-activity-secret");
  }

  @Test
  void aTemplateInNoRegistryIsNotFoundAndNotRetried() {
    Throwable e = catchThrowable(() -> host.ensureTemplate(new TemplateRef("macos-99", null, new Resources(4, 8192, 80))));
    assertThat(e).isInstanceOf(ActivityFailure.class);
    assertThat(e.getCause()).isInstanceOfSatisfying(ApplicationFailure.class, f -> {
      assertThat(f.getType()).isEqualTo(Failures.TEMPLATE_NOT_FOUND);
      assertThat(f.isNonRetryable()).isTrue();
    });
  }

  @Test
  void applesLimitIsARetryableVmLimitFailure() {
    host.startVm("hangar-1-1", TEMPLATE);
    host.startVm("hangar-2-1", TEMPLATE);
    Throwable e = catchThrowable(() -> host.startVm("hangar-3-1", TEMPLATE));
    assertThat(e).isInstanceOf(ActivityFailure.class);
    assertThat(e.getCause()).isInstanceOfSatisfying(ApplicationFailure.class, f -> {
      assertThat(f.getType()).isEqualTo(Failures.VM_LIMIT);
      assertThat(f.isNonRetryable()).isFalse();
      assertThat(f.getOriginalMessage()).contains("maximum supported number of active virtual machines");
    });
  }
}
