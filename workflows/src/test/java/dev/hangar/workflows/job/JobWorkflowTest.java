package dev.hangar.workflows.job;

import static dev.hangar.workflows.job.JobHarness.completed;
import static dev.hangar.workflows.job.JobHarness.event;
import static dev.hangar.workflows.job.JobHarness.inProgress;
import static dev.hangar.workflows.job.JobHarness.POOL_LABEL;
import static dev.hangar.workflows.job.JobHarness.job;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hangar.workflows.HangarSearchAttributes;
import dev.hangar.workflows.Names;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.history.v1.ActivityTaskScheduledEventAttributes;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowFailedException;
import io.temporal.failure.CanceledFailure;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.slf4j.LoggerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** One test per path of a job's life, on Temporal's time-skipping test server. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class JobWorkflowTest {

  private final FakeHost mac1 = new FakeHost("mac-1");
  private final FakeHost mac2 = new FakeHost("mac-2");
  private JobHarness h;

  @AfterEach
  void close() {
    if (h != null) {
      h.close();
    }
  }

  @Test
  void happyPathRunsTheJobOnOneVmAndDeletesIt() {
    h = new JobHarness(mac1);
    h.start(job(1));
    JobStatus up = h.awaitRunnerUp(1, 1);
    assertThat(up.host()).isEqualTo("mac-1");
    assertThat(up.vmName()).isEqualTo("hangar-1-1");

    h.deliver(job(1), inProgress(1, "hangar-1-1"));
    assertThat(h.awaitStatus(1, s -> s.phase() == Phase.RUNNING).runnerName()).isEqualTo("hangar-1-1");
    h.deliver(job(1), completed(1, "hangar-1-1", "success"));
    mac1.finishRunner("hangar-1-1");

    JobOutcome outcome = h.result(1);
    assertThat(outcome.result()).isEqualTo(JobOutcome.Result.COMPLETED);
    assertThat(outcome.conclusion()).isEqualTo("success");
    assertThat(outcome.vmsCreated()).isEqualTo(1);
    assertThat(mac1.created).containsExactly("hangar-1-1");
    assertThat(mac1.deleted).containsExactly("hangar-1-1");
    assertThat(mac1.runnersStarted).containsExactly("hangar-1-1");
    // One GitHub call for a job that succeeds first time: the JIT config. The ephemeral runner
    // removed itself after its job, so no removal is needed.
    assertThat(h.github.registered).containsExactly("hangar-1-1");
    assertThat(h.github.calls()).isEqualTo(1);
    h.recordHistory(1, "happy-path");
  }

  @Test
  void registrationTimeoutTearsTheVmDownAndTheSecondVmRunsTheJob() {
    h = new JobHarness(mac1);
    h.start(job(2));
    h.awaitRunnerUp(2, 1);

    h.env.sleep(h.policy.registrationTimeout().plusSeconds(1));
    h.awaitRunnerUp(2, 2);
    assertThat(mac1.deleted).containsExactly("hangar-2-1");
    assertThat(h.github.removed).containsExactly("hangar-2-1");

    h.deliver(job(2), inProgress(2, "hangar-2-2"));
    h.deliver(job(2), completed(2, "hangar-2-2", "success"));

    JobOutcome outcome = h.result(2);
    assertThat(outcome.result()).isEqualTo(JobOutcome.Result.COMPLETED);
    assertThat(outcome.vmsCreated()).isEqualTo(2);
    assertThat(mac1.created).containsExactly("hangar-2-1", "hangar-2-2");
    assertThat(mac1.deleted).containsExactlyInAnyOrder("hangar-2-1", "hangar-2-2");
    assertThat(mac1.vms).isEmpty();
    assertThat(h.github.cancelledRuns).isEmpty();
    h.recordHistory(2, "registration-timeout-then-success");
  }

  @Test
  void fiveRegistrationTimeoutsMakeFiveVmsThenCancelTheRunOnce() {
    h = new JobHarness(mac1);
    h.start(job(3));

    JobOutcome outcome = h.result(3);

    assertThat(outcome.result()).isEqualTo(JobOutcome.Result.GAVE_UP);
    assertThat(outcome.detail()).contains("none of 5 VMs").endsWith(JobWorkflowImpl.RUN_CANCELLED);
    assertThat(mac1.created).hasSize(5).doesNotHaveDuplicates();
    assertThat(mac1.deleted).containsExactlyInAnyOrderElementsOf(mac1.created);
    assertThat(h.github.removed).containsExactlyInAnyOrderElementsOf(mac1.created);
    assertThat(h.github.cancelledRuns).containsExactly(30L);
    h.recordHistory(3, "five-timeouts-gave-up");
  }

  @Test
  void completedBeforeAnyVmEndsTheJobWithNoVmAndNoGitHubCall() {
    h = new JobHarness(mac1);
    h.deliver(job(4), completed(4, null, "cancelled"));

    JobOutcome outcome = h.result(4);

    assertThat(outcome.result()).isEqualTo(JobOutcome.Result.COMPLETED);
    assertThat(outcome.conclusion()).isEqualTo("cancelled");
    assertThat(outcome.vmsCreated()).isZero();
    assertThat(mac1.created).isEmpty();
    assertThat(h.placement.claims).isEmpty();
    assertThat(h.github.calls()).isZero();
  }

  @Test
  void tenDuplicateQueuedDeliveriesMakeOneExecutionAndOneVm() {
    h = new JobHarness(mac1);
    Set<String> runIds = new HashSet<>();
    for (int i = 0; i < 10; i++) {
      WorkflowExecution execution = h.deliver(job(5), event(JobEvent.Action.QUEUED, 5, null, null));
      runIds.add(execution.getRunId());
    }
    h.awaitRunnerUp(5, 1);
    h.deliver(job(5), inProgress(5, "hangar-5-1"));
    h.deliver(job(5), completed(5, "hangar-5-1", "success"));

    assertThat(h.result(5).vmsCreated()).isEqualTo(1);
    assertThat(runIds).hasSize(1);
    assertThat(mac1.created).containsExactly("hangar-5-1");
    assertThat(h.github.registered).hasSize(1);
  }

  @Test
  void manualCancelMidJobDeletesTheVmAndCancelsTheRun() {
    h = new JobHarness(mac1);
    h.start(job(6));
    h.awaitRunnerUp(6, 1);
    h.deliver(job(6), inProgress(6, "hangar-6-1"));
    h.awaitStatus(6, s -> s.phase() == Phase.RUNNING);

    h.untyped(6).cancel();

    assertThatThrownBy(() -> h.result(6))
        .isInstanceOf(WorkflowFailedException.class)
        .hasCauseInstanceOf(CanceledFailure.class);
    assertThat(mac1.deleted).containsExactly("hangar-6-1");
    assertThat(h.github.cancelledRuns).containsExactly(60L);
    assertThat(h.github.removed).containsExactly("hangar-6-1");
    h.recordHistory(6, "manual-cancel");
  }

  @Test
  void hostLostMidAttemptMovesTheAttemptToAnotherHost() {
    h = new JobHarness(mac1, mac2);
    // An activity waiting in a queue stops the test server's clock from skipping, so the host
    // timeout here is short and real.
    h.policy = JobHarness.policy(null, null, null, Duration.ofSeconds(2));
    h.placement.nextHosts.add("mac-dead");
    h.start(job(7));

    // Nobody polls mac-dead's queue: after the host timeout the attempt moves on.
    JobStatus second = h.awaitRunnerUp(7, 2);
    assertThat(second.host()).isEqualTo("mac-1");
    assertThat(second.vms().get(0).detail()).contains("mac-dead");

    h.deliver(job(7), inProgress(7, "hangar-7-2"));
    h.deliver(job(7), completed(7, "hangar-7-2", "success"));
    assertThat(h.result(7).result()).isEqualTo(JobOutcome.Result.COMPLETED);
    assertThat(mac1.created).containsExactly("hangar-7-2");
    assertThat(mac1.deleted).containsExactly("hangar-7-2");
    assertThat(h.github.registered).containsExactly("hangar-7-2");
  }

  @Test
  void runnersSwappingJobsServeBothAndLeakNoVm() {
    startJobsWithRunnersUp(8, 9);

    // GitHub puts job 8 on job 9's runner and job 9 on job 8's runner. The gateway sends each
    // event to the job's workflow and to the workflow that owns the runner. Job 9 learns first that
    // its runner went to job 8, while its own job is still queued: it waits for job 8's VM.
    h.sendLikeTheGateway(inProgress(8, "hangar-9-1"));
    JobStatus waiting = h.awaitStatus(9, s -> s.vms().get(0).servedJobId() != null);
    assertThat(waiting.phase()).isEqualTo(Phase.AWAITING_START);
    h.sendLikeTheGateway(inProgress(9, "hangar-8-1"));
    h.sendLikeTheGateway(completed(8, "hangar-9-1", "success"));
    h.sendLikeTheGateway(completed(9, "hangar-8-1", "failure"));

    assertThat(h.result(8).conclusion()).isEqualTo("success");
    assertThat(h.result(9).conclusion()).isEqualTo("failure");
    // One VM and one GitHub call (the JIT configuration) per job: no extra VM, no removal.
    assertThat(h.result(8).vmsCreated()).isEqualTo(1);
    assertThat(h.result(9).vmsCreated()).isEqualTo(1);
    assertThat(mac1.created).containsExactlyInAnyOrder("hangar-8-1", "hangar-9-1");
    assertThat(mac1.deleted).containsExactlyInAnyOrderElementsOf(mac1.created);
    assertThat(mac1.vms).as("no VM left").isEmpty();
    assertThat(h.github.removed).isEmpty();
    assertThat(h.github.calls()).isEqualTo(2);
    h.recordHistory(9, "runners-swapped");
  }

  @Test
  void threeJobsSwappingRunnersInACycleUseThreeVmsAndThreeCalls() {
    startJobsWithRunnersUp(22, 24);

    // Job 22 runs on job 23's runner, 23 on 24's, 24 on 22's; all start before any completes.
    long[][] jobAndRunnerOwner = {{22, 23}, {23, 24}, {24, 22}};
    for (long[] run : jobAndRunnerOwner) {
      h.sendLikeTheGateway(inProgress(run[0], Names.vmName(run[1], 1)));
    }
    for (long[] run : jobAndRunnerOwner) {
      h.sendLikeTheGateway(completed(run[0], Names.vmName(run[1], 1), "success"));
    }

    assertEachServedOnOneVmWithOneCall(22, 24);
  }

  @Test
  void aJobThatRanOnAnotherJobsRunnerKeepsItsIdleVmForThatJobAfterItCompletes() {
    startJobsWithRunnersUp(40, 42);

    // Job 41 runs and completes on job 40's runner while 40 and 42 are queued. Job 41's idle VM
    // is not released when its job completes: it is the replacement for job 40's.
    h.sendLikeTheGateway(inProgress(41, "hangar-40-1"));
    h.sendLikeTheGateway(completed(41, "hangar-40-1", "success"));
    h.awaitStatus(41, s -> s.phase() == Phase.CLEANING_UP);
    assertThat(h.github.removed).isEmpty();
    // GitHub gives that VM the oldest queued job, 42; 42's VM then goes to 40.
    h.sendLikeTheGateway(inProgress(42, "hangar-41-1"));
    h.sendLikeTheGateway(inProgress(40, "hangar-42-1"));
    h.sendLikeTheGateway(completed(42, "hangar-41-1", "success"));
    h.sendLikeTheGateway(completed(40, "hangar-42-1", "success"));

    assertEachServedOnOneVmWithOneCall(40, 42);
  }

  @Test
  void aSwappedJobsVmThatNoJobTakesRetiresAtTheRegistrationTimeout() {
    startJobsWithRunnersUp(43, 44);

    // Job 44 runs on job 43's runner; job 43 is then cancelled before any runner took it.
    h.sendLikeTheGateway(inProgress(44, "hangar-43-1"));
    h.sendLikeTheGateway(completed(43, null, "cancelled"));
    h.sendLikeTheGateway(completed(44, "hangar-43-1", "success"));
    // Job 44 completed but keeps its idle VM: another job may still be given it.
    assertThat(h.awaitStatus(44, s -> s.phase() == Phase.CLEANING_UP).vms())
        .extracting(JobStatus.VmStatus::state)
        .containsExactly("IDLE");
    assertThat(h.github.removed).isEmpty();

    // None is: the VM retires at its registration timeout and the workflow ends.
    assertThat(h.result(44).result()).isEqualTo(JobOutcome.Result.COMPLETED);
    assertThat(h.result(43).vmsCreated()).isEqualTo(1);
    assertThat(mac1.created).containsExactlyInAnyOrder("hangar-43-1", "hangar-44-1");
    assertThat(mac1.vms).as("no VM left").isEmpty();
    assertThat(h.github.removed).containsExactly("hangar-44-1");
  }

  @Test
  void aJobStartedOnAnotherJobsRunnerBeforeItMadeAVmMakesOneForThatJob() {
    h = new JobHarness(mac1);
    h.start(job(62));
    h.awaitRunnerUp(62, 1);

    // Job 63 starts on job 62's runner before its own workflow has made any VM: the first event
    // its workflow sees is in_progress. Job 62 now waits for job 63's VM, so job 63 makes one.
    h.deliver(job(63), inProgress(63, "hangar-62-1"));
    h.signal(62, inProgress(63, "hangar-62-1").ofHangarJob());
    h.awaitRunnerUp(63, 1);
    // GitHub gives it the oldest queued job, 62, long before 62's swap window ends.
    h.sendLikeTheGateway(inProgress(62, "hangar-63-1"));
    h.sendLikeTheGateway(completed(63, "hangar-62-1", "success"));
    h.sendLikeTheGateway(completed(62, "hangar-63-1", "success"));

    assertEachServedOnOneVmWithOneCall(62, 63);
    h.recordHistory(63, "swap-partner-gets-a-vm");
  }

  @Test
  void whenTheSwapPartnersVmNeverComesTheJobMakesItsNextVmAfterTheRegistrationTimeout() {
    h = new JobHarness(mac1);
    h.start(job(45));
    h.awaitRunnerUp(45, 1);

    // Job 46 is Hangar's, but its VM never comes (its workflow is not even running).
    h.signal(45, inProgress(46, "hangar-45-1").ofHangarJob());
    h.awaitStatus(45, s -> s.vms().get(0).servedJobId() != null);
    h.env.sleep(h.policy.registrationTimeout().minusSeconds(5));
    JobStatus stillWaiting = h.awaitStatus(45, s -> s.phase() == Phase.AWAITING_START);
    assertThat(stillWaiting.attempt()).isEqualTo(1);
    assertThat(mac1.created).containsExactly("hangar-45-1");

    h.env.sleep(Duration.ofSeconds(6));
    h.awaitRunnerUp(45, 2);
    h.signal(45, inProgress(45, "hangar-45-2"));
    h.signal(45, completed(45, "hangar-45-2", "success"));
    h.signal(45, completed(46, "hangar-45-1", "success"));

    JobOutcome outcome = h.result(45);
    assertThat(outcome.result()).isEqualTo(JobOutcome.Result.COMPLETED);
    assertThat(outcome.vmsCreated()).isEqualTo(2);
    assertThat(mac1.vms).as("no VM left").isEmpty();
    assertThat(h.github.removed).isEmpty();
    assertThat(h.github.calls()).isEqualTo(2);
  }

  @Test
  void aJobWhoseClaimWaitedBehindABacklogWaitsThatMuchLongerForItsSwapPartner() {
    h = new JobHarness(mac1);
    // Real time, and short: a claim being granted stops the test server's clock from skipping.
    h.policy = JobHarness.policy(Duration.ofSeconds(4), null, null, null);
    h.placement.beforeClaim = request -> {
      if (request.vmName().equals("hangar-53-1")) {
        pause(Duration.ofSeconds(6)); // a placement queue with a 6 s backlog
      }
    };
    waitsForTheSwapPartnerTheRegistrationTimeoutPlusSixSeconds(53, "swap-window-follows-backlog");
  }

  /**
   * With a 4 s registration timeout and a 6 s backlog behind the job's first VM: once another
   * Hangar job ({@code jobId + 1}) takes that VM's runner, the job waits 4 s + 6 s for that job's
   * VM, not 4 s, before it makes its next VM.
   */
  private void waitsForTheSwapPartnerTheRegistrationTimeoutPlusSixSeconds(long jobId, String history) {
    long partner = jobId + 1;
    h.start(job(jobId));
    h.awaitRunnerUp(jobId, 1);

    long taken = System.nanoTime();
    h.signal(jobId, inProgress(partner, Names.vmName(jobId, 1)).ofHangarJob());
    h.awaitStatus(jobId, s -> s.vms().get(0).servedJobId() != null);
    // Past the registration timeout alone, the job still waits: the partner's VM is in the same line.
    pause(Duration.ofSeconds(6).minusNanos(System.nanoTime() - taken));
    assertThat(h.awaitStatus(jobId, s -> true).attempt()).isEqualTo(1);
    assertThat(mac1.created).containsExactly(Names.vmName(jobId, 1));

    // No job started on any runner: after 4 s + 6 s the job makes its next VM.
    h.awaitRunnerUp(jobId, 2);
    assertThat(Duration.ofNanos(System.nanoTime() - taken)).isGreaterThan(Duration.ofMillis(9_500));
    h.signal(jobId, inProgress(jobId, Names.vmName(jobId, 2)));
    h.signal(jobId, completed(jobId, Names.vmName(jobId, 2), "success"));
    h.signal(jobId, completed(partner, Names.vmName(jobId, 1), "success"));
    assertThat(h.result(jobId).vmsCreated()).isEqualTo(2);
    assertThat(mac1.vms).as("no VM left").isEmpty();
    h.recordHistory(jobId, history);
  }

  @Test
  void aJobWhoseVmStartWaitedBehindABacklogWaitsThatMuchLongerForItsSwapPartner() {
    h = new JobHarness(mac1);
    h.policy = JobHarness.policy(Duration.ofSeconds(4), null, null, null); // real time, as above
    mac1.beforeStart = vmName -> {
      if (vmName.equals("hangar-57-1")) {
        pause(Duration.ofSeconds(6)); // granted at once, then 6 s in the line of VM starts
      }
    };
    waitsForTheSwapPartnerTheRegistrationTimeoutPlusSixSeconds(57, "swap-window-follows-vm-starts");
  }

  @Test
  void aClaimKeptForASwapIsWithdrawnOnlyOnceTheBacklogItHasSeenHasPassedToo() throws Exception {
    h = new JobHarness(mac1);
    h.policy = JobHarness.policy(Duration.ofSeconds(4), null, null, null); // real time, as above
    java.util.concurrent.CountDownLatch noRoom = new java.util.concurrent.CountDownLatch(1);
    h.placement.beforeClaim = request -> {
      if (request.vmName().equals("hangar-56-1")) {
        try {
          noRoom.await(60, TimeUnit.SECONDS); // no host grants job 56's claim during the test
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    };
    h.start(job(55));
    h.awaitRunnerUp(55, 1);
    h.start(job(56));
    h.awaitStatus(56, s -> s.vms().size() == 1);
    pause(Duration.ofSeconds(3)); // job 56's claim has waited 3 s when its job starts

    // Job 56 runs on job 55's runner and keeps its claim for job 55, the swap partner (whose own
    // run is then cancelled, so it makes no VM of its own meanwhile).
    long started = System.nanoTime();
    h.sendLikeTheGateway(inProgress(56, "hangar-55-1"));
    h.sendLikeTheGateway(completed(55, null, "cancelled"));
    h.awaitStatus(56, s -> s.phase() == Phase.RUNNING);
    pause(Duration.ofSeconds(6).minusNanos(System.nanoTime() - started));
    assertThat(h.awaitStatus(56, s -> true).vms().get(0).state())
        .as("kept past the registration timeout alone").isEqualTo("CLAIMING");

    // After 4 s + the 3 s the claim had waited, it is withdrawn.
    JobStatus withdrawn = h.awaitStatus(56, s -> "RETIRED".equals(s.vms().get(0).state()));
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThan(Duration.ofMillis(6_500));
    assertThat(withdrawn.vms().get(0).detail()).isEqualTo("released before a host was claimed");
    noRoom.countDown();

    h.sendLikeTheGateway(completed(56, "hangar-55-1", "success"));
    assertThat(h.result(56).vmsCreated()).isEqualTo(1);
    assertThat(h.result(55).vmsCreated()).isEqualTo(1);
    assertThat(mac1.created).containsExactly("hangar-55-1");
    assertThat(mac1.vms).as("no VM left").isEmpty();
  }

  @Test
  void anEndlessChainOfSwapsStillEndsAtTheAttemptsLimit() {
    h = new JobHarness(mac1);
    h.policy = JobHarness.withMaxAttempts(1);
    h.start(job(47));

    // Every runner job 47 makes goes to another Hangar job whose VM never serves 47.
    for (int vm = 1; vm <= 4; vm++) {
      h.awaitRunnerUp(47, vm);
      h.signal(47, inProgress(470 + vm, Names.vmName(47, vm)).ofHangarJob());
      h.signal(47, completed(470 + vm, Names.vmName(47, vm), "success"));
      int taken = vm;
      h.awaitStatus(47, s -> s.vms().get(taken - 1).servedJobId() != null);
      h.env.sleep(h.policy.registrationTimeout().plusSeconds(1));
    }

    JobOutcome outcome = h.result(47);
    assertThat(outcome.result()).isEqualTo(JobOutcome.Result.GAVE_UP);
    assertThat(outcome.vmsCreated()).isEqualTo(4);
    assertThat(h.github.cancelledRuns).containsExactly(470L);
    assertThat(mac1.vms).as("no VM left").isEmpty();
  }

  @Test
  void aJobStartedOnARunnerNotHangarsReleasesItsIdleVmAsBefore() {
    h = new JobHarness(mac1);
    h.start(job(48));
    h.awaitRunnerUp(48, 1);

    h.sendLikeTheGateway(inProgress(48, "mac-mini-7"));
    h.sendLikeTheGateway(completed(48, "mac-mini-7", "success"));

    JobOutcome outcome = h.result(48);
    assertThat(outcome.vmsCreated()).isEqualTo(1);
    assertThat(mac1.deleted).containsExactly("hangar-48-1");
    assertThat(h.github.removed).containsExactly("hangar-48-1");
  }

  @Test
  void runnerTakingAnotherJobWhileOursWaitsMakesANewVmForOurs() {
    h = new JobHarness(mac1);
    h.start(job(10));
    h.start(job(11));
    h.awaitRunnerUp(10, 1);
    h.awaitRunnerUp(11, 1);

    // Job 11 runs on job 10's runner; job 10 is still queued. Job 10's workflow is not told that
    // job 11 is Hangar's (as from a gateway that did not yet say so), so it makes another VM.
    sendUnmarked(inProgress(11, "hangar-10-1"));
    JobStatus second = h.awaitRunnerUp(10, 2);
    assertThat(second.vms().get(0).servedJobId()).isEqualTo(11L);

    h.sendLikeTheGateway(inProgress(10, "hangar-10-2"));
    h.sendLikeTheGateway(completed(10, "hangar-10-2", "success"));
    sendUnmarked(completed(11, "hangar-10-1", "success"));

    assertThat(h.result(10).vmsCreated()).isEqualTo(2);
    assertThat(h.result(11).vmsCreated()).isEqualTo(1);
    assertThat(mac1.created).containsExactlyInAnyOrder("hangar-10-1", "hangar-10-2", "hangar-11-1");
    assertThat(mac1.vms).as("no VM left").isEmpty();
    // Job 11's own runner never got a job: it was removed from GitHub at its registration timeout.
    assertThat(h.github.removed).containsExactly("hangar-11-1");
    h.recordHistory(10, "runner-took-another-job");
  }

  @Test
  void aVmWhoseRunnerServedAnotherJobDoesNotUseUpAnAttempt() {
    h = new JobHarness(mac1);
    h.policy = JobHarness.withMaxAttempts(2);
    h.start(job(19));
    h.awaitRunnerUp(19, 1);

    // GitHub gives job 19's first runner another job (99); the second runner gets nothing.
    h.signal(19, inProgress(99, "hangar-19-1"));
    h.awaitRunnerUp(19, 2);
    h.env.sleep(h.policy.registrationTimeout().plusSeconds(1));

    // One attempt failed, one VM served another job: with 2 attempts allowed, a third VM comes.
    h.awaitRunnerUp(19, 3);
    assertThat(h.github.cancelledRuns).isEmpty();
    h.deliver(job(19), inProgress(19, "hangar-19-3"));
    h.deliver(job(19), completed(19, "hangar-19-3", "success"));
    h.signal(19, completed(99, "hangar-19-1", "success"));

    JobOutcome outcome = h.result(19);
    assertThat(outcome.result()).isEqualTo(JobOutcome.Result.COMPLETED);
    assertThat(outcome.vmsCreated()).isEqualTo(3);
    assertThat(mac1.vms).isEmpty();
  }

  @Test
  void jobRunningPastTheMaximumDurationIsCancelled() {
    h = new JobHarness(mac1);
    h.start(job(12));
    h.awaitRunnerUp(12, 1);
    h.deliver(job(12), inProgress(12, "hangar-12-1"));
    h.awaitStatus(12, s -> s.phase() == Phase.RUNNING);

    JobOutcome outcome = h.result(12);

    assertThat(outcome.result()).isEqualTo(JobOutcome.Result.TIMED_OUT);
    assertThat(outcome.detail()).isEqualTo("job ran longer than PT6H" + JobWorkflowImpl.RUN_CANCELLED);
    assertThat(h.github.cancelledRuns).containsExactly(120L);
    assertThat(mac1.deleted).containsExactly("hangar-12-1");
    // 6 h of job, a look at the VM every 5 min.
    assertThat(mac1.checks.get()).isEqualTo(72);
  }

  @Test
  void noHostWithRoomWithinTheMaximumWaitGivesUp() {
    h = new JobHarness();
    // Real time: an activity waiting in a queue stops the test server's clock from skipping.
    h.policy = JobHarness.policy(null, null, Duration.ofSeconds(2), null);
    h.start(job(13));

    JobOutcome outcome = h.result(13);

    assertThat(outcome.result()).isEqualTo(JobOutcome.Result.GAVE_UP);
    assertThat(outcome.detail()).contains("no host had room").endsWith(JobWorkflowImpl.RUN_CANCELLED);
    assertThat(outcome.vmsCreated()).isEqualTo(1);
    assertThat(h.github.cancelledRuns).containsExactly(130L);
    assertThat(h.github.registered).isEmpty();
  }

  @Test
  void aTemplateNoRegistryHasCancelsTheRunAfterOneAttempt() {
    h = new JobHarness(mac1);
    h.start(job(21, "self-hosted", "anka-template:nowhere"));

    JobOutcome outcome = h.result(21);

    assertThat(outcome.result()).isEqualTo(JobOutcome.Result.UNKNOWN_TEMPLATE);
    assertThat(outcome.vmsCreated()).isEqualTo(1);
    assertThat(outcome.detail()).contains("no such template").endsWith(JobWorkflowImpl.RUN_CANCELLED);
    assertThat(h.github.cancelledRuns).containsExactly(210L);
    assertThat(h.github.registered).isEmpty();
    assertThat(mac1.created).isEmpty();
  }

  @Test
  void jobNoPoolServesEndsAtOnceWithNoCall() {
    h = new JobHarness(mac1);
    h.start(job(14, "ubuntu-latest"));

    JobOutcome outcome = h.result(14);

    assertThat(outcome.result()).isEqualTo(JobOutcome.Result.NOT_OURS);
    assertThat(h.github.calls()).isZero();
    assertThat(h.placement.claims).isEmpty();
  }

  @Test
  void untrustedRepositoryGetsNoVmNoRunnerAndItsRunIsCancelled() {
    JobOutcome outcome = refused(31, JobHarness.UNTRUSTED_REPO);

    assertThat(outcome.detail()).contains("does not trust octo-org/untrusted").endsWith(JobWorkflowImpl.RUN_CANCELLED);
    assertThat(h.github.cancelledRuns).containsExactly(310L);
    h.recordHistory(31, "untrusted-run-cancelled");
  }

  @Test
  void untrustedRepositoryLeftForOtherRunnersCallsNothing() {
    JobOutcome outcome = refused(32, JobHarness.LEFT_REPO);

    assertThat(outcome.detail()).contains("left for other runners");
    assertThat(h.github.calls()).isZero();
  }

  /** Runs a job of {@code repo} that the pool refuses: no claim, no VM, no runner. */
  private JobOutcome refused(long jobId, String repo) {
    h = new JobHarness(mac1);
    h.start(new JobRequest(jobId, jobId * 10, 1, "octo-org", repo, List.of(POOL_LABEL), "u", null));
    JobOutcome outcome = h.result(jobId);
    assertThat(outcome.result()).isEqualTo(JobOutcome.Result.UNTRUSTED);
    assertThat(outcome.vmsCreated()).isZero();
    assertThat(h.github.registered).isEmpty();
    assertThat(h.placement.claims).isEmpty();
    return outcome;
  }

  @Test
  void thePoolsTrustPolicyReachesTheHostWithTheRunner() {
    h = new JobHarness(mac1);
    h.start(job(33));
    h.awaitRunnerUp(33, 1);

    assertThat(mac1.trustByVm).containsEntry("hangar-33-1", JobHarness.POOL_TRUST);
  }

  @Test
  void unknownTemplateCancelsTheRun() {
    h = new JobHarness(mac1);
    h.start(job(15, "self-hosted", "anka-template:missing"));

    JobOutcome outcome = h.result(15);

    assertThat(outcome.result()).isEqualTo(JobOutcome.Result.UNKNOWN_TEMPLATE);
    assertThat(outcome.detail()).endsWith(JobWorkflowImpl.RUN_CANCELLED);
    assertThat(h.github.cancelledRuns).containsExactly(150L);
    assertThat(h.placement.claims).isEmpty();
  }

  @Test
  void statusReportsPhaseAttemptHostVmAndTimestamps() {
    h = new JobHarness(mac1);
    h.start(job(16));
    JobStatus waiting = h.awaitRunnerUp(16, 1);
    assertThat(waiting.phase()).isEqualTo(Phase.AWAITING_START);
    assertThat(waiting.jobId()).isEqualTo(16);
    assertThat(waiting.attempt()).isEqualTo(1);
    assertThat(waiting.createdAt()).isNotNull();
    assertThat(waiting.startedAt()).isNull();

    h.deliver(job(16), inProgress(16, "hangar-16-1"));
    JobStatus running = h.awaitStatus(16, s -> s.phase() == Phase.RUNNING);
    assertThat(running.startedAt()).isNotNull();
    h.deliver(job(16), completed(16, "hangar-16-1", "success"));
    h.result(16);
    JobStatus done = h.client.newWorkflowStub(JobWorkflow.class, Names.workflowId(16)).status();
    assertThat(done.phase()).isEqualTo(Phase.DONE);
    assertThat(done.conclusion()).isEqualTo("success");
    assertThat(done.vms()).extracting(JobStatus.VmStatus::state).containsExactly("RETIRED");
  }

  @Test
  void theJobCarriesSearchAttributesForTheWebUi() {
    h = new JobHarness(mac1);
    h.start(job(17));
    h.awaitRunnerUp(17, 1);
    h.deliver(job(17), inProgress(17, "hangar-17-1"));
    h.deliver(job(17), completed(17, "hangar-17-1", "success"));
    h.result(17);

    io.temporal.common.SearchAttributes attributes = h.untyped(17).describe().getTypedSearchAttributes();
    assertThat(attributes.get(HangarSearchAttributes.OWNER)).isEqualTo("octo-org");
    assertThat(attributes.get(HangarSearchAttributes.REPO)).isEqualTo("octo-org/example-workflow");
    assertThat(attributes.get(HangarSearchAttributes.TEMPLATE)).isEqualTo("macos-14");
    assertThat(attributes.get(HangarSearchAttributes.HOST)).isEqualTo("mac-1");
    assertThat(attributes.get(HangarSearchAttributes.PHASE)).isEqualTo("DONE");
    assertThat(attributes.get(HangarSearchAttributes.ATTEMPT)).isEqualTo(1L);
    assertThat(attributes.get(HangarSearchAttributes.CONCLUSION)).isEqualTo("success");
    h.recordHistory(17, "happy-path-with-search-attributes");
  }

  @Test
  void aJobThatGaveUpIsFoundByItsConclusion() {
    h = new JobHarness(mac1);
    h.start(job(18));
    h.result(18);

    io.temporal.common.SearchAttributes attributes = h.untyped(18).describe().getTypedSearchAttributes();
    assertThat(attributes.get(HangarSearchAttributes.CONCLUSION)).isEqualTo("gave_up");
    assertThat(attributes.get(HangarSearchAttributes.ATTEMPT)).isEqualTo(5L);
  }

  @Test
  void aLongJobOnItsLastAttemptStaysFarBelowTemporalsHistoryLimits() {
    h = new JobHarness(mac1);
    h.start(job(20));
    h.starveFourRunnersThenRunOnTheFifthForAlmostTheMaximum(20);

    assertThat(h.result(20).vmsCreated()).isEqualTo(5);
    int events = h.client.fetchHistory(Names.workflowId(20)).getHistory().getEventsCount();
    // Temporal warns at 10,240 events and stops a workflow at 51,200: 4 failed attempts and a
    // job of almost 6 h (a VM check every 5 min) use a small fraction of that.
    assertThat(events).isLessThan(1_500);
    LoggerFactory.getLogger(JobWorkflowTest.class).info("history events of a 5-attempt, 6 h job: {}", events);
  }

  /** Starts jobs {@code first} to {@code last} and waits until each has its first runner up. */
  /** Sleeps in real time, as a slow placement queue or a test watching real-time timers does. */
  private static void pause(Duration d) {
    if (d.isNegative()) {
      return;
    }
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  private void startJobsWithRunnersUp(long first, long last) {
    h = new JobHarness(mac1);
    for (long job = first; job <= last; job++) {
      h.start(job(job));
    }
    for (long job = first; job <= last; job++) {
      h.awaitRunnerUp(job, 1);
    }
  }

  @Test
  void aHostWithTheTemplateSkipsTheTemplateCheckAndTheRunnerIsAskedForWhileTheVmStarts() {
    h = new JobHarness(mac1);
    h.placement.presentTemplates.add(JobHarness.TEMPLATE.id());
    h.start(job(41));
    h.awaitRunnerUp(41, 1);
    h.deliver(job(41), inProgress(41, "hangar-41-1"));
    h.deliver(job(41), completed(41, "hangar-41-1", "success"));
    mac1.finishRunner("hangar-41-1");

    JobOutcome outcome = h.result(41);
    assertThat(outcome.result()).isEqualTo(JobOutcome.Result.COMPLETED);
    assertThat(mac1.ensured).isEmpty();
    assertThat(mac1.created).containsExactly("hangar-41-1");
    assertThat(mac1.runnersStarted).containsExactly("hangar-41-1");
    assertThat(mac1.deleted).containsExactly("hangar-41-1");
    assertThat(h.github.registered).containsExactly("hangar-41-1");
    assertThat(h.github.calls()).isEqualTo(1);
    Map<String, Long> scheduledBy = workflowTaskSchedulingEachActivity(41);
    assertThat(scheduledBy).doesNotContainKey("EnsureTemplate");
    assertThat(scheduledBy.get("RegisterRunner")).isEqualTo(scheduledBy.get("StartVm"));
    assertThat(scheduledBy.get("StartVm")).isGreaterThan(scheduledBy.get("ClaimHost"));
    assertThat(scheduledBy.get("StartRunner")).isGreaterThan(scheduledBy.get("StartVm"));
    h.recordHistory(41, "happy-path-template-present");
  }

  @Test
  void aHostWithoutTheTemplateEnsuresItBeforeTheVmStarts() {
    h = new JobHarness(mac1);
    h.start(job(42));
    h.awaitRunnerUp(42, 1);

    assertThat(mac1.ensured).containsExactly(JobHarness.TEMPLATE.id());
    Map<String, Long> scheduledBy = workflowTaskSchedulingEachActivity(42);
    assertThat(scheduledBy.get("EnsureTemplate")).isGreaterThan(scheduledBy.get("ClaimHost"));
    assertThat(scheduledBy.get("StartVm")).isGreaterThan(scheduledBy.get("EnsureTemplate"));
    assertThat(scheduledBy.get("RegisterRunner")).isEqualTo(scheduledBy.get("StartVm"));
  }

  @Test
  void aVmThatFailsToStartHasTheRunnerRegisteredMeanwhileRemoved() {
    mac1.startsFail = true;
    h = new JobHarness(mac1);
    h.placement.presentTemplates.add(JobHarness.TEMPLATE.id());
    h.start(job(43));

    JobOutcome outcome = h.result(43);

    assertThat(outcome.result()).isEqualTo(JobOutcome.Result.GAVE_UP);
    assertThat(outcome.vmsCreated()).isEqualTo(5);
    assertThat(mac1.created).isEmpty();
    assertThat(mac1.runnersStarted).isEmpty();
    assertThat(h.github.registered).hasSize(5).doesNotHaveDuplicates();
    assertThat(h.github.removed).containsExactlyInAnyOrderElementsOf(h.github.registered);
    assertThat(h.github.cancelledRuns).containsExactly(430L);
  }

  /** For each activity type, the first workflow task that scheduled it (its completed event's id). */
  private Map<String, Long> workflowTaskSchedulingEachActivity(long jobId) {
    Map<String, Long> scheduledBy = new HashMap<>();
    for (HistoryEvent e : h.client.fetchHistory(Names.workflowId(jobId)).getEvents()) {
      if (e.hasActivityTaskScheduledEventAttributes()) {
        ActivityTaskScheduledEventAttributes a = e.getActivityTaskScheduledEventAttributes();
        scheduledBy.putIfAbsent(a.getActivityType().getName(), a.getWorkflowTaskCompletedEventId());
      }
    }
    return scheduledBy;
  }

  /** Sends an event to its job's workflow and to the owner of its runner, as the gateway does. */
  private void sendLikeTheGateway(JobEvent e) {
    h.signal(e.jobId(), e);
    Names.ownerJobOfRunner(e.runnerName())
        .filter(owner -> owner != e.jobId())
        .ifPresent(owner -> h.signal(owner, e));
  }

  /**
   * Jobs {@code first} to {@code last} all succeeded on one VM each, every VM is deleted, and GitHub
   * was called once per job (its runner's JIT configuration), with no removal.
   */
  private void assertEachServedOnOneVmWithOneCall(long first, long last) {
    List<String> ownVms = new java.util.ArrayList<>();
    for (long job = first; job <= last; job++) {
      JobOutcome outcome = h.result(job);
      assertThat(outcome.conclusion()).isEqualTo("success");
      assertThat(outcome.vmsCreated()).as("VMs of job %d", job).isEqualTo(1);
      ownVms.add(Names.vmName(job, 1));
    }
    assertThat(mac1.created).containsExactlyInAnyOrderElementsOf(ownVms);
    assertThat(mac1.deleted).containsExactlyInAnyOrderElementsOf(ownVms);
    assertThat(mac1.vms).as("no VM left").isEmpty();
    assertThat(h.github.removed).isEmpty();
    assertThat(h.github.calls()).isEqualTo(ownVms.size());
  }

  /** Sends an event to its job's workflow and, unmarked, to the owner of its runner. */
  private void sendUnmarked(JobEvent e) {
    h.signal(e.jobId(), e);
    Names.ownerJobOfRunner(e.runnerName()).ifPresent(owner -> h.signal(owner, e));
  }
}
