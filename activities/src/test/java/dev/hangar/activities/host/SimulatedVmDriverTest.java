package dev.hangar.activities.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.hangar.activities.host.VmDriver.RunnerState;
import dev.hangar.workflows.template.Resources;
import dev.hangar.workflows.template.TemplateRef;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SimulatedVmDriverTest {

  static final TemplateRef TEMPLATE = new TemplateRef("macos-15", "v1", new Resources(4, 8192, 10));
  static final String SECRET = "eyJqaXQiOiJzM2NyM3QtY29uZmlnIn0=";

  @TempDir Path root;
  SimulatedVmDriver driver;

  @BeforeEach
  void setUp() throws IOException {
    driver = new SimulatedVmDriver(root, Duration.ZERO, Set.of("macos-15")::contains);
  }

  @AfterEach
  void tearDown() throws IOException {
    for (String vm : driver.list()) {
      driver.delete(vm);
    }
  }

  @Test
  void concurrentPullsOfOneTemplateBothSucceed() throws Exception {
    SimulatedVmDriver slow = new SimulatedVmDriver(root, Duration.ofMillis(300), Set.of("macos-15")::contains);
    var pool = java.util.concurrent.Executors.newFixedThreadPool(2);
    try {
      var first = pool.submit(() -> slow.ensureTemplate(TEMPLATE, () -> {}));
      var second = pool.submit(() -> slow.ensureTemplate(TEMPLATE, () -> {}));
      assertThat(first.get()).isTrue();
      assertThat(second.get()).isTrue();
    } finally {
      pool.shutdownNow();
    }
    assertThat(slow.templatePresent(TEMPLATE)).isTrue();
    try (var entries = Files.list(root.resolve("templates"))) {
      assertThat(entries.map(p -> p.getFileName().toString())).containsExactly("macos-15@v1");
    }
  }

  @Test
  void pullsATemplateOnceAndReportsUnknownOnes() throws IOException {
    assertThat(driver.templatePresent(TEMPLATE)).isFalse();
    AtomicInteger ticks = new AtomicInteger();
    assertThat(driver.ensureTemplate(TEMPLATE, ticks::incrementAndGet)).isTrue();
    assertThat(driver.templatePresent(TEMPLATE)).isTrue();
    assertThat(root.resolve("templates/macos-15@v1/template.json")).exists();
    assertThat(ticks.get()).isPositive();
    assertThat(driver.ensureTemplate(TEMPLATE, ticks::incrementAndGet)).isTrue();

    TemplateRef unknown = new TemplateRef("nope", null, TEMPLATE.resources());
    assertThat(driver.ensureTemplate(unknown, () -> {})).isFalse();
    assertThat(driver.templatePresent(unknown)).isFalse();
  }

  @Test
  void aSlowPullReportsProgressAndCanBeStopped() throws IOException {
    SimulatedVmDriver slow = new SimulatedVmDriver(root, Duration.ofMillis(700), id -> true);
    AtomicInteger ticks = new AtomicInteger();
    assertThat(slow.ensureTemplate(TEMPLATE, ticks::incrementAndGet)).isTrue();
    assertThat(ticks.get()).isGreaterThanOrEqualTo(3);

    TemplateRef other = new TemplateRef("other", null, TEMPLATE.resources());
    assertThatThrownBy(() -> slow.ensureTemplate(other, () -> { throw new IllegalStateException("cancelled"); }))
        .hasMessage("cancelled");
    assertThat(slow.templatePresent(other)).isFalse();
    try (var entries = Files.list(root.resolve("templates"))) {
      assertThat(entries.map(p -> p.getFileName().toString())).containsExactly("macos-15@v1");
    }
  }

  @Test
  void clonesStartsRunsAndDeletesAVm() throws Exception {
    driver.ensureTemplate(TEMPLATE, () -> {});
    VmDriver.Vm vm = driver.cloneAndStart("hangar-42-1", TEMPLATE);
    assertThat(vm.name()).isEqualTo("hangar-42-1");
    Path dir = root.resolve("vms/hangar-42-1");
    assertThat(dir.resolve("vm.json")).content().contains("\"templateId\":\"macos-15\"");
    assertThat(dir.resolve("disk.img")).exists();
    long vmPid = driver.vmPid("hangar-42-1").orElseThrow();
    assertThat(ProcessHandle.of(vmPid)).isPresent();
    assertThat(driver.list()).containsExactly("hangar-42-1");
    assertThat(driver.runnerState("hangar-42-1")).isEqualTo(RunnerState.NOT_STARTED);

    // starting again reuses it
    driver.cloneAndStart("hangar-42-1", TEMPLATE);
    assertThat(driver.vmPid("hangar-42-1")).contains(vmPid);

    driver.startRunner("hangar-42-1", SECRET);
    assertThat(driver.runnerState("hangar-42-1")).isEqualTo(RunnerState.RUNNING);
    long runnerPid = driver.runnerPid("hangar-42-1").orElseThrow();
    driver.startRunner("hangar-42-1", SECRET); // idempotent
    assertThat(driver.runnerPid("hangar-42-1")).contains(runnerPid);

    driver.finishRunner("hangar-42-1", true);
    assertThat(driver.runnerState("hangar-42-1")).isEqualTo(RunnerState.EXITED_OK);
    assertThat(ProcessHandle.of(runnerPid).map(ProcessHandle::isAlive).orElse(false)).isFalse();

    driver.delete("hangar-42-1");
    assertThat(dir).doesNotExist();
    assertThat(ProcessHandle.of(vmPid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
    assertThat(driver.runnerState("hangar-42-1")).isEqualTo(RunnerState.NO_VM);
    assertThat(driver.list()).isEmpty();
    driver.delete("hangar-42-1"); // deleting a missing VM is fine
  }

  @Test
  void aFailedRunnerAndADeadRunnerAreReportedAsFailed() throws Exception {
    driver.ensureTemplate(TEMPLATE, () -> {});
    driver.cloneAndStart("vm-a", TEMPLATE);
    driver.startRunner("vm-a", SECRET);
    driver.finishRunner("vm-a", false);
    assertThat(driver.runnerState("vm-a")).isEqualTo(RunnerState.EXITED_FAILED);

    driver.cloneAndStart("vm-b", TEMPLATE);
    driver.startRunner("vm-b", SECRET);
    ProcessHandle runner = ProcessHandle.of(driver.runnerPid("vm-b").orElseThrow()).orElseThrow();
    runner.destroyForcibly();
    runner.onExit().get();
    assertThat(driver.runnerState("vm-b")).isEqualTo(RunnerState.EXITED_FAILED);
  }

  @Test
  void aRunnerCommandThatExitsReportsItsExitCode() throws Exception {
    SimulatedVmDriver quick = new SimulatedVmDriver(root, Duration.ZERO, id -> true, java.util.List.of("true"));
    quick.ensureTemplate(TEMPLATE, () -> {});
    quick.cloneAndStart("vm-q", TEMPLATE);
    quick.startRunner("vm-q", SECRET);
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    RunnerState state;
    do {
      Thread.sleep(50);
      state = quick.runnerState("vm-q");
    } while (state == RunnerState.RUNNING && System.nanoTime() < deadline);
    assertThat(state).isEqualTo(RunnerState.EXITED_OK);
    quick.delete("vm-q");
  }

  @Test
  void aVmWhoseProcessDiedIsGone() throws Exception {
    driver.ensureTemplate(TEMPLATE, () -> {});
    driver.cloneAndStart("vm-c", TEMPLATE);
    ProcessHandle vm = ProcessHandle.of(driver.vmPid("vm-c").orElseThrow()).orElseThrow();
    vm.destroyForcibly();
    vm.onExit().get();
    assertThat(driver.runnerState("vm-c")).isEqualTo(RunnerState.NO_VM);
    assertThat(driver.list()).containsExactly("vm-c"); // still listed, for cleanup
  }

  @Test
  void theJitConfigIsAnOwnerOnlyFileAndNeverAnArgument() throws Exception {
    driver.ensureTemplate(TEMPLATE, () -> {});
    driver.cloneAndStart("hangar-7-1", TEMPLATE);
    driver.startRunner("hangar-7-1", SECRET);

    Path config = driver.runnerDir("hangar-7-1").resolve(".jitconfig");
    assertThat(config).hasContent(SECRET);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(config))).isEqualTo("rw-------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(config.getParent())))
        .isEqualTo("rwx------");

    long pid = driver.runnerPid("hangar-7-1").orElseThrow();
    assumeTrue(Files.isDirectory(Paths.get("/proc/" + pid)), "needs Linux /proc");
    String cmdline = new String(Files.readAllBytes(Paths.get("/proc/" + pid + "/cmdline")), StandardCharsets.UTF_8);
    String environ = new String(Files.readAllBytes(Paths.get("/proc/" + pid + "/environ")), StandardCharsets.UTF_8);
    assertThat(cmdline).startsWith("sleep").doesNotContain(SECRET).doesNotContain("jit");
    assertThat(environ).doesNotContain(SECRET).contains("HANGAR_RUNNER_DIR=");
  }

  @ParameterizedTest
  @ValueSource(strings = {"..", "../etc", "a/b", "a\\b", ".hidden", "-rf", "", " x", "x;rm", "a..b", "é",
      "0123456789012345678901234567890123456789012345678901234567890123456789"})
  void hostileNamesAreRefusedBeforeTouchingTheDisk(String name) {
    assertThatThrownBy(() -> driver.cloneAndStart(name, TEMPLATE))
        .isInstanceOfSatisfying(ApplicationFailure.class, f -> {
          assertThat(f.getType()).isEqualTo(SafeNames.INVALID_NAME);
          assertThat(f.isNonRetryable()).isTrue();
        });
    assertThatThrownBy(() -> driver.delete(name)).isInstanceOf(ApplicationFailure.class);
    assertThatThrownBy(() -> driver.ensureTemplate(new TemplateRef(name, null, TEMPLATE.resources()), () -> {}))
        .isInstanceOf(ApplicationFailure.class);
    assertThatThrownBy(() -> driver.ensureTemplate(new TemplateRef("macos-15", name, TEMPLATE.resources()), () -> {}))
        .isInstanceOf(ApplicationFailure.class);
  }

  @Test
  void startingARunnerInAMissingVmSaysSo() {
    assertThatThrownBy(() -> driver.startRunner("ghost", SECRET)).isInstanceOf(VmDriver.VmMissingException.class);
    assertThatThrownBy(() -> driver.finishRunner("ghost", true)).isInstanceOf(VmDriver.VmMissingException.class);
  }
}
