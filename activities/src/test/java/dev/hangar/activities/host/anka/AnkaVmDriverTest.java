package dev.hangar.activities.host.anka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hangar.activities.host.VmDriver;
import dev.hangar.activities.host.VmDriver.RunnerState;
import dev.hangar.activities.host.hooks.TrustHook;
import dev.hangar.workflows.Failures;
import dev.hangar.workflows.routing.TrustPolicy;
import dev.hangar.workflows.template.Resources;
import dev.hangar.workflows.template.TemplateRef;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class AnkaVmDriverTest {

  static final Resources SIZE = new Resources(4, 8192, 80);
  static final TemplateRef V1 = new TemplateRef("macos-15", "v1", SIZE);
  static final TemplateRef LATEST = new TemplateRef("macos-15", null, SIZE);
  static final String JIT = "eyJqaXQiOiJ2ZXJ5LXNlY3JldC1ydW5uZXItY29uZmlnIn0=-jit-secret-7f3a";

  @TempDir Path dir;
  FakeAnka fake;
  AnkaVmDriver driver;

  @BeforeEach
  void setUp() throws Exception {
    fake = new FakeAnka(dir);
    driver = new AnkaVmDriver(settings(null, null));
  }

  @AfterEach
  void deleteVms() throws IOException {
    for (String vm : driver.list()) {
      driver.delete(vm); // stops the fake runners
    }
  }

  AnkaSettings settings(Path scripts, String registry) {
    return new AnkaSettings(fake.executable, scripts, registry, Duration.ofSeconds(30), Duration.ofSeconds(60));
  }

  VmDriver.Vm running(String vm) throws IOException {
    driver.ensureTemplate(V1, () -> {});
    return driver.cloneAndStart(vm, V1);
  }

  // ---- start-up: version and licence ----

  @Test
  void verifyReportsVersionAndLicence() {
    AnkaHostInfo info = driver.verify();
    assertThat(info.version()).isEqualTo("3.5.3");
    assertThat(info.licence().licenseType()).isEqualTo("com.veertu.anka.build");
  }

  @Test
  void anExpiredLicenceIsRefusedWithAClearMessage() throws IOException {
    fake.licence("expired", "com.veertu.anka.build");
    assertThatThrownBy(driver::verify)
        .isInstanceOf(AnkaUnusableException.class)
        .hasMessageContaining("not valid (status 'expired'")
        .hasMessageContaining("anka license activate");
  }

  @Test
  void aSingleVmLicenceIsRefused() throws IOException {
    fake.licence("valid", "com.veertu.anka.develop");
    assertThatThrownBy(driver::verify)
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
    assertThat(driver.registryTemplates()).containsExactly("macos-15");
    assertThat(driver.registryResources(V1))
        .contains(new TemplateResources(4, 8L << 30, 80L << 30));
    assertThat(driver.registryResources(V1).orElseThrow().memoryMb()).isEqualTo(8192);
    assertThat(driver.registryResources(new TemplateRef("nope", null, SIZE))).isEmpty();
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
  void aThirdRunningVmHitsApplesLimit() throws IOException {
    running("hangar-1-1");
    running("hangar-2-1");
    assertThatThrownBy(() -> running("hangar-3-1"))
        .isInstanceOf(VmDriver.VmLimitException.class)
        .hasMessageContaining("maximum supported number of active virtual machines");

    driver.delete("hangar-1-1");
    assertThat(driver.cloneAndStart("hangar-3-1", V1).name()).isEqualTo("hangar-3-1"); // the retry succeeds
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
  void deletingStopsAndDeletesAndAMissingVmIsFine() throws IOException {
    running("hangar-1-1");
    driver.delete("hangar-1-1");
    driver.delete("hangar-1-1");
    driver.delete("hangar-404-1");
    assertThat(driver.list()).isEmpty();
    assertThat(driver.runnerState("hangar-1-1")).isEqualTo(RunnerState.NO_VM);
    assertThat(fake.argvs()).contains(
        List.of("-j", "stop", "hangar-1-1"), List.of("-j", "delete", "--yes", "hangar-1-1"));
  }

  @Test
  void aFailedDeleteIsAnIoError() throws IOException {
    running("hangar-1-1");
    fake.fail("delete", 1, "before");
    assertThatThrownBy(() -> driver.delete("hangar-1-1")).isInstanceOf(IOException.class);
    driver.delete("hangar-1-1");
    assertThat(driver.list()).isEmpty();
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
  void aRunnerThatFailsIsReported() throws Exception {
    running("hangar-1-1");
    driver.startRunner("hangar-1-1", JIT);
    fake.finishRunner("hangar-1-1", 3);
    eventually(() -> driver.runnerState("hangar-1-1") == RunnerState.EXITED_FAILED);
  }

  @Test
  void startingARunningRunnerAgainLeavesItAlone() throws Exception {
    running("hangar-1-1");
    driver.startRunner("hangar-1-1", JIT);
    eventually(() -> driver.runnerState("hangar-1-1") == RunnerState.RUNNING);
    String pid = Files.readString(fake.home("hangar-1-1").resolve("hangar/runner.pid"));
    driver.startRunner("hangar-1-1", JIT);
    assertThat(fake.home("hangar-1-1").resolve("hangar/runner.pid")).hasContent(pid);
  }

  @Test
  void aRunnerInAMissingVmFailsAsMissing() {
    assertThatThrownBy(() -> driver.startRunner("hangar-404-1", JIT)).isInstanceOf(VmDriver.VmMissingException.class);
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
  void scriptsCanBeOverriddenAndHooksAdded() throws Exception {
    Path scripts = Files.createDirectories(dir.resolve("scripts"));
    Files.writeString(scripts.resolve("job-started.sh"), "#!/bin/bash\necho started > \"$HOME/hook-started\"\n");
    Files.writeString(scripts.resolve("job-completed.sh"), "#!/bin/bash\necho done > \"$HOME/hook-completed\"\n");
    Files.writeString(scripts.resolve("runner-state.sh"),
        "#!/bin/bash\necho custom > \"$HOME/custom-state-ran\"\necho hangar-runner-state=RUNNING\n");
    AnkaVmDriver custom = new AnkaVmDriver(settings(scripts, null));
    driver = custom;
    running("hangar-1-1");

    custom.startRunner("hangar-1-1", JIT);
    eventually(() -> Files.exists(fake.home("hangar-1-1").resolve("hook-started")));
    fake.finishRunner("hangar-1-1", 0);
    eventually(() -> Files.exists(fake.home("hangar-1-1").resolve("hook-completed")));
    assertThat(custom.runnerState("hangar-1-1")).isEqualTo(RunnerState.RUNNING); // the custom state script
    assertThat(fake.home("hangar-1-1").resolve("custom-state-ran")).exists();
  }

  @Test
  void thePoolsTrustHookGoesInWithTheScriptsAndRunsBeforeAnOperatorsHook() throws Exception {
    Path scripts = Files.createDirectories(dir.resolve("scripts"));
    Files.writeString(scripts.resolve("job-started.sh"), "#!/bin/bash\necho started > \"$HOME/hook-started\"\n");
    AnkaVmDriver custom = new AnkaVmDriver(settings(scripts, null));
    driver = custom;
    running("hangar-1-1");
    TrustPolicy policy = new TrustPolicy(List.of(), List.of("my-org/*"), List.of(), List.of("push"), false, null);

    custom.startRunner("hangar-1-1", JIT, TrustHook.files(policy));

    Path guest = fake.home("hangar-1-1").resolve("hangar");
    eventually(() -> Files.readString(guest.resolve("runner.log")).contains("Hangar trust policy"));
    assertThat(guest.resolve(TrustHook.POLICY)).hasBinaryContent(TrustHook.files(policy).files().get(TrustHook.POLICY));
    assertThat(guest.resolve(TrustHook.CHECK)).exists();
    // The fake VM has no runner Node.js and no GitHub event: the check refuses, the operator's hook never runs.
    assertThat(Files.readString(guest.resolve("runner.log"))).contains("job refused: no Node.js in");
    assertThat(fake.home("hangar-1-1").resolve("hook-started")).doesNotExist();
    eventually(() -> Files.exists(fake.home("hangar-1-1").resolve(".fake-job-failed")));
    eventually(() -> custom.runnerState("hangar-1-1") == RunnerState.EXITED_OK);
    assertThat(fake.argvLog()).doesNotContain("my-org");
  }

  @Test
  void aScriptsDirectoryThatDoesNotExistIsRefused() {
    assertThatThrownBy(() -> new AnkaVmDriver(settings(dir.resolve("nope"), null)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not a directory");
  }

  // ---- hostile names ----

  static Stream<String> hostileNames() {
    return Stream.of(
        "hangar-1-1; rm -rf /", "$(touch /tmp/pwned)", "`id`", "a'b", "a\"b", "hangar-1-1\nclone",
        "x".repeat(10_000), "hängar-1-1", "ハンガー", "-rf", "--copy", "..", "a/../b", "", " ", "a b", "vm:");
  }

  @ParameterizedTest
  @MethodSource("hostileNames")
  void hostileNamesAreRefusedBeforeAnyProcessStarts(String name) throws IOException {
    int before = fake.argvs().size();
    TemplateRef hostileTemplate = new TemplateRef(name, null, SIZE);
    TemplateRef hostileTag = new TemplateRef("macos-15", name, SIZE);
    List<ThrowingCall> calls = List.of(
        () -> driver.cloneAndStart(name, V1),
        () -> driver.cloneAndStart("hangar-1-1", hostileTemplate),
        () -> driver.cloneAndStart("hangar-1-1", hostileTag),
        () -> driver.ensureTemplate(hostileTemplate, () -> {}),
        () -> driver.ensureTemplate(hostileTag, () -> {}),
        () -> driver.templatePresent(hostileTemplate),
        () -> driver.startRunner(name, JIT),
        () -> driver.runnerState(name),
        () -> driver.delete(name),
        () -> driver.registryResources(hostileTemplate));
    for (ThrowingCall call : calls) {
      assertThatThrownBy(call::run)
          .isInstanceOf(ApplicationFailure.class)
          .satisfies(e -> {
            ApplicationFailure f = (ApplicationFailure) e;
            assertThat(f.getType()).isEqualTo(Failures.INVALID_NAME);
            assertThat(f.isNonRetryable()).isTrue();
          });
    }
    assertThat(fake.argvs()).hasSize(before);
  }

  @Test
  void aHostileRegistryIsRefused() {
    for (String registry : List.of("-rf", "a b", "$(id)", "x;y", "")) {
      assertThatThrownBy(() -> settings(null, registry)).isInstanceOf(IllegalArgumentException.class);
    }
  }

  interface ThrowingCall {
    void run() throws Exception;
  }

  private static long stagingDirs() throws IOException {
    try (Stream<Path> s = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
      return s.filter(p -> p.getFileName().toString().startsWith("hangar-anka-")).count();
    }
  }

  interface Condition {
    boolean holds() throws Exception;
  }

  private static void eventually(Condition condition) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (!condition.holds()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met within 20 s");
      }
      Thread.sleep(100);
    }
  }
}
