package dev.hangar.activities.host;

import static dev.hangar.activities.host.DriverTests.eventually;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hangar.activities.host.VmDriver.RunnerState;
import dev.hangar.activities.host.hooks.TrustHook;
import dev.hangar.workflows.routing.TrustPolicy;
import dev.hangar.workflows.template.Resources;
import dev.hangar.workflows.template.TemplateRef;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What every real driver must do against its fake CLI, whatever the CLI: Apple's limit, deletion,
 * the runner's life, script overrides and hooks, hostile names. A subclass per driver supplies the
 * fake and the driver, and tests what is the CLI's own.
 */
public abstract class VmDriverContractTest {

  protected static final TemplateRef V1 = new TemplateRef("macos-15", "v1", new Resources(4, 8192, 50));
  protected static final String JIT = "eyJqaXQiOiJ2ZXJ5LXNlY3JldC1ydW5uZXItY29uZmlnIn0=-jit-secret-7f3a";

  @TempDir protected Path dir;
  protected VmDriver driver;

  /** Sets up the fake CLI in {@link #dir}. */
  protected abstract void createFake() throws Exception;

  /** A driver on the fake, with this scripts directory (or none). */
  protected abstract VmDriver newDriver(Path scriptsDir);

  /** The fake's argv log and VM homes. */
  protected abstract DriverTests.FakeState files();

  /** Makes the fake's {@code command} fail once. */
  protected abstract void failOnce(String command) throws IOException;

  /** A text of Apple's two-VM limit as this CLI reports it. */
  protected abstract String limitText();

  /** The calls of this driver beyond {@link VmDriver} that take the name; all must refuse it. */
  protected abstract List<DriverTests.ThrowingCall> moreCallsWithName(String name);

  @BeforeEach
  void createDriver() throws Exception {
    createFake();
    driver = newDriver(null);
  }

  @AfterEach
  void deleteVms() throws IOException {
    DriverTests.deleteVms(driver);
  }

  protected VmDriver.Vm running(String vm) throws IOException {
    driver.ensureTemplate(V1, () -> {});
    return driver.cloneAndStart(vm, V1);
  }

  @Test
  void aThirdRunningVmHitsApplesLimit() throws Exception {
    running("hangar-1-1");
    running("hangar-2-1");
    assertThatThrownBy(() -> running("hangar-3-1"))
        .isInstanceOf(VmDriver.VmLimitException.class)
        .hasMessageContaining(limitText());

    driver.delete("hangar-1-1");
    assertThat(driver.cloneAndStart("hangar-3-1", V1).name()).isEqualTo("hangar-3-1"); // the retry succeeds
  }

  @Test
  void deletingAVmTwiceAndAMissingVmIsFine() throws IOException {
    running("hangar-1-1");
    driver.delete("hangar-1-1");
    driver.delete("hangar-1-1");
    driver.delete("hangar-404-1");
    assertThat(driver.list()).isEmpty();
    assertThat(driver.runnerState("hangar-1-1")).isEqualTo(RunnerState.NO_VM);
  }

  @Test
  void aFailedDeleteIsAnIoError() throws IOException {
    running("hangar-1-1");
    failOnce("delete");
    assertThatThrownBy(() -> driver.delete("hangar-1-1")).isInstanceOf(IOException.class);
    driver.delete("hangar-1-1");
    assertThat(driver.list()).isEmpty();
  }

  @Test
  void aRunnerThatFailsIsReported() throws Exception {
    running("hangar-1-1");
    driver.startRunner("hangar-1-1", JIT);
    files().finishRunner("hangar-1-1", 3);
    eventually(() -> driver.runnerState("hangar-1-1") == RunnerState.EXITED_FAILED);
  }

  @Test
  void aRegistrationTokenConfigIsRunAsConfigShArgumentsThenRunSh() throws Exception {
    String token = "AABBCCDDEEFFGGHHIIJJKKLLMM2345";
    String config = "# hangar runner registration v1\n"
        + "url=https://github.com/acme/app\n"
        + "token=" + token + "\n"
        + "name=hangar-1-1\n"
        + "labels=self-hosted,macOS\n"
        + "group=Mac pool; $(touch pwned) `x`\n"
        + "work=_work\n";
    running("hangar-1-1");

    driver.startRunner("hangar-1-1", config);

    Path home = files().home("hangar-1-1");
    eventually(() -> Files.exists(home.resolve(".fake-runner-received")));
    assertThat(Files.readAllLines(home.resolve(".fake-runner-configured"))).containsExactly(
        "--unattended", "--ephemeral", "--disableupdate",
        "--url=https://github.com/acme/app", "--token=" + token, "--name=hangar-1-1",
        "--labels=self-hosted,macOS", "--work=_work", "--runnergroup=Mac pool; $(touch pwned) `x`");
    assertThat(home.resolve(".fake-runner-received")).hasContent("configured:configured");
    assertThat(home.resolve("hangar/.jitconfig")).doesNotExist();
    assertThat(home.resolve("actions-runner/pwned")).doesNotExist();
    assertThat(home.resolve("pwned")).doesNotExist();
    assertThat(files().argvLog()).doesNotContain(token);
    assertThat(driver.runnerState("hangar-1-1")).isEqualTo(RunnerState.RUNNING);
    files().finishRunner("hangar-1-1", 0);
    eventually(() -> driver.runnerState("hangar-1-1") == RunnerState.EXITED_OK);
  }

  @Test
  void startingARunningRunnerAgainLeavesItAlone() throws Exception {
    running("hangar-1-1");
    driver.startRunner("hangar-1-1", JIT);
    eventually(() -> driver.runnerState("hangar-1-1") == RunnerState.RUNNING);
    String pid = Files.readString(files().home("hangar-1-1").resolve("hangar/runner.pid"));
    driver.startRunner("hangar-1-1", JIT);
    assertThat(files().home("hangar-1-1").resolve("hangar/runner.pid")).hasContent(pid);
  }

  @Test
  void aRunnerInAMissingVmFailsAsMissing() {
    assertThatThrownBy(() -> driver.startRunner("hangar-404-1", JIT)).isInstanceOf(VmDriver.VmMissingException.class);
  }

  @Test
  void scriptsCanBeOverriddenAndHooksAdded() throws Exception {
    Path scripts = Files.createDirectories(dir.resolve("scripts"));
    Files.writeString(scripts.resolve("job-started.sh"), "#!/bin/bash\necho started > \"$HOME/hook-started\"\n");
    Files.writeString(scripts.resolve("job-completed.sh"), "#!/bin/bash\necho done > \"$HOME/hook-completed\"\n");
    Files.writeString(scripts.resolve("runner-state.sh"),
        "#!/bin/bash\necho custom > \"$HOME/custom-state-ran\"\necho hangar-runner-state=RUNNING\n");
    driver = newDriver(scripts);
    running("hangar-1-1");

    driver.startRunner("hangar-1-1", JIT);
    eventually(() -> Files.exists(files().home("hangar-1-1").resolve("hook-started")));
    files().finishRunner("hangar-1-1", 0);
    eventually(() -> Files.exists(files().home("hangar-1-1").resolve("hook-completed")));
    assertThat(driver.runnerState("hangar-1-1")).isEqualTo(RunnerState.RUNNING); // the custom state script
    assertThat(files().home("hangar-1-1").resolve("custom-state-ran")).exists();
  }

  @Test
  void thePoolsTrustHookGoesInWithTheScriptsAndRunsBeforeAnOperatorsHook() throws Exception {
    Path scripts = Files.createDirectories(dir.resolve("scripts"));
    Files.writeString(scripts.resolve("job-started.sh"), "#!/bin/bash\necho started > \"$HOME/hook-started\"\n");
    driver = newDriver(scripts);
    running("hangar-1-1");
    TrustPolicy policy = new TrustPolicy(List.of(), List.of("my-org/*"), List.of(), List.of("push"), false, null);

    driver.startRunner("hangar-1-1", JIT, TrustHook.files(policy));

    Path guest = files().home("hangar-1-1").resolve("hangar");
    eventually(() -> Files.readString(guest.resolve("runner.log")).contains("Hangar trust policy"));
    assertThat(guest.resolve(TrustHook.POLICY)).hasBinaryContent(TrustHook.files(policy).files().get(TrustHook.POLICY));
    assertThat(guest.resolve(TrustHook.CHECK)).exists();
    // The fake VM has no runner Node.js and no GitHub event: the check refuses, the operator's hook never runs.
    assertThat(Files.readString(guest.resolve("runner.log"))).contains("job refused: no Node.js in");
    assertThat(files().home("hangar-1-1").resolve("hook-started")).doesNotExist();
    eventually(() -> Files.exists(files().home("hangar-1-1").resolve(".fake-job-failed")));
    eventually(() -> driver.runnerState("hangar-1-1") == RunnerState.EXITED_OK);
    assertThat(files().argvLog()).doesNotContain("my-org");
  }

  @Test
  void aScriptsDirectoryThatDoesNotExistIsRefused() {
    assertThatThrownBy(() -> newDriver(dir.resolve("nope")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not a directory");
  }

  @ParameterizedTest
  @MethodSource("dev.hangar.activities.host.DriverTests#hostileNames")
  void hostileNamesAreRefusedBeforeAnyProcessStarts(String name) throws IOException {
    int before = files().argvs().size();
    TemplateRef hostileTemplate = new TemplateRef(name, null, V1.resources());
    TemplateRef hostileTag = new TemplateRef("macos-15", name, V1.resources());
    List<DriverTests.ThrowingCall> calls = new ArrayList<>(List.of(
        () -> driver.cloneAndStart(name, V1),
        () -> driver.cloneAndStart("hangar-1-1", hostileTemplate),
        () -> driver.cloneAndStart("hangar-1-1", hostileTag),
        () -> driver.ensureTemplate(hostileTemplate, () -> {}),
        () -> driver.ensureTemplate(hostileTag, () -> {}),
        () -> driver.templatePresent(hostileTemplate),
        () -> driver.startRunner(name, JIT),
        () -> driver.runnerState(name),
        () -> driver.delete(name),
        () -> driver.deleteTemplate(name, null),
        () -> driver.deleteTemplate("macos-15", name)));
    calls.addAll(moreCallsWithName(name));
    DriverTests.assertRefusedAsInvalidNames(calls);
    assertThat(files().argvs()).hasSize(before);
  }
}
