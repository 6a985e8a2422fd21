package dev.hangar.activities.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hangar.activities.secrets.SecretSealer;
import dev.hangar.workflows.Failures;
import dev.hangar.workflows.host.HostActivities;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestActivityEnvironment;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;

/** What the driver tests against the fake CLIs share. */
public final class DriverTests {

  private static final ObjectMapper JSON = new ObjectMapper();

  private DriverTests() {}

  /** A call that may throw. */
  public interface ThrowingCall {
    void run() throws Exception;
  }

  /** A condition polled by {@link #eventually}. */
  public interface Condition {
    boolean holds() throws Exception;
  }

  /** Waits up to 20 s for the condition. */
  public static void eventually(Condition condition) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (!condition.holds()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met within 20 s");
      }
      Thread.sleep(100);
    }
  }

  /**
   * An activity environment running host {@code mac-1}'s activities over {@code driver}, with a
   * ledger of these limits (VMs, cores, memory; resource checks on, a 10-minute reservation TTL) and
   * a disk free buffer of 10 %.
   */
  public static TestActivityEnvironment hostEnvironment(VmDriver driver, int maxVms, int cpuCores, long memoryMb,
      SecretSealer sealer, Supplier<HostResources> resources) {
    CapacityLedger ledger = new CapacityLedger(
        new CapacityLedger.Limits(maxVms, cpuCores, memoryMb, false, Duration.ofMinutes(10)), Clock.systemUTC());
    TestActivityEnvironment env = TestActivityEnvironment.newInstance();
    env.registerActivitiesImplementations(
        new HostActivitiesImpl("mac-1", driver, ledger, sealer, resources, CapacityListener.none(), 10));
    return env;
  }

  /** A stub of the host activities that tries each call once. */
  public static HostActivities hostStub(TestActivityEnvironment env) {
    return env.newActivityStub(HostActivities.class, ActivityOptions.newBuilder()
        .setStartToCloseTimeout(Duration.ofMinutes(1))
        .setHeartbeatTimeout(Duration.ofSeconds(10))
        .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build())
        .build());
  }

  /**
   * A roomy host whose disk of {@code diskGb} GiB holds nothing but the driver's templates, at the
   * size the driver reports for them.
   */
  public static HostResources diskHoldingTemplates(VmDriver driver, long diskGb) {
    try {
      long used = driver.templates().stream().mapToLong(VmDriver.TemplateInfo::sizeBytes).sum() >> 30;
      return new HostResources(64, 262144, 200000, diskGb, diskGb - used);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Deletes every Hangar VM the driver has (stopping the fake's processes). */
  public static void deleteVms(VmDriver driver) throws IOException {
    for (String vm : driver.list()) {
      driver.delete(vm);
    }
  }

  /** Names a workflow file could carry that must never reach a command line. */
  public static Stream<String> hostileNames() {
    return Stream.of(
        "hangar-1-1; rm -rf /", "$(touch /tmp/pwned)", "`id`", "a'b", "a\"b", "hangar-1-1\nclone",
        "x".repeat(10_000), "hängar-1-1", "ハンガー", "-rf", "--copy", "--no-graphics", "..", "a/../b", "", " ",
        "a b", "vm:", "ghcr.io/evil/x:1", "x@sha256:0");
  }

  /** Each call fails as a non-retryable {@code InvalidName}. */
  public static void assertRefusedAsInvalidNames(List<ThrowingCall> calls) {
    for (ThrowingCall call : calls) {
      assertThatThrownBy(call::run)
          .isInstanceOf(ApplicationFailure.class)
          .satisfies(e -> {
            ApplicationFailure f = (ApplicationFailure) e;
            assertThat(f.getType()).isEqualTo(Failures.INVALID_NAME);
            assertThat(f.isNonRetryable()).isTrue();
          });
    }
  }

  /**
   * The state directory of a fake CLI ({@code fake-anka}, {@code fake-tart}): its {@code argv.log}
   * and its VMs' home directories under {@code vms/<name>/home}.
   */
  public record FakeState(Path dir) {

    /** Every argv the fake received, one list per invocation. */
    public List<List<String>> argvs() throws IOException {
      Path log = dir.resolve("argv.log");
      if (!Files.exists(log)) {
        return List.of();
      }
      List<List<String>> all = new java.util.ArrayList<>();
      for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
        all.add(List.of(JSON.readValue(line, String[].class)));
      }
      return all;
    }

    /** The raw argv log, for "never contains" checks. */
    public String argvLog() throws IOException {
      Path log = dir.resolve("argv.log");
      return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
    }

    /** The VM's home directory inside the fake. */
    public Path home(String vm) {
      return dir.resolve("vms").resolve(vm).resolve("home");
    }

    /** Ends the fake runner's job in the VM with this exit code. */
    public void finishRunner(String vm, int exitCode) throws IOException {
      Files.writeString(home(vm).resolve(".fake-runner-finish"), Integer.toString(exitCode));
    }
  }
}
