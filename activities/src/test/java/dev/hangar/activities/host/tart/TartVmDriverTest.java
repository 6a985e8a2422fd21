package dev.hangar.activities.host.tart;

import static dev.hangar.activities.host.DriverTests.eventually;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hangar.activities.host.DriverTests;
import dev.hangar.activities.host.VmDriver;
import dev.hangar.activities.host.VmDriver.RunnerState;
import dev.hangar.activities.host.VmDriverContractTest;
import dev.hangar.workflows.template.Resources;
import dev.hangar.workflows.template.TemplateRef;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class TartVmDriverTest extends VmDriverContractTest {

  static final Resources SIZE = V1.resources();
  static final TemplateRef LATEST = new TemplateRef("macos-15", null, SIZE);
  static final String REF_V1 = FakeTart.REGISTRY + "/macos-15:v1";

  FakeTart fake;

  @Override
  protected void createFake() throws Exception {
    fake = new FakeTart(dir);
  }

  @Override
  protected TartVmDriver newDriver(Path scriptsDir) {
    return new TartVmDriver(fake.settings(scriptsDir));
  }

  @Override
  protected DriverTests.FakeState files() {
    return fake.files();
  }

  @Override
  protected void failOnce(String command) throws IOException {
    fake.fail(command, 1, "before");
  }

  @Override
  protected String limitText() {
    return "exceeds the system limit";
  }

  @Override
  protected List<DriverTests.ThrowingCall> moreCallsWithName(String name) {
    return List.of();
  }

  TartVmDriver tart() {
    return (TartVmDriver) driver;
  }

  long count(String command) throws IOException {
    return fake.files().argvs().stream().filter(a -> a.get(0).equals(command)).count();
  }

  // ---- start-up ----

  @Test
  void verifyReportsTheVersion() {
    assertThat(tart().verify()).isEqualTo("2.31.0");
  }

  @Test
  void anExecutableThatDoesNotRunIsRefused() {
    TartVmDriver missing = new TartVmDriver(fake.settings(null).withExecutable(dir.resolve("no-such-tart")));
    assertThatThrownBy(missing::verify)
        .isInstanceOf(TartUnusableException.class)
        .hasMessageContaining("cannot run")
        .hasMessageContaining("no-such-tart");
  }

  @Test
  void aBadRegistryIsRefused() {
    for (String registry : List.of("-rf", "a b", "$(id)", "x;y", "https://ghcr.io/x", "ghcr.io/x:tag", "GHCR.io/x")) {
      assertThatThrownBy(() -> new TartSettings(fake.executable, null, registry, null, null, null, null))
          .isInstanceOf(IllegalArgumentException.class);
    }
    assertThat(TartSettings.defaults().registry()).isEqualTo("ghcr.io/cirruslabs");
  }

  // ---- templates ----

  @Test
  void aPullStreamsProgressAndThenTheTemplateIsPresent() throws IOException {
    fake.set("pull_seconds", 2.5).set("pull_steps", 5);
    AtomicInteger ticks = new AtomicInteger();

    assertThat(driver.templatePresent(V1)).isFalse();
    assertThat(driver.ensureTemplate(V1, ticks::incrementAndGet)).isTrue();

    assertThat(ticks.get()).isGreaterThanOrEqualTo(2);
    assertThat(driver.templatePresent(V1)).isTrue();
    assertThat(driver.templatePresent(new TemplateRef("macos-15", "v2", SIZE))).isFalse();
    assertThat(fake.files().argvs()).contains(List.of("pull", REF_V1));
  }

  @Test
  void aPresentTemplateIsNotPulledAgain() throws IOException {
    driver.ensureTemplate(V1, () -> {});
    assertThat(driver.ensureTemplate(V1, () -> {})).isTrue();
    assertThat(count("pull")).isEqualTo(1);
  }

  @Test
  void aTemplateWithoutATagIsLatest() throws IOException {
    assertThat(driver.ensureTemplate(LATEST, () -> {})).isTrue();
    assertThat(fake.files().argvs()).contains(List.of("pull", FakeTart.REGISTRY + "/macos-15:latest"));
    assertThat(driver.templatePresent(LATEST)).isTrue();
    assertThat(driver.templatePresent(V1)).isFalse();
  }

  @Test
  void aTemplateInNoRegistryIsNotFound() throws IOException {
    assertThat(driver.ensureTemplate(new TemplateRef("macos-99", null, SIZE), () -> {})).isFalse();
    assertThat(driver.ensureTemplate(new TemplateRef("macos-15", "v9", SIZE), () -> {})).isFalse();
  }

  @Test
  void aPullThatFailsMidwayIsAnErrorAndLeavesNoTemplate() throws IOException {
    fake.fail("pull", 1, "mid");
    assertThatThrownBy(() -> driver.ensureTemplate(V1, () -> {}))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("pull " + REF_V1 + " failed")
        .hasMessageContaining("injected failure");
    assertThat(driver.templatePresent(V1)).isFalse();
    assertThat(driver.ensureTemplate(V1, () -> {})).isTrue(); // the retry succeeds
  }

  @Test
  void aCancelledHeartbeatStopsThePull() throws IOException {
    fake.set("pull_seconds", 5.0).set("pull_steps", 5);
    assertThatThrownBy(() -> driver.ensureTemplate(V1, () -> {
      throw new IllegalStateException("cancelled");
    })).hasMessage("cancelled");
  }

  @Test
  void templatesListsTheRegistrysTaggedImagesAndDeletesThem() throws Exception {
    driver.ensureTemplate(V1, () -> {});
    driver.ensureTemplate(LATEST, () -> {});
    assertThat(fake.tart("pull", "ghcr.io/other/macos-15:v1")).isEqualTo(1); // not in the fake registry
    Instant before = Instant.now().minusSeconds(120);

    List<VmDriver.TemplateInfo> templates = driver.templates();

    assertThat(templates).extracting(VmDriver.TemplateInfo::id, VmDriver.TemplateInfo::tag)
        .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple("macos-15", "v1"),
            org.assertj.core.groups.Tuple.tuple("macos-15", null)); // digests are not templates
    assertThat(templates).allSatisfy(t -> {
      assertThat(t.sizeBytes()).isEqualTo(30L << 30);
      assertThat(t.lastUsed()).isAfter(before);
      assertThat(t.inUse()).isFalse();
    });

    driver.deleteTemplate("macos-15", "v1");
    driver.deleteTemplate("macos-15", "v1"); // already gone: nothing to do
    assertThat(driver.templatePresent(V1)).isFalse();
    assertThat(driver.templatePresent(LATEST)).isTrue();
    assertThat(fake.files().argvs()).contains(List.of("delete", REF_V1));
  }

  @Test
  void aVmClonedFromATemplateSurvivesItsDeletion() throws IOException {
    running("hangar-1-1");
    driver.deleteTemplate("macos-15", "v1");
    assertThat(driver.runnerState("hangar-1-1")).isEqualTo(RunnerState.NOT_STARTED);
  }

  // ---- VMs ----

  @Test
  void aVmIsClonedAndRunsDetached() throws IOException {
    VmDriver.Vm vm = running("hangar-1-1");

    assertThat(vm.name()).isEqualTo("hangar-1-1");
    assertThat(vm.address()).startsWith("192.168.64.");
    assertThat(driver.list()).containsExactly("hangar-1-1");
    assertThat(fake.files().argvs()).contains(
        List.of("clone", REF_V1, "hangar-1-1"),
        List.of("run", "--no-graphics", "hangar-1-1"),
        List.of("ip", "--wait", "10", "hangar-1-1"));
    assertThat(fake.runLogs.resolve("hangar-1-1.log")).content().contains("hangar-1-1 is running");
    assertThat(driver.runnerState("hangar-1-1")).isEqualTo(RunnerState.NOT_STARTED);
  }

  @Test
  void anExistingVmIsReusedNeverClonedOver() throws IOException {
    running("hangar-1-1");
    fake.files().finishRunner("hangar-1-1", 0); // a mark in the VM: Tart's clone would replace the VM and lose it
    VmDriver.Vm again = driver.cloneAndStart("hangar-1-1", V1);
    assertThat(again.name()).isEqualTo("hangar-1-1");
    assertThat(count("clone")).isEqualTo(1);
    assertThat(count("run")).isEqualTo(1);
    assertThat(fake.files().home("hangar-1-1").resolve(".fake-runner-finish")).exists();
  }

  @Test
  void aStoppedVmIsStartedAgain() throws Exception {
    running("hangar-1-1");
    assertThat(fake.tart("stop", "hangar-1-1")).isZero();
    assertThat(driver.runnerState("hangar-1-1")).isEqualTo(RunnerState.NO_VM);
    driver.cloneAndStart("hangar-1-1", V1);
    assertThat(count("run")).isEqualTo(2);
    assertThat(driver.runnerState("hangar-1-1")).isEqualTo(RunnerState.NOT_STARTED);
  }

  @Test
  void cloningFromATemplateNotOnTheHostFailsWithoutPulling() throws IOException {
    assertThatThrownBy(() -> driver.cloneAndStart("hangar-1-1", V1))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("not on this host");
    assertThat(count("clone")).isZero(); // `tart clone` would have pulled it, past the one-pull lock
  }

  @Test
  void applesOlderLimitTextIsALimitToo() throws Exception {
    fake.set("max_running", 0).set("limit_text", "old");
    assertThatThrownBy(() -> running("hangar-1-1"))
        .isInstanceOf(VmDriver.VmLimitException.class)
        .hasMessageContaining("maximum supported number of active virtual machines");
  }

  @Test
  void aVmDeletedWhileRunningStillCountsAgainstTheLimit() throws Exception {
    running("hangar-1-1");
    running("hangar-2-1");
    assertThat(fake.tart("delete", "hangar-1-1")).isZero(); // Tart deletes the files; its `run` goes on
    assertThatThrownBy(() -> running("hangar-3-1")).isInstanceOf(VmDriver.VmLimitException.class);
  }

  @Test
  void otherFailuresAreIoErrorsNotLimits() throws Exception {
    driver.ensureTemplate(V1, () -> {});
    fake.fail("clone", 1, "before");
    assertThatThrownBy(() -> driver.cloneAndStart("hangar-1-1", V1))
        .isInstanceOf(IOException.class)
        .isNotInstanceOf(VmDriver.VmLimitException.class)
        .hasMessageContaining("clone " + REF_V1 + " hangar-1-1 failed");
    fake.fail("run", 1, "before");
    assertThatThrownBy(() -> driver.cloneAndStart("hangar-1-1", V1))
        .isNotInstanceOf(VmDriver.VmLimitException.class)
        .hasMessageContaining("tart run hangar-1-1 exited at once")
        .hasMessageContaining("injected failure of run");
    assertThat(driver.cloneAndStart("hangar-1-1", V1).name()).isEqualTo("hangar-1-1");
  }

  @Test
  void aVmIsReadyOnlyOnceItsGuestAgentAnswers() throws Exception {
    fake.set("agent_seconds", 2.0);
    running("hangar-1-1");
    driver.startRunner("hangar-1-1", JIT); // no retry needed: the agent answers by now
    assertThat(count("exec")).isGreaterThan(2); // polled `exec true`, then the runner
  }

  @Test
  void anImageWithoutTheGuestAgentFailsToBootWithAClearMessage() throws Exception {
    fake.set("guest_agent", false);
    assertThatThrownBy(() -> running("hangar-1-1"))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("Tart Guest Agent in VM hangar-1-1 did not answer within PT10S");
  }

  @Test
  void aVmThatGetsNoAddressIsAnIoError() throws Exception {
    fake.set("boot_seconds", 30.0);
    assertThatThrownBy(() -> running("hangar-1-1"))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("ip hangar-1-1 failed")
        .hasMessageContaining("no IP address found");
  }

  @Test
  void deletingStopsThenDeletesAndFreesTheSlot() throws IOException {
    running("hangar-1-1");
    driver.delete("hangar-1-1");
    assertThat(fake.files().argvs()).contains(List.of("stop", "--timeout", "5", "hangar-1-1"), List.of("delete", "hangar-1-1"));
    assertThat(fake.runLogs.resolve("hangar-1-1.log")).doesNotExist();
    running("hangar-2-1");
    running("hangar-3-1"); // both slots are free again
  }

  @Test
  void onlyHangarsVmsAreListed() throws Exception {
    driver.ensureTemplate(V1, () -> {});
    assertThat(fake.tart("clone", REF_V1, "my-own-vm")).isZero();
    running("hangar-1-1");
    assertThat(driver.list()).containsExactly("hangar-1-1");
  }

  // ---- the runner ----

  @Test
  void theRunnerGetsItsConfigThroughStdinNeverAnArgument() throws Exception {
    running("hangar-1-1");

    driver.startRunner("hangar-1-1", JIT);

    eventually(() -> Files.exists(fake.files().home("hangar-1-1").resolve(".fake-runner-received")));
    assertThat(fake.files().home("hangar-1-1").resolve(".fake-runner-received")).hasContent(JIT);
    assertThat(driver.runnerState("hangar-1-1")).isEqualTo(RunnerState.RUNNING);
    assertThat(fake.files().argvLog()).doesNotContain(JIT).doesNotContain("jit-secret");
    assertThat(Files.readString(fake.runLogs.resolve("hangar-1-1.log"))).doesNotContain("jit-secret");
    assertThat(fake.files().home("hangar-1-1").resolve("hangar/.jitconfig")).doesNotExist(); // read, then removed
    assertThat(fake.files().argvs()).anyMatch(argv -> argv.size() > 3 && argv.subList(0, 3).equals(List.of("exec", "-i", "hangar-1-1"))
        && argv.contains(".jitconfig") && argv.contains("600"));

    fake.files().finishRunner("hangar-1-1", 0);
    eventually(() -> driver.runnerState("hangar-1-1") == RunnerState.EXITED_OK);
  }

  @Test
  void theConfigFileIsOwnerOnlyAndTheScriptsExecutable() throws Exception {
    Path scripts = Files.createDirectories(dir.resolve("scripts"));
    Files.writeString(scripts.resolve("start-runner.sh"), "#!/bin/bash\necho kept\n"); // leaves the file in place
    driver = new TartVmDriver(fake.settings(scripts));
    running("hangar-1-1");

    driver.startRunner("hangar-1-1", JIT);

    Path guest = fake.files().home("hangar-1-1").resolve("hangar");
    assertThat(guest.resolve(".jitconfig")).hasContent(JIT);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(guest.resolve(".jitconfig"))))
        .isEqualTo("rw-------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(guest.resolve("run-runner.sh"))))
        .isEqualTo("rwx------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(guest))).isEqualTo("rwx------");
    try (Stream<Path> files = Files.list(guest)) {
      assertThat(files).noneMatch(p -> p.getFileName().toString().endsWith(".tmp"));
    }
  }

  @Test
  void withoutTheGuestAgentTheRunnerCannotStartAndNoSecretLeaks() throws Exception {
    running("hangar-1-1");
    fake.set("guest_agent", false);
    assertThatThrownBy(() -> driver.startRunner("hangar-1-1", JIT))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("Tart Guest Agent")
        .hasMessageNotContaining(JIT);
  }

  @Test
  void aFailedWriteIsAnIoErrorWithoutTheSecret() throws Exception {
    running("hangar-1-1");
    fake.fail("exec", 1, "before");
    assertThatThrownBy(() -> driver.startRunner("hangar-1-1", JIT))
        .isInstanceOf(IOException.class)
        .hasMessageNotContaining(JIT);
  }

}
