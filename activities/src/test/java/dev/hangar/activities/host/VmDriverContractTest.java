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
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What every real driver must do against its fake CLI, whatever the CLI: pulls, clones and starts,
 * Apple's limit, deletion, the runner's life and its secret, script overrides and hooks, hostile
 * names. A subclass per driver supplies the fake, the driver and the command lines its CLI must
 * see for each step, and tests only what is the CLI's own.
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

  /**
   * Makes the fake's {@code command} (as its config names it) fail once: at {@code stage}
   * "before" it does nothing, at "mid" a pull fails after some progress.
   */
  protected abstract void failOnce(String command, String stage) throws IOException;

  /** Sets a key of the fake's config ({@code pull_seconds}, {@code pull_steps}, ...). */
  protected abstract void configure(String key, Object value) throws IOException;

  /** A text of Apple's two-VM limit as this CLI reports it. */
  protected abstract String limitText();

  /** The calls of this driver beyond {@link VmDriver} that take the name; all must refuse it. */
  protected abstract List<DriverTests.ThrowingCall> moreCallsWithName(String name);

  /** The argvs that pull this template, in their order. */
  protected abstract List<List<String>> pullArgvs(TemplateRef template);

  /** The fake's name of the pull command, for {@link #failOnce}. */
  protected abstract String pullCommand();

  /** What the error of a failed pull of {@link #V1} says. */
  protected abstract String failedPullText();

  /** The argvs that clone a new VM from {@link #V1} and start it. */
  protected abstract List<List<String>> startArgvs(String vm);

  /**
   * The commands, as the first words of their argvs, that only a new or stopped VM gets: a VM that
   * runs is reused as it is.
   */
  protected abstract List<List<String>> newVmCommands();

  /** The command, as the first words of its argv, that starts a VM. */
  protected abstract List<String> startCommand();

  /** The steps of a clone and start, in order, each with the texts its failure's error has. */
  protected abstract List<Step> startSteps(String vm);

  /** Stops the VM the way an operator would, past the driver. */
  protected abstract void stopOutsideTheDriver(String vm) throws Exception;

  /** The argvs that stop and delete a VM, in their order. */
  protected abstract List<List<String>> deleteArgvs(String vm);

  /** The fake's name of the command that puts the runner's config into the VM. */
  protected abstract String configCopyCommand();

  /** Whether this argv puts the runner's config into the VM (by a file or a pipe, never in the argv). */
  protected abstract boolean isConfigCopy(List<String> argv, String vm);

  /** Asserts that nothing the driver keeps on the host holds the runner's config any more. */
  protected abstract void assertNoConfigLeftOnHost(String vm) throws IOException;

  /** The CLI's own checks of a VM just started; none unless a driver has some. */
  protected void assertStartedAsTheCliDoes(String vm) throws IOException {}

  /** The CLI's own checks of a VM just deleted; none unless a driver has some. */
  protected void assertDeletedAsTheCliDoes(String vm) throws IOException {}

  /** A command of the CLI, as the fake's config names it, and the texts of its error when it fails. */
  protected record Step(String command, List<String> errorTexts) {
    public Step(String command, String... errorTexts) {
      this(command, List.of(errorTexts));
    }
  }

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

  private long count(List<String> command) throws IOException {
    return files().argvs().stream()
        .filter(argv -> argv.size() >= command.size() && argv.subList(0, command.size()).equals(command))
        .count();
  }

  // ---- templates ----

  @Test
  void aPullStreamsProgressAndThenTheTemplateIsPresent() throws IOException {
    configure("pull_seconds", 2.5);
    configure("pull_steps", 5);
    AtomicInteger ticks = new AtomicInteger();

    assertThat(driver.templatePresent(V1)).isFalse();
    assertThat(driver.ensureTemplate(V1, ticks::incrementAndGet)).isTrue();

    assertThat(ticks.get()).isGreaterThanOrEqualTo(2);
    assertThat(driver.templatePresent(V1)).isTrue();
    assertThat(driver.templatePresent(new TemplateRef("macos-15", "v2", V1.resources()))).isFalse();
    assertThat(files().argvs()).containsSubsequence(pullArgvs(V1));
  }

  @Test
  void aPresentTemplateIsNotPulledAgain() throws IOException {
    driver.ensureTemplate(V1, () -> {});
    assertThat(driver.ensureTemplate(V1, () -> {})).isTrue();
    assertThat(files().argvs()).filteredOn(argv -> argv.contains("pull")).containsExactlyElementsOf(pullArgvs(V1));
  }

  @Test
  void aTemplateWithoutATagIsTheLatest() throws IOException {
    TemplateRef latest = new TemplateRef("macos-15", null, V1.resources());
    assertThat(driver.ensureTemplate(latest, () -> {})).isTrue();
    assertThat(files().argvs()).containsSubsequence(pullArgvs(latest));
    assertThat(driver.templatePresent(latest)).isTrue();
    assertThat(driver.templatePresent(V1)).isFalse();
  }

  @Test
  void aTemplateInNoRegistryIsNotFound() throws IOException {
    assertThat(driver.ensureTemplate(new TemplateRef("macos-99", null, V1.resources()), () -> {})).isFalse();
    assertThat(driver.ensureTemplate(new TemplateRef("macos-15", "v9", V1.resources()), () -> {})).isFalse();
  }

  @Test
  void aPullThatFailsMidwayIsAnErrorAndLeavesNoTemplate() throws IOException {
    failOnce(pullCommand(), "mid");
    assertThatThrownBy(() -> driver.ensureTemplate(V1, () -> {}))
        .isInstanceOf(IOException.class)
        .hasMessageContaining(failedPullText())
        .hasMessageContaining("injected failure");
    assertThat(driver.templatePresent(V1)).isFalse();
    assertThat(driver.ensureTemplate(V1, () -> {})).isTrue(); // the retry succeeds
  }

  @Test
  void aCancelledHeartbeatStopsThePull() throws IOException {
    configure("pull_seconds", 5.0);
    configure("pull_steps", 5);
    assertThatThrownBy(() -> driver.ensureTemplate(V1, () -> {
      throw new IllegalStateException("cancelled");
    })).hasMessage("cancelled");
  }

  // ---- VMs ----

  @Test
  void aVmIsClonedAndStarted() throws IOException {
    VmDriver.Vm vm = running("hangar-1-1");

    assertThat(vm.name()).isEqualTo("hangar-1-1");
    assertThat(vm.address()).startsWith("192.168.64.");
    assertThat(driver.list()).containsExactly("hangar-1-1"); // the template is not a VM
    assertThat(files().argvs()).containsSubsequence(startArgvs("hangar-1-1"));
    assertStartedAsTheCliDoes("hangar-1-1");
    assertThat(driver.runnerState("hangar-1-1")).isEqualTo(RunnerState.NOT_STARTED);
  }

  @Test
  void anExistingVmIsReusedNeverClonedOver() throws IOException {
    running("hangar-1-1");
    files().finishRunner("hangar-1-1", 0); // a mark in the VM: a new clone would lose it
    VmDriver.Vm again = driver.cloneAndStart("hangar-1-1", V1);
    assertThat(again.name()).isEqualTo("hangar-1-1");
    assertThat(driver.list()).containsExactly("hangar-1-1");
    assertThat(files().home("hangar-1-1").resolve(".fake-runner-finish")).exists();
    for (List<String> command : newVmCommands()) {
      assertThat(count(command)).as("%s", command).isEqualTo(1);
    }
  }

  @Test
  void aVmStoppedOutsideTheDriverHasNoRunnerAndIsStartedAgain() throws Exception {
    running("hangar-1-1");
    stopOutsideTheDriver("hangar-1-1");
    assertThat(driver.runnerState("hangar-1-1")).isEqualTo(RunnerState.NO_VM);
    driver.cloneAndStart("hangar-1-1", V1);
    assertThat(count(startCommand())).isEqualTo(2);
    assertThat(driver.runnerState("hangar-1-1")).isEqualTo(RunnerState.NOT_STARTED);
  }

  @Test
  void cloningFromATemplateNotOnTheHostFails() {
    assertThatThrownBy(() -> driver.cloneAndStart("hangar-1-1", V1))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("not on this host");
  }

  @Test
  void otherFailuresAreIoErrorsNotLimits() throws IOException {
    driver.ensureTemplate(V1, () -> {});
    for (Step step : startSteps("hangar-1-1")) {
      failOnce(step.command(), "before");
      assertThatThrownBy(() -> driver.cloneAndStart("hangar-1-1", V1))
          .as(step.command())
          .isInstanceOf(IOException.class)
          .isNotInstanceOf(VmDriver.VmLimitException.class)
          .satisfies(e -> assertThat(e.getMessage()).contains(step.errorTexts()));
    }
    assertThat(driver.cloneAndStart("hangar-1-1", V1).name()).isEqualTo("hangar-1-1"); // the retry succeeds
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
  void deletingStopsThenDeletesAndFreesTheSlot() throws IOException {
    running("hangar-1-1");
    driver.delete("hangar-1-1");
    assertThat(files().argvs()).containsSubsequence(deleteArgvs("hangar-1-1"));
    assertDeletedAsTheCliDoes("hangar-1-1");
    running("hangar-2-1");
    running("hangar-3-1"); // both slots are free again
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
    failOnce("delete", "before");
    assertThatThrownBy(() -> driver.delete("hangar-1-1")).isInstanceOf(IOException.class);
    driver.delete("hangar-1-1");
    assertThat(driver.list()).isEmpty();
  }

  // ---- the runner ----

  @Test
  void theRunnerGetsItsConfigNeverAsAnArgument() throws Exception {
    running("hangar-1-1");

    driver.startRunner("hangar-1-1", JIT);

    Path home = files().home("hangar-1-1");
    eventually(() -> Files.exists(home.resolve(".fake-runner-received")));
    assertThat(home.resolve(".fake-runner-received")).hasContent(JIT);
    assertThat(driver.runnerState("hangar-1-1")).isEqualTo(RunnerState.RUNNING);
    assertThat(files().argvLog()).doesNotContain(JIT).doesNotContain("jit-secret");
    assertNoConfigLeftOnHost("hangar-1-1");
    assertThat(home.resolve("hangar/.jitconfig")).doesNotExist(); // read, then removed
    assertThat(files().argvs()).anyMatch(argv -> isConfigCopy(argv, "hangar-1-1"));

    files().finishRunner("hangar-1-1", 0);
    eventually(() -> driver.runnerState("hangar-1-1") == RunnerState.EXITED_OK);
  }

  @Test
  void aFailedConfigCopyIsAnIoErrorWithoutTheSecret() throws Exception {
    running("hangar-1-1");
    failOnce(configCopyCommand(), "before");
    assertThatThrownBy(() -> driver.startRunner("hangar-1-1", JIT))
        .isInstanceOf(IOException.class)
        .hasMessageNotContaining(JIT);
    assertNoConfigLeftOnHost("hangar-1-1");
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
