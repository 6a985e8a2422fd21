package dev.hangar.workflows.job;

import static dev.hangar.workflows.job.JobHarness.completed;
import static dev.hangar.workflows.job.JobHarness.inProgress;
import static dev.hangar.workflows.job.JobHarness.job;
import static org.assertj.core.api.Assertions.assertThat;

import dev.hangar.workflows.Names;
import dev.hangar.workflows.TaskQueues;
import io.temporal.activity.Activity;
import io.temporal.failure.ApplicationFailure;
import io.temporal.worker.WorkerFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;

/**
 * Faults of hosts and of GitHub's runner API, each stated by its test, on Temporal's time-skipping
 * test server; every test ends with the job concluded as it must be, its workflow closed and every
 * VM deleted, or, where the host cannot be reached, left to that host's orphan sweep.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class JobWorkflowFaultsTest {

  private final FakeHost mac1 = new FakeHost("mac-1");
  private final FakeHost mac2 = new FakeHost("mac-2");
  private JobHarness h;
  /** Runs a host that a test can kill: its own worker factory, shut down to kill it. */
  private WorkerFactory doomed;

  @AfterEach
  void close() {
    if (doomed != null) {
      doomed.shutdownNow();
    }
    if (h != null) {
      h.close();
    }
  }

  @Test
  void aRunnerDeleteAnswered422BecauseTheRunnerJustTookTheJobKeepsItsVmForTheJob(TestInfo test) {
    // Fault: the registration timeout fires just as GitHub gives the runner the job; the removal
    // is refused (422, runner busy).
    h = new JobHarness(mac1);
    h.github.busy.add("hangar-31-1");
    h.start(job(31));
    h.awaitRunnerUp(31, 1);
    h.env.sleep(h.policy.registrationTimeout().plusSeconds(1));

    h.deliver(job(31), inProgress(31, "hangar-31-1"));
    h.deliver(job(31), completed(31, "hangar-31-1", "success"));

    JobOutcome outcome = h.result(31);
    assertThat(outcome.result()).isEqualTo(JobOutcome.Result.COMPLETED);
    assertThat(outcome.vmsCreated()).as("the busy runner's VM ran the job; no second VM").isEqualTo(1);
    assertThat(h.github.removed).isEmpty();
    assertThat(mac1.deleted).containsExactly("hangar-31-1");
    tally(test, 1, 1, mac1);
  }

  @Test
  void aDiskFullDuringThePullFailsThatVmAndTheNextOneServesTheJob(TestInfo test) {
    FaultyHost faulty = new FaultyHost("mac-1");
    faulty.fullDiskPulls.set(3); // every try of the first VM's pull
    h = new JobHarness(Map.of("mac-1", faulty));
    h.start(job(32));

    JobStatus second = h.awaitRunnerUp(32, 2);
    assertThat(second.vms().get(0).detail()).contains("No space left on device");
    h.deliver(job(32), inProgress(32, "hangar-32-2"));
    h.deliver(job(32), completed(32, "hangar-32-2", "success"));

    assertThat(h.result(32).result()).isEqualTo(JobOutcome.Result.COMPLETED);
    assertThat(faulty.host.created).containsExactly("hangar-32-2");
    assertThat(h.github.registered).as("no runner for the VM that never was").containsExactly("hangar-32-2");
    assertThat(h.github.cancelledRuns).isEmpty();
    tally(test, 1, 3, faulty.host);
  }

  @Test
  void aDiskFullOnEveryAttemptGivesUpCancelsTheRunAndLeavesNothing(TestInfo test) {
    FaultyHost faulty = new FaultyHost("mac-1");
    faulty.fullDiskPulls.set(Integer.MAX_VALUE);
    h = new JobHarness(Map.of("mac-1", faulty));
    h.start(job(33));

    JobOutcome outcome = h.result(33);

    assertThat(outcome.result()).isEqualTo(JobOutcome.Result.GAVE_UP);
    assertThat(outcome.vmsCreated()).isEqualTo(5);
    assertThat(faulty.host.created).isEmpty();
    assertThat(h.github.registered).isEmpty();
    assertThat(h.github.cancelledRuns).containsExactly(330L);
    tally(test, 1, 15, faulty.host);
  }

  @Test
  void aVmDeleteThatKeepsFailingEndsTheJobAndLeavesTheVmToTheHostsOrphanSweep(TestInfo test) {
    FaultyHost faulty = new FaultyHost("mac-1");
    faulty.deletesFail = true;
    h = new JobHarness(Map.of("mac-1", faulty));
    h.start(job(34));
    h.awaitRunnerUp(34, 1);
    h.deliver(job(34), inProgress(34, "hangar-34-1"));
    h.deliver(job(34), completed(34, "hangar-34-1", "success"));

    JobOutcome outcome = h.result(34);

    assertThat(outcome.result()).isEqualTo(JobOutcome.Result.COMPLETED);
    assertThat(faulty.failedDeletes.get()).as("tried as often as the host retry policy allows").isEqualTo(3);
    // The host still has it: its orphan sweep deletes VMs of closed workflows (OrphanSweeperTest).
    assertThat(faulty.host.vms).containsOnlyKeys("hangar-34-1");
    assertThat(h.untyped(34).describe().getStatus())
        .isEqualTo(io.temporal.api.enums.v1.WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_COMPLETED);
    tally(test, 1, 3, null);
  }

  @Test
  void aHostThatDiesMidJobAndNeverComesBackCostsNoSecondVmAndTheJobEndsWithGitHubsVerdict(TestInfo test) {
    firstVmOnADoomedHost(35);
    h.deliver(job(35), inProgress(35, "hangar-35-1"));
    h.awaitStatus(35, s -> s.phase() == Phase.RUNNING);

    hostDies();
    h.env.sleep(h.policy.vmCheckInterval().plusSeconds(1));
    JobStatus lost = h.awaitStatus(35, s -> "RETIRED".equals(s.vms().get(0).state()));
    assertThat(lost.vms().get(0).detail()).contains("failed on mac-1");
    // GitHub fails a job whose runner vanished.
    h.deliver(job(35), completed(35, "hangar-35-1", "failure"));

    JobOutcome outcome = h.result(35);
    assertThat(outcome.result()).isEqualTo(JobOutcome.Result.COMPLETED);
    assertThat(outcome.conclusion()).isEqualTo("failure");
    assertThat(outcome.vmsCreated()).isEqualTo(1);
    assertThat(mac2.created).isEmpty();
    assertThat(h.github.cancelledRuns).isEmpty();
    // The dead host keeps its VM; its orphan sweep deletes it if it ever starts again.
    assertThat(mac1.vms).containsOnlyKeys("hangar-35-1");
    tally(test, 1, 1, null);
  }

  @Test
  void aHostThatDiesBeforeGitHubStartsTheJobLosesOnlyThatAttempt(TestInfo test) {
    firstVmOnADoomedHost(36);

    hostDies();
    h.env.sleep(h.policy.registrationTimeout().plusSeconds(1));
    JobStatus second = h.awaitRunnerUp(36, 2);
    assertThat(second.host()).isEqualTo("mac-2");
    h.deliver(job(36), inProgress(36, "hangar-36-2"));
    h.deliver(job(36), completed(36, "hangar-36-2", "success"));

    JobOutcome outcome = h.result(36);
    assertThat(outcome.result()).isEqualTo(JobOutcome.Result.COMPLETED);
    assertThat(outcome.vmsCreated()).isEqualTo(2);
    assertThat(h.github.removed).as("the dead host's idle runner removed from GitHub").containsExactly("hangar-36-1");
    assertThat(mac2.deleted).containsExactly("hangar-36-2");
    assertThat(mac1.vms).containsOnlyKeys("hangar-36-1");
    tally(test, 1, 1, mac2);
  }

  @Test
  void aJobThatWaitsADayForAHostAndUsesAllFiveAttemptsStaysFarBelowTemporalsHistoryLimits(TestInfo test) {
    h = new JobHarness(mac1);
    // No host has room for 23 hours: the first claim is answered "no room" and retried hourly.
    // Retries are not recorded in the history, just as a claim waiting in the queue is not.
    h.placement.beforeClaim = request -> {
      if (request.vmName().endsWith("-1") && Activity.getExecutionContext().getInfo().getAttempt() < 24) {
        throw ApplicationFailure.newFailureWithCauseAndDelay("no host has room", "NoRoom", null, Duration.ofHours(1));
      }
    };
    h.start(job(37));
    h.env.sleep(Duration.ofHours(23).plusMinutes(1));
    h.starveFourRunnersThenRunOnTheFifthForAlmostTheMaximum(37);

    assertThat(h.result(37).vmsCreated()).isEqualTo(5);
    assertThat(h.placement.claims).hasSize(5);
    var history = h.client.fetchHistory(Names.workflowId(37)).getHistory();
    java.time.Duration lifetime = java.time.Duration.ofSeconds(
        history.getEvents(history.getEventsCount() - 1).getEventTime().getSeconds()
            - history.getEvents(0).getEventTime().getSeconds());
    assertThat(lifetime).as("a day waiting, five attempts, six hours of job").isGreaterThan(Duration.ofHours(29));
    int events = history.getEventsCount();
    long bytes = history.getSerializedSize();
    // Temporal warns at 10,240 events or 10 MB and stops a workflow at 51,200 events or 50 MB.
    assertThat(events).isLessThan(1_500);
    assertThat(bytes).isLessThan(1_000_000L);
    LoggerFactory.getLogger(JobWorkflowFaultsTest.class)
        .info("history of a job that waited 23 h for a host, used 5 attempts and ran 6 h: {} events, {} bytes",
            events, bytes);
    tally(test, 1, 27, mac1);
    record("history", test.getTestMethod().orElseThrow().getName() + "\t" + events + "\t" + bytes);
  }

  /**
   * Starts the job with its first VM on mac-1, whose queue is served by a worker factory of its own
   * that {@link #hostDies} stops, and later VMs on mac-2; waits until the first runner is up.
   */
  private void firstVmOnADoomedHost(long jobId) {
    h = new JobHarness(mac2);
    // Real time: an activity waiting in a dead host's queue stops the test server's clock.
    h.policy = JobHarness.policy(null, null, null, Duration.ofSeconds(2));
    doomed = WorkerFactory.newInstance(h.client);
    doomed.newWorker(TaskQueues.host(mac1.hostId)).registerActivitiesImplementations(mac1);
    doomed.start();
    h.placement.nextHosts.add(mac1.hostId);
    h.start(job(jobId));
    h.awaitRunnerUp(jobId, 1);
  }

  /** The doomed host stops polling its queue at once, as a Mac that lost power does. */
  private void hostDies() {
    doomed.shutdownNow();
    doomed.awaitTermination(10, TimeUnit.SECONDS);
  }

  /** Appends this test's counts to target/reliability-tally.tsv (the format of FaultTally in test-fixtures). */
  private static void tally(TestInfo test, int jobs, int faults, FakeHost host) {
    int leaked = host == null ? 0 : host.vms.size();
    record("tally", JobWorkflowFaultsTest.class.getSimpleName() + "." + test.getTestMethod().orElseThrow().getName()
        + "\t0\t" + faults + "\t" + jobs + "\t0\t" + leaked);
  }

  private static void record(String file, String line) {
    Path path = Path.of("target", "reliability-" + file + ".tsv");
    try {
      Files.createDirectories(path.toAbsolutePath().getParent());
      Files.writeString(path, line + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
