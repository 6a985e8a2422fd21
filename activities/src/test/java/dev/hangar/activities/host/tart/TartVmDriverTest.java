package dev.hangar.activities.host.tart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hangar.activities.host.DriverTests;
import dev.hangar.activities.host.VmDriver;
import dev.hangar.activities.host.VmDriver.RunnerState;
import dev.hangar.activities.host.VmDriverContractTest;
import dev.hangar.workflows.template.TemplateRef;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class TartVmDriverTest extends VmDriverContractTest {

  static final TemplateRef LATEST = new TemplateRef("macos-15", null, V1.resources());
  static final String REF_V1 = FakeTart.REGISTRY + "/macos-15:v1";
  /** A boot timeout for the tests that wait it out. */
  static final Duration SHORT_BOOT = Duration.ofSeconds(2);

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
  protected void failOnce(String command, String stage) throws IOException {
    fake.fail(command, 1, stage);
  }

  @Override
  protected void configure(String key, Object value) throws IOException {
    fake.set(key, value);
  }

  @Override
  protected String limitText() {
    return "exceeds the system limit";
  }

  @Override
  protected List<DriverTests.ThrowingCall> moreCallsWithName(String name) {
    return List.of();
  }

  @Override
  protected List<List<String>> pullArgvs(TemplateRef template) {
    return List.of(List.of("pull", FakeTart.REGISTRY + "/" + template.id() + ":" + (template.tag() == null ? "latest" : template.tag())));
  }

  @Override
  protected String pullCommand() {
    return "pull";
  }

  @Override
  protected String failedPullText() {
    return "pull " + REF_V1 + " failed";
  }

  @Override
  protected List<List<String>> startArgvs(String vm) {
    return List.of(List.of("clone", REF_V1, vm), List.of("run", "--no-graphics", vm), List.of("ip", "--wait", "10", vm));
  }

  /** Tart's {@code clone} would replace an existing VM, so a VM that runs must never get it again. */
  @Override
  protected List<List<String>> newVmCommands() {
    return List.of(List.of("clone"), startCommand());
  }

  @Override
  protected List<String> startCommand() {
    return List.of("run");
  }

  @Override
  protected List<Step> startSteps(String vm) {
    return List.of(new Step("clone", "clone " + REF_V1 + " " + vm + " failed"),
        new Step("run", "tart run " + vm + " exited at once", "injected failure of run"));
  }

  @Override
  protected void stopOutsideTheDriver(String vm) throws Exception {
    assertThat(fake.tart("stop", vm)).isZero();
  }

  @Override
  protected List<List<String>> deleteArgvs(String vm) {
    return List.of(List.of("stop", "--timeout", "5", vm), List.of("delete", vm));
  }

  @Override
  protected String configCopyCommand() {
    return "exec";
  }

  /** {@code tart exec -i <vm> ...} writing {@code .jitconfig} with mode 600 from its stdin. */
  @Override
  protected boolean isConfigCopy(List<String> argv, String vm) {
    return argv.size() > 3 && argv.subList(0, 3).equals(List.of("exec", "-i", vm))
        && argv.contains(".jitconfig") && argv.contains("600");
  }

  /** The VM's {@code tart run} log never shows it. */
  @Override
  protected void assertNoConfigLeftOnHost(String vm) throws IOException {
    assertThat(Files.readString(fake.runLogs.resolve(vm + ".log"))).doesNotContain("jit-secret");
  }

  /** Its {@code tart run} goes on detached, writing to its log. */
  @Override
  protected void assertStartedAsTheCliDoes(String vm) {
    assertThat(fake.runLogs.resolve(vm + ".log")).content().contains(vm + " is running");
  }

  /** Its {@code tart run} log goes with it. */
  @Override
  protected void assertDeletedAsTheCliDoes(String vm) {
    assertThat(fake.runLogs.resolve(vm + ".log")).doesNotExist();
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
  void aTemplateNotOnTheHostIsNeverCloned() throws IOException {
    assertThatThrownBy(() -> driver.cloneAndStart("hangar-1-1", V1)).isInstanceOf(IOException.class);
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
  void aVmIsReadyOnlyOnceItsGuestAgentAnswers() throws Exception {
    fake.set("agent_seconds", 2.0);
    running("hangar-1-1");
    driver.startRunner("hangar-1-1", JIT); // no retry needed: the agent answers by now
    assertThat(count("exec")).isGreaterThan(2); // polled `exec true`, then the runner
  }

  @Test
  void anImageWithoutTheGuestAgentFailsToBootWithAClearMessage() throws Exception {
    fake.set("guest_agent", false);
    driver = new TartVmDriver(fake.settings(null, SHORT_BOOT));
    assertThatThrownBy(() -> running("hangar-1-1"))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("Tart Guest Agent in VM hangar-1-1 did not answer within PT2S");
  }

  @Test
  void aVmThatGetsNoAddressIsAnIoError() throws Exception {
    fake.set("boot_seconds", 30.0);
    driver = new TartVmDriver(fake.settings(null, SHORT_BOOT));
    assertThatThrownBy(() -> running("hangar-1-1"))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("ip hangar-1-1 failed")
        .hasMessageContaining("no IP address found");
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

}
