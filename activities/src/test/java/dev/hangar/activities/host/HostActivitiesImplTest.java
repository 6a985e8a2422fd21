package dev.hangar.activities.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hangar.activities.host.hooks.TrustHook;
import dev.hangar.activities.secrets.SecretSealer;
import dev.hangar.testfixtures.MutableClock;
import dev.hangar.workflows.Failures;
import dev.hangar.workflows.TaskQueues;
import dev.hangar.workflows.github.SealedSecret;
import dev.hangar.workflows.host.Claim;
import dev.hangar.workflows.host.ClaimRequest;
import dev.hangar.workflows.host.HostActivities;
import dev.hangar.workflows.host.PlacementActivities;
import dev.hangar.workflows.host.VmCheck;
import dev.hangar.workflows.host.VmInfo;
import dev.hangar.workflows.routing.TrustPolicy;
import dev.hangar.workflows.template.Resources;
import dev.hangar.workflows.template.TemplateRef;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.testing.TestActivityEnvironment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HostActivitiesImplTest {

  static final TemplateRef TEMPLATE = new TemplateRef("macos-15", null, new Resources(4, 8192, 10));
  static final String JIT = "{\"jit\":\"very-secret-config\"}";

  @TempDir Path root;
  final MutableClock clock = new MutableClock();
  final SecretSealer sealer = SecretSealer.fromBase64(SecretSealer.newKey());
  final AtomicInteger capacityChanges = new AtomicInteger();
  final List<Object> heartbeats = new CopyOnWriteArrayList<>();

  SimulatedVmDriver driver;
  CapacityLedger ledger;
  TestActivityEnvironment env;
  HostActivities host;
  PlacementActivities placement;

  @BeforeEach
  void setUp() throws Exception {
    driver = new SimulatedVmDriver(root, Duration.ofMillis(300), Set.of("macos-15")::contains);
    ledger = new CapacityLedger(new CapacityLedger.Limits(2, 12, 32768, false, Duration.ofMinutes(10)), clock);
    HostResources resources = new HostResources(12, 32768, 16000, 500, 400);
    CapacityListener listener = capacityChanges::incrementAndGet;
    env = TestActivityEnvironment.newInstance();
    env.registerActivitiesImplementations(
        new HostActivitiesImpl("mac-1", driver, ledger, sealer, () -> resources, listener),
        new PlacementActivitiesImpl("mac-1", ledger, listener, driver::templatePresent));
    env.setActivityHeartbeatListener(String.class, heartbeats::add);
    ActivityOptions options = ActivityOptions.newBuilder()
        .setStartToCloseTimeout(Duration.ofMinutes(1))
        .setHeartbeatTimeout(Duration.ofSeconds(5))
        .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build())
        .build();
    host = env.newActivityStub(HostActivities.class, options);
    placement = env.newActivityStub(PlacementActivities.class, options);
  }

  @AfterEach
  void tearDown() throws Exception {
    env.close();
    for (String vm : driver.list()) {
      driver.delete(vm);
    }
  }

  @Test
  void runsAVmFromClaimToDeletion() throws Exception {
    Claim claim = placement.claimHost(new ClaimRequest("hangar-job-42", "hangar-42-1", TEMPLATE));
    assertThat(claim).isEqualTo(new Claim("mac-1", TaskQueues.host("mac-1")));
    assertThat(ledger.find("hangar-42-1")).isPresent();
    assertThat(capacityChanges.get()).isEqualTo(1);

    host.ensureTemplate(TEMPLATE);
    assertThat(heartbeats).contains("pulling");
    VmInfo vm = host.startVm("hangar-42-1", TEMPLATE);
    assertThat(vm.vmName()).isEqualTo("hangar-42-1");
    assertThat(vm.hostId()).isEqualTo("mac-1");
    assertThat(ledger.find("hangar-42-1").orElseThrow().started()).isTrue();
    assertThat(host.startVm("hangar-42-1", TEMPLATE)).isEqualTo(vm); // idempotent

    // clone and boot report no progress, so the activity heartbeats while they run: a task the
    // host never received goes silent and is retried after the heartbeat timeout
    assertThat(heartbeats).contains("starting VM");
    host.startRunner("hangar-42-1", sealer.seal(JIT), null);
    assertThat(driver.runnerDir("hangar-42-1").resolve(".jitconfig")).hasContent(JIT);
    assertThat(heartbeats).contains("starting runner");

    assertThat(host.checkVm("hangar-42-1").state()).isEqualTo(VmCheck.State.RUNNING);
    driver.finishRunner("hangar-42-1", true);
    assertThat(host.checkVm("hangar-42-1").state()).isEqualTo(VmCheck.State.RUNNER_FINISHED);

    host.deleteVm("hangar-42-1");
    assertThat(driver.list()).isEmpty();
    assertThat(heartbeats).contains("deleting VM");
    assertThat(ledger.reservedCount()).isZero();
    assertThat(capacityChanges.get()).isEqualTo(2);
    host.deleteVm("hangar-42-1"); // gone already: still a success
  }

  @Test
  void aFailedOrMissingRunnerIsReportedAsFailed() throws Exception {
    host.startVm("hangar-1-1", TEMPLATE); // pulls the template itself when missing
    assertThat(heartbeats).contains("pulling");
    assertThat(host.checkVm("hangar-1-1").state()).isEqualTo(VmCheck.State.RUNNER_FAILED); // never started
    host.startRunner("hangar-1-1", sealer.seal(JIT), null);
    driver.finishRunner("hangar-1-1", false);
    assertThat(host.checkVm("hangar-1-1").state()).isEqualTo(VmCheck.State.RUNNER_FAILED);
  }

  @Test
  void aDeletedOrCrashedVmIsGone() throws Exception {
    host.startVm("hangar-2-1", TEMPLATE);
    host.startRunner("hangar-2-1", sealer.seal(JIT), null);
    driver.delete("hangar-2-1");
    VmCheck check = host.checkVm("hangar-2-1");
    assertThat(check.state()).isEqualTo(VmCheck.State.VM_GONE);
    assertThat(check.detail()).contains("hangar-2-1");
    assertThatThrownBy(() -> host.startRunner("hangar-2-1", sealer.seal(JIT), null))
        .satisfies(e -> assertFailure(e, Failures.VM_GONE, true));

    host.startVm("hangar-2-2", TEMPLATE);
    ProcessHandle vm = ProcessHandle.of(driver.vmPid("hangar-2-2").orElseThrow()).orElseThrow();
    vm.destroyForcibly();
    vm.onExit().get(10, TimeUnit.SECONDS);
    assertThat(host.checkVm("hangar-2-2").state()).isEqualTo(VmCheck.State.VM_GONE);
  }

  @Test
  void startingAVmWhoseProcessDiedClonesItAfresh() throws Exception {
    host.startVm("hangar-9-1", TEMPLATE);
    ProcessHandle vm = ProcessHandle.of(driver.vmPid("hangar-9-1").orElseThrow()).orElseThrow();
    vm.destroyForcibly();
    vm.onExit().get(10, TimeUnit.SECONDS);
    host.startVm("hangar-9-1", TEMPLATE);
    assertThat(driver.vmPid("hangar-9-1")).isPresent().get().isNotEqualTo(vm.pid());
    assertThat(host.checkVm("hangar-9-1").state()).isEqualTo(VmCheck.State.RUNNER_FAILED); // up, no runner yet
  }

  @Test
  void aCancelledPullStops() throws Exception {
    SimulatedVmDriver slow = new SimulatedVmDriver(root, Duration.ofSeconds(30), id -> true);
    HostResources resources = new HostResources(12, 32768, 16000, 500, 400);
    TestActivityEnvironment slowEnv = TestActivityEnvironment.newInstance();
    try {
      slowEnv.registerActivitiesImplementations(
          new HostActivitiesImpl("mac-1", slow, ledger, sealer, () -> resources, CapacityListener.none()));
      HostActivities slowHost = slowEnv.newActivityStub(HostActivities.class, ActivityOptions.newBuilder()
          .setStartToCloseTimeout(Duration.ofMinutes(1))
          .setHeartbeatTimeout(Duration.ofSeconds(5))
          .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build())
          .build());
      CompletableFuture<Void> pull = CompletableFuture.runAsync(() -> slowHost.ensureTemplate(TEMPLATE));
      Thread.sleep(500);
      slowEnv.requestCancelActivity();
      assertThatThrownBy(() -> pull.get(10, TimeUnit.SECONDS)).hasRootCauseInstanceOf(CanceledFailure.class);
      assertThat(slow.templatePresent(TEMPLATE)).isFalse();
    } finally {
      slowEnv.close();
    }
  }

  @Test
  void unknownTemplatesAreNotFound() {
    TemplateRef unknown = new TemplateRef("nope", null, TEMPLATE.resources());
    assertThatThrownBy(() -> host.ensureTemplate(unknown))
        .satisfies(e -> assertFailure(e, Failures.TEMPLATE_NOT_FOUND, true));
    assertThatThrownBy(() -> host.startVm("hangar-4-1", unknown))
        .satisfies(e -> assertFailure(e, Failures.TEMPLATE_NOT_FOUND, true));
  }

  @Test
  void templatesLargerThanTheHostAreRefused() {
    TemplateRef huge = new TemplateRef("macos-15", null, new Resources(64, 8192, 10));
    assertThatThrownBy(() -> host.ensureTemplate(huge))
        .satisfies(e -> assertFailure(e, Failures.TEMPLATE_TOO_LARGE, true));
    TemplateRef hugeDisk = new TemplateRef("macos-15", null, new Resources(4, 8192, 5000));
    assertThatThrownBy(() -> host.ensureTemplate(hugeDisk))
        .satisfies(e -> assertFailure(e, Failures.TEMPLATE_TOO_LARGE, true));
    assertThatThrownBy(() -> placement.claimHost(new ClaimRequest("w", "hangar-5-1", huge)))
        .satisfies(e -> assertFailure(e, Failures.TEMPLATE_TOO_LARGE, true));
  }

  @Test
  void aFullHostHandsTheClaimBack() {
    placement.claimHost(new ClaimRequest("w", "hangar-6-1", TEMPLATE));
    placement.claimHost(new ClaimRequest("w", "hangar-6-2", TEMPLATE));
    placement.claimHost(new ClaimRequest("w", "hangar-6-1", TEMPLATE)); // a retry: same reservation
    assertThatThrownBy(() -> placement.claimHost(new ClaimRequest("w", "hangar-7-1", TEMPLATE)))
        .satisfies(e -> assertFailure(e, Failures.NO_CAPACITY, false))
        // offered again to the fleet at once, not after the claim's retry backoff
        .satisfies(e -> assertThat(((ApplicationFailure) e.getCause()).getNextRetryDelay())
            .isEqualTo(PlacementActivitiesImpl.HAND_BACK_DELAY));
    assertThat(capacityChanges.get()).isEqualTo(4);
  }

  @Test
  void aClaimSaysWhetherTheTemplateIsAlreadyOnTheHost() {
    assertThat(placement.claimHost(new ClaimRequest("w", "hangar-8-1", TEMPLATE)).templatePresent()).isFalse();
    host.ensureTemplate(TEMPLATE);
    assertThat(placement.claimHost(new ClaimRequest("w", "hangar-8-2", TEMPLATE)))
        .isEqualTo(new Claim("mac-1", TaskQueues.host("mac-1"), true));
  }

  @Test
  void aHostThatCannotTellWhetherItHasTheTemplateStillGrantsTheClaim() {
    TestActivityEnvironment broken = TestActivityEnvironment.newInstance();
    try {
      broken.registerActivitiesImplementations(new PlacementActivitiesImpl("mac-1", ledger, () -> {}, t -> {
        throw new IOException("tart list exited 1");
      }));
      PlacementActivities claims = broken.newActivityStub(PlacementActivities.class,
          ActivityOptions.newBuilder().setStartToCloseTimeout(Duration.ofMinutes(1)).build());
      assertThat(claims.claimHost(new ClaimRequest("w", "hangar-9-1", TEMPLATE)))
          .isEqualTo(new Claim("mac-1", TaskQueues.host("mac-1"), false));
      assertThat(ledger.find("hangar-9-1")).isPresent();
    } finally {
      broken.close();
    }
  }

  @Test
  void aDrainingHostHandsNewClaimsBackButKeepsServingItsVms() throws Exception {
    placement.claimHost(new ClaimRequest("w", "hangar-6-1", TEMPLATE));
    host.startVm("hangar-6-1", TEMPLATE);
    ledger.startDraining();
    assertThatThrownBy(() -> placement.claimHost(new ClaimRequest("w", "hangar-7-1", TEMPLATE)))
        .satisfies(e -> assertFailure(e, Failures.NO_CAPACITY, false))
        .satisfies(e -> assertThat(stackText(e)).contains("draining"));
    assertThat(ledger.find("hangar-7-1")).isEmpty();
    placement.claimHost(new ClaimRequest("w", "hangar-6-1", TEMPLATE)); // a retry of a claim it holds
    assertThat(host.checkVm("hangar-6-1").state()).isEqualTo(VmCheck.State.RUNNER_FAILED); // no runner yet
    host.deleteVm("hangar-6-1");
    assertThat(driver.list()).isEmpty();
    assertThat(ledger.reservedCount()).isZero();
  }

  @Test
  void aSecretSealedWithAnotherKeyIsUnreadable() throws Exception {
    host.startVm("hangar-8-1", TEMPLATE);
    SealedSecret foreign = SecretSealer.fromBase64(SecretSealer.newKey()).seal(JIT);
    assertThatThrownBy(() -> host.startRunner("hangar-8-1", foreign, null))
        .satisfies(e -> assertFailure(e, Failures.SECRET_UNREADABLE, true))
        .satisfies(e -> assertThat(stackText(e)).doesNotContain("very-secret-config"));
    assertThat(Files.exists(driver.runnerDir("hangar-8-1").resolve(".jitconfig"))).isFalse();
  }

  @Test
  void hostileNamesAreRefused() {
    assertThatThrownBy(() -> host.deleteVm("../../etc"))
        .satisfies(e -> assertFailure(e, SafeNames.INVALID_NAME, true));
    assertThatThrownBy(() -> placement.claimHost(new ClaimRequest("w", "../x", TEMPLATE)))
        .satisfies(e -> assertFailure(e, SafeNames.INVALID_NAME, true));
    assertThat(ledger.reservedCount()).isZero();
  }

  @Test
  void theTrustPolicyGoesIntoTheVmAsTheJobStartedHook() throws Exception {
    TrustPolicy policy = new TrustPolicy(List.of(), List.of("my-org/*"), List.of(), List.of("push"), false, null);
    placement.claimHost(new ClaimRequest("hangar-job-9", "hangar-9-1", TEMPLATE));
    host.startVm("hangar-9-1", TEMPLATE);

    host.startRunner("hangar-9-1", sealer.seal(JIT), policy);

    Path runner = driver.runnerDir("hangar-9-1");
    assertThat(runner.resolve(TrustHook.HOOK)).hasBinaryContent(TrustHook.files(policy).files().get(TrustHook.HOOK));
    assertThat(runner.resolve(TrustHook.POLICY)).content().contains("\"repositories\":[\"my-org/*\"]");
  }

  static void assertFailure(Throwable e, String type, boolean nonRetryable) {
    assertThat(e).isInstanceOf(ActivityFailure.class);
    assertThat(e.getCause()).isInstanceOfSatisfying(ApplicationFailure.class, f -> {
      assertThat(f.getType()).isEqualTo(type);
      assertThat(f.isNonRetryable()).isEqualTo(nonRetryable);
    });
  }

  static String stackText(Throwable e) {
    java.io.StringWriter out = new java.io.StringWriter();
    e.printStackTrace(new java.io.PrintWriter(out));
    return out.toString();
  }
}
