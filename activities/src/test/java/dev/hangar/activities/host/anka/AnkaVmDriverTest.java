package dev.hangar.activities.host.anka;

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
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class AnkaVmDriverTest extends VmDriverContractTest {

  static final Resources SIZE = new Resources(4, 8192, 80);
  static final TemplateRef LATEST = new TemplateRef("macos-15", null, SIZE);

  FakeAnka fake;

  @Override
  protected void createFake() throws Exception {
    fake = new FakeAnka(dir);
  }

  @Override
  protected AnkaVmDriver newDriver(Path scriptsDir) {
    return new AnkaVmDriver(settings(scriptsDir, null));
  }

  @Override
  protected DriverTests.FakeState files() {
    return new DriverTests.FakeState(fake.state);
  }

  @Override
  protected void failOnce(String command) throws IOException {
    fake.fail(command, 1, "before");
  }

  @Override
  protected String limitText() {
    return "maximum supported number of active virtual machines";
  }

  @Override
  protected List<DriverTests.ThrowingCall> moreCallsWithName(String name) {
    return List.of(() -> anka().registryResources(new TemplateRef(name, null, SIZE)));
  }

  AnkaVmDriver anka() {
    return (AnkaVmDriver) driver;
  }

  AnkaSettings settings(Path scripts, String registry) {
    return new AnkaSettings(fake.executable, scripts, registry, Duration.ofSeconds(30), Duration.ofSeconds(60));
  }

  // ---- start-up: version and licence ----

  @Test
  void verifyReportsVersionAndLicence() {
    AnkaHostInfo info = anka().verify();
    assertThat(info.version()).isEqualTo("3.5.3");
    assertThat(info.licence().licenseType()).isEqualTo("com.veertu.anka.build");
  }

  @Test
  void anExpiredLicenceIsRefusedWithAClearMessage() throws IOException {
    fake.licence("expired", "com.veertu.anka.build");
    assertThatThrownBy(anka()::verify)
        .isInstanceOf(AnkaUnusableException.class)
        .hasMessageContaining("not valid (status 'expired'")
        .hasMessageContaining("anka license activate");
  }

  @Test
  void aSingleVmLicenceIsRefused() throws IOException {
    fake.licence("valid", "com.veertu.anka.develop");
    assertThatThrownBy(anka()::verify)
        .isInstanceOf(AnkaUnusableException.class)
        .hasMessageContaining("com.veertu.anka.develop")
        .hasMessageContaining("one VM at a time");
  }

  @Test
  void anExecutableThatDoesNotRunIsRefused() {
    AnkaVmDriver missing = new AnkaVmDriver(settings(null, null).withExecutable(dir.resolve("no-such-anka")));
    assertThatThrownBy(missing::verify)
        .isInstanceOf(AnkaUnusableException.class)
        .hasMessageContaining("cannot run")
        .hasMessageContaining("no-such-anka");
  }

  // ---- templates ----

  @Test
  void aPullStreamsProgressAndTakesTheLastJsonLine() throws IOException {
    fake.set("pull_seconds", 2.5).set("pull_steps", 5);
    AtomicInteger ticks = new AtomicInteger();

    assertThat(driver.templatePresent(V1)).isFalse();
    assertThat(driver.ensureTemplate(V1, ticks::incrementAndGet)).isTrue();

    assertThat(ticks.get()).isGreaterThanOrEqualTo(2);
    assertThat(driver.templatePresent(V1)).isTrue();
    assertThat(driver.templatePresent(new TemplateRef("macos-15", "v2", SIZE))).isFalse();
    assertThat(fake.argvs()).contains(
        List.of("-j", "registry", "pull", "--check-download-size", "--tag", "v1", "macos-15"),
        List.of("-j", "registry", "pull", "--shrink", "--tag", "v1", "macos-15"));
  }

  @Test
  void aPresentTemplateIsNotPulledAgain() throws IOException {
    driver.ensureTemplate(V1, () -> {});
    int before = fake.argvs().size();
    assertThat(driver.ensureTemplate(V1, () -> {})).isTrue();
    assertThat(fake.argvs().subList(before, fake.argvs().size()))
        .noneMatch(argv -> argv.contains("pull"));
  }

  @Test
  void theLatestTagIsPulledWithoutATag() throws IOException {
    assertThat(driver.ensureTemplate(LATEST, () -> {})).isTrue();
    assertThat(fake.argvs()).contains(List.of("-j", "registry", "pull", "--shrink", "macos-15"));
    assertThat(driver.templatePresent(LATEST)).isTrue();
  }

  @Test
  void aTemplateInNoRegistryIsNotFound() throws IOException {
    assertThat(driver.ensureTemplate(new TemplateRef("macos-99", null, SIZE), () -> {})).isFalse();
    assertThat(driver.ensureTemplate(new TemplateRef("macos-15", "v9", SIZE), () -> {})).isFalse();
  }

  @Test
  void aConfiguredRegistryIsPassedAsRemote() throws IOException {
    AnkaVmDriver remote = new AnkaVmDriver(settings(null, "https://registry.example:8089"));
    remote.ensureTemplate(V1, () -> {});
    assertThat(fake.argvs()).contains(List.of(
        "-j", "registry", "--remote", "https://registry.example:8089", "pull", "--shrink", "--tag", "v1", "macos-15"));
  }

  @Test
  void aPullThatFailsMidwayIsAnErrorAndLeavesNoTemplate() throws IOException {
    fake.fail("registry pull", 1, "mid");
    assertThatThrownBy(() -> driver.ensureTemplate(V1, () -> {}))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("registry pull macos-15 failed")
        .hasMessageContaining("injected failure");
    assertThat(driver.templatePresent(V1)).isFalse();
    assertThat(driver.ensureTemplate(V1, () -> {})).isTrue(); // the retry succeeds
  }

  @Test
  void aPullThatDoesNotFitTheDiskIsRefusedBeforeItStarts() throws IOException {
    fake.set("available_bytes", 1024);
    assertThatThrownBy(() -> driver.ensureTemplate(V1, () -> {}))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("not enough disk");
    assertThat(fake.argvs()).noneMatch(argv -> argv.contains("--shrink"));
  }

  @Test
  void aCancelledHeartbeatStopsThePull() throws IOException {
    fake.set("pull_seconds", 5.0).set("pull_steps", 5);
    assertThatThrownBy(() -> driver.ensureTemplate(V1, () -> {
      throw new IllegalStateException("cancelled");
    })).hasMessage("cancelled");
  }

  @Test
  void theRegistryDescribesTemplates() throws IOException {
    assertThat(anka().registryTemplates()).containsExactly("macos-15");
    assertThat(anka().registryResources(V1))
        .contains(new TemplateResources(4, 8L << 30, 80L << 30));
    assertThat(anka().registryResources(V1).orElseThrow().memoryMb()).isEqualTo(8192);
    assertThat(anka().registryResources(new TemplateRef("nope", null, SIZE))).isEmpty();
  }

  // ---- VMs ----

  @Test
  void aVmIsALinkedCloneThatRuns() throws IOException {
    VmDriver.Vm vm = running("hangar-1-1");

    assertThat(vm.name()).isEqualTo("hangar-1-1");
    assertThat(vm.address()).startsWith("192.168.64.");
    assertThat(driver.list()).containsExactly("hangar-1-1"); // the template is not a VM
    assertThat(fake.argvs()).contains(List.of("-j", "clone", "--tag", "v1", "macos-15", "hangar-1-1"));
    assertThat(fake.argvLog()).doesNotContain("--copy").doesNotContain("\"-c\"");
    assertThat(driver.runnerState("hangar-1-1")).isEqualTo(RunnerState.NOT_STARTED);
  }

  @Test
  void cloningAnExistingVmReusesIt() throws IOException {
    running("hangar-1-1");
    VmDriver.Vm again = driver.cloneAndStart("hangar-1-1", V1);
    assertThat(again.name()).isEqualTo("hangar-1-1");
    assertThat(driver.list()).containsExactly("hangar-1-1");
  }

  @Test
  void cloningFromATemplateNotOnTheHostFails() {
    assertThatThrownBy(() -> driver.cloneAndStart("hangar-1-1", V1))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("not on this host");
  }

  @Test
  void otherCommandFailuresAreIoErrorsNotLimits() throws IOException {
    driver.ensureTemplate(V1, () -> {});
    fake.fail("clone", 1, "before");
    assertThatThrownBy(() -> driver.cloneAndStart("hangar-1-1", V1))
        .isInstanceOf(IOException.class)
        .isNotInstanceOf(VmDriver.VmLimitException.class)
        .hasMessageContaining("clone macos-15 hangar-1-1 failed");
    fake.fail("start", 1, "before");
    assertThatThrownBy(() -> driver.cloneAndStart("hangar-1-1", V1))
        .isNotInstanceOf(VmDriver.VmLimitException.class)
        .hasMessageContaining("start hangar-1-1 failed");
    assertThat(driver.cloneAndStart("hangar-1-1", V1).name()).isEqualTo("hangar-1-1");
  }

  @Test
  void deletingStopsThenDeletesWithYes() throws IOException {
    running("hangar-1-1");
    driver.delete("hangar-1-1");
    assertThat(fake.argvs()).contains(
        List.of("-j", "stop", "hangar-1-1"), List.of("-j", "delete", "--yes", "hangar-1-1"));
  }

  @Test
  void aStoppedVmHasNoRunner() throws IOException {
    running("hangar-1-1");
    new ProcessBuilder(fake.executable.toString(), "-j", "stop", "hangar-1-1").start().onExit().join();
    assertThat(driver.runnerState("hangar-1-1")).isEqualTo(RunnerState.NO_VM);
  }

  // ---- the runner ----

  @Test
  void theRunnerGetsItsConfigThroughAFileNeverAnArgument() throws Exception {
    running("hangar-1-1");
    long stagingBefore = stagingDirs();

    driver.startRunner("hangar-1-1", JIT);

    eventually(() -> Files.exists(fake.home("hangar-1-1").resolve(".fake-runner-received")));
    assertThat(fake.home("hangar-1-1").resolve(".fake-runner-received")).hasContent(JIT);
    assertThat(driver.runnerState("hangar-1-1")).isEqualTo(RunnerState.RUNNING);
    assertThat(fake.argvLog()).doesNotContain(JIT).doesNotContain("jit-secret");
    assertThat(fake.home("hangar-1-1").resolve("hangar/.jitconfig")).doesNotExist(); // read, then removed
    assertThat(fake.argvs()).anyMatch(argv -> argv.size() == 5 && argv.get(1).equals("cp") && argv.get(2).equals("-a")
        && argv.get(4).equals("hangar-1-1:"));
    assertThat(stagingDirs()).isEqualTo(stagingBefore); // the host's copy is gone

    fake.finishRunner("hangar-1-1", 0);
    eventually(() -> driver.runnerState("hangar-1-1") == RunnerState.EXITED_OK);
  }

  @Test
  void aFailedCopyIsAnIoErrorAndLeavesNoSecretOnTheHost() throws Exception {
    running("hangar-1-1");
    long stagingBefore = stagingDirs();
    fake.fail("cp", 1, "before");
    assertThatThrownBy(() -> driver.startRunner("hangar-1-1", JIT))
        .isInstanceOf(IOException.class)
        .hasMessageNotContaining(JIT);
    assertThat(stagingDirs()).isEqualTo(stagingBefore);
  }

  @Test
  void aHostileRegistryIsRefused() {
    for (String registry : List.of("-rf", "a b", "$(id)", "x;y", "")) {
      assertThatThrownBy(() -> settings(null, registry)).isInstanceOf(IllegalArgumentException.class);
    }
  }

  private static long stagingDirs() throws IOException {
    try (Stream<Path> s = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
      return s.filter(p -> p.getFileName().toString().startsWith("hangar-anka-")).count();
    }
  }
}
