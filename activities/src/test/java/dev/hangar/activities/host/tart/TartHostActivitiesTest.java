package dev.hangar.activities.host.tart;

import static dev.hangar.activities.host.DriverTests.eventually;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.hangar.activities.host.DriverTests;
import dev.hangar.activities.host.HostActivitiesImpl;
import dev.hangar.activities.host.HostResources;
import dev.hangar.activities.host.VmDriver;
import dev.hangar.activities.secrets.SecretSealer;
import dev.hangar.workflows.Failures;
import dev.hangar.workflows.host.HostActivities;
import dev.hangar.workflows.host.VmCheck;
import dev.hangar.workflows.template.Resources;
import dev.hangar.workflows.template.TemplateRef;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestActivityEnvironment;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link HostActivitiesImpl} over the Tart driver and the fake {@code tart}: a VM's whole life,
 * Apple's limit, and template eviction on a 100 GiB disk where each image takes 35 GiB.
 */
class TartHostActivitiesTest {

  static final long GIB = 1L << 30;
  static final String JIT = "{\"jit\":\"tart-activity-secret-3b7e\"}";

  @TempDir Path dir;
  FakeTart fake;
  TartVmDriver driver;
  TestActivityEnvironment env;
  HostActivities host;
  final SecretSealer sealer = SecretSealer.fromBase64(SecretSealer.newKey());

  static TemplateRef template(String id) {
    return new TemplateRef(id, "v1", new Resources(4, 8192, 35));
  }

  @BeforeEach
  void setUp() throws Exception {
    fake = new FakeTart(dir);
    for (String id : List.of("a", "b", "c")) {
      fake.image(id, 35, "v1");
    }
    driver = new TartVmDriver(fake.settings(null));
    // the ledger allows 3, so that the hypervisor's own limit of 2 is what refuses the third VM
    env = DriverTests.hostEnvironment(driver, 3, 64, 262144, sealer, this::resources);
    host = DriverTests.hostStub(env);
  }

  @AfterEach
  void tearDown() throws IOException {
    env.close();
    DriverTests.deleteVms(driver);
  }

  /** 100 GiB, minus the images on it as {@code tart list} sizes them. */
  HostResources resources() {
    return DriverTests.diskHoldingTemplates(driver, 100);
  }

  @Test
  void aVmLivesFromPullToDeletion() throws Exception {
    host.ensureTemplate(template("a"));
    assertThat(host.startVm("hangar-7-1", template("a")).address()).startsWith("192.168.64.");
    assertThat(host.checkVm("hangar-7-1").state()).isEqualTo(VmCheck.State.RUNNER_FAILED); // never started

    host.startRunner("hangar-7-1", sealer.seal(JIT), null);
    assertThat(host.checkVm("hangar-7-1").state()).isEqualTo(VmCheck.State.RUNNING);
    fake.files().finishRunner("hangar-7-1", 0);
    eventually(() -> host.checkVm("hangar-7-1").state() == VmCheck.State.RUNNER_FINISHED);

    host.deleteVm("hangar-7-1");
    assertThat(host.checkVm("hangar-7-1").state()).isEqualTo(VmCheck.State.VM_GONE);
    assertThat(fake.files().argvLog()).doesNotContain("tart-activity-secret");
  }

  @Test
  void applesLimitIsARetryableVmLimitFailure() {
    host.startVm("hangar-1-1", template("a"));
    host.startVm("hangar-2-1", template("a"));
    Throwable e = catchThrowable(() -> host.startVm("hangar-3-1", template("a")));
    assertThat(e).isInstanceOf(ActivityFailure.class);
    assertThat(e.getCause()).isInstanceOfSatisfying(ApplicationFailure.class, f -> {
      assertThat(f.getType()).isEqualTo(Failures.VM_LIMIT);
      assertThat(f.isNonRetryable()).isFalse();
    });
  }

  @Test
  void theLeastRecentlyAccessedImageMakesRoom() throws Exception {
    host.ensureTemplate(template("a"));
    host.ensureTemplate(template("b"));
    Thread.sleep(1100); // Tart's Accessed has a resolution of a second
    host.startVm("hangar-1-1", template("a")); // the clone accesses a

    assertThat(driver.templates()).extracting(VmDriver.TemplateInfo::sizeBytes).containsOnly(35 * GIB);
    assertThat(resources().diskFreeGb()).isEqualTo(30);
    host.ensureTemplate(template("c")); // 30 GiB free, 35 + 10 needed: one image must go

    assertThat(driver.templates()).extracting(VmDriver.TemplateInfo::id).containsExactlyInAnyOrder("a", "c");
    assertThat(fake.files().argvs()).contains(List.of("delete", FakeTart.REGISTRY + "/b:v1"));
    assertThat(host.checkVm("hangar-1-1").state()).isEqualTo(VmCheck.State.RUNNER_FAILED); // the VM is fine
  }
}
