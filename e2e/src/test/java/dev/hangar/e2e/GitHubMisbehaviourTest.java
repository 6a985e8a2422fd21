package dev.hangar.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hangar.emulator.CallLog;
import dev.hangar.emulator.DeliveryOrder;
import dev.hangar.emulator.Endpoints;
import dev.hangar.emulator.JobInfo;
import dev.hangar.emulator.JobPlan;
import dev.hangar.emulator.WebhookDelivery;
import dev.hangar.workflows.Names;
import dev.hangar.workflows.job.JobOutcome;
import io.temporal.client.schedules.ScheduleHandle;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * GitHub as it really behaves, with emulated runners in the VMs: runners that never get a job
 * (actions/runner#3621), webhooks delivered twice and out of order, a runner that takes another
 * job's work, and {@code queued} and {@code completed} webhooks that never come. One stack for all;
 * each scenario waits for its own end state, and counts only its own API calls. The reconciler runs
 * every 10 s, but only in the scenarios about lost webhooks: in the others its schedule is paused,
 * so that they see what webhooks alone do.
 */
class GitHubMisbehaviourTest {

  private static final List<String> SMALL = List.of("self-hosted", HangarStack.POOL);

  private static HangarStack stack;
  private static EndState end;
  private static ScheduleHandle reconciler;

  @BeforeAll
  static void start() throws Exception {
    stack = new HangarStack("github-misbehaviour", Map.of("registration-timeout", "4s"), List.of("mac-1", "mac-2"),
        HangarStack.Runners.EMULATED, Map.of(), Map.of("interval", "10s")).start();
    end = new EndState(stack);
    reconciler = stack.reconcilerSchedule();
    reconciler.pause("webhooks only, except in the scenarios about lost webhooks");
  }

  @AfterAll
  static void stop() {
    if (stack != null) {
      stack.close();
    }
  }

  @AfterEach
  void behaveAgain() {
    reconciler.pause("webhooks only, except in the scenarios about lost webhooks");
    stack.github.resetDeliveries();
    stack.github.assignNormally();
  }

  private static JobInfo job(Duration runsFor) {
    return stack.github.createJob(HangarStack.OWNER, HangarStack.REPO, SMALL, JobPlan.succeedsAfter(runsFor));
  }

  private static List<CallLog.Call> callsSince(int index, String endpoint) {
    List<CallLog.Call> all = stack.github.calls().calls();
    return all.subList(index, all.size()).stream().filter(c -> c.endpoint().equals(endpoint)).toList();
  }

  @Test
  void runnersThatNeverGetAJobAreReplacedAndTheJobsStillRun() throws Exception {
    int callsBefore = stack.github.calls().total();
    stack.github.neverAssign(2);
    List<JobInfo> jobs = List.of(job(Duration.ofMillis(500)), job(Duration.ofMillis(500)));

    end.concludedAndClean(jobs, "success", Duration.ofSeconds(90));

    int vms = 0;
    for (JobInfo job : jobs) {
      vms += end.outcome(job.id()).vmsCreated();
    }
    assertThat(vms).as("a new VM after each starved one").isGreaterThanOrEqualTo(4);
    List<CallLog.Call> jit = callsSince(callsBefore, Endpoints.GENERATE_JITCONFIG);
    assertThat(jit).hasSizeBetween(4, vms).allMatch(c -> c.status() == 201, "answered 201");
    assertThat(callsSince(callsBefore, Endpoints.DELETE_RUNNER))
        .as("each starved runner removed before its VM went")
        .hasSizeGreaterThanOrEqualTo(2);
    assertThat(callsSince(callsBefore, Endpoints.CANCEL_RUN)).isEmpty();
  }

  @Test
  void aJobWhoseFiveRunnersAllNeverGetWorkHasItsRunCancelledExactlyOnce() throws Exception {
    int callsBefore = stack.github.calls().total();
    stack.github.neverAssign(5);
    JobInfo job = job(Duration.ofMillis(500));

    end.jobsConcluded(List.of(job), "cancelled", Duration.ofMinutes(2));
    end.clean(List.of(job), Duration.ofSeconds(60));

    JobOutcome outcome = end.outcome(job.id());
    assertThat(outcome.result()).isEqualTo(JobOutcome.Result.GAVE_UP);
    assertThat(outcome.vmsCreated()).isEqualTo(5);
    assertThat(callsSince(callsBefore, Endpoints.CANCEL_RUN)).hasSize(1);
    assertThat(callsSince(callsBefore, Endpoints.GENERATE_JITCONFIG)).hasSize(5);
    assertThat(callsSince(callsBefore, Endpoints.DELETE_RUNNER)).hasSize(5);
    assertThat(stack.github.run(job.runId()).orElseThrow().conclusion()).isEqualTo("cancelled");
  }

  @Test
  void deliveriesSentTwiceAndOutOfOrderDoubleNothingAndStrandNothing() throws Exception {
    Await.until("earlier deliveries sent", Duration.ofSeconds(10), stack.github::deliveriesSettled);
    int callsBefore = stack.github.calls().total();
    int deliveriesBefore = stack.github.deliveries().size();
    stack.github.duplicateDeliveries(true);
    stack.github.reorderDeliveries(3, DeliveryOrder.REVERSED, Duration.ofMillis(700));
    List<JobInfo> jobs = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      jobs.add(job(Duration.ofMillis(300)));
    }

    end.concludedAndClean(jobs, "success", Duration.ofMinutes(2));

    int vms = 0;
    for (JobInfo job : jobs) {
      String workflowId = Names.workflowId(job.id());
      Await.until("visibility of " + workflowId, Duration.ofSeconds(10), () -> end.executions(workflowId) > 0);
      assertThat(end.executions(workflowId)).as("executions of %s", workflowId).isEqualTo(1);
      vms += end.outcome(job.id()).vmsCreated();
    }
    List<CallLog.Call> jit = callsSince(callsBefore, Endpoints.GENERATE_JITCONFIG);
    assertThat(jit).as("one JIT configuration per VM at most, never a name twice")
        .hasSizeBetween(jobs.size(), vms)
        .allMatch(c -> c.status() == 201, "answered 201");
    assertThat(callsSince(callsBefore, Endpoints.CANCEL_RUN)).isEmpty();
    Await.until("every delivery sent", Duration.ofSeconds(10), stack.github::deliveriesSettled);
    List<WebhookDelivery> deliveries =
        stack.github.deliveries().subList(deliveriesBefore, stack.github.deliveries().size());
    assertThat(deliveries).extracting(WebhookDelivery::status).allMatch(s -> s >= 200 && s < 300);
    Map<String, Long> attempts =
        deliveries.stream().collect(Collectors.groupingBy(WebhookDelivery::deliveryId, Collectors.counting()));
    assertThat(attempts.values()).as("each delivery sent twice").containsOnly(2L);
  }

  @Test
  void aRunnerThatTakesAnotherJobsWorkLeavesBothJobsServedAndNothingBehind() throws Exception {
    // GitHub never tells Hangar about job A; job B's first runner, offered the oldest fitting job,
    // takes A. Hangar learns of A from its in_progress. B now waits for A's VM (the swap rule), so
    // A's workflow makes one although its job already runs; GitHub gives it B. Both retire.
    stack.github.dropDeliveries("queued", 1);
    JobInfo a = job(Duration.ofSeconds(1));
    JobInfo b = job(Duration.ofSeconds(1));

    end.concludedAndClean(List.of(a, b), "success", Duration.ofSeconds(90));

    assertThat(stack.github.job(a.id()).orElseThrow().runnerName()).isEqualTo(Names.vmName(b.id(), 1));
    assertThat(stack.github.job(b.id()).orElseThrow().runnerName()).isEqualTo(Names.vmName(a.id(), 1));
    assertThat(end.outcome(a.id()).vmsCreated()).isEqualTo(1);
    assertThat(end.outcome(b.id()).vmsCreated()).isEqualTo(1);
  }

  /** A job whose {@code action} webhook GitHub never sends, with the reconciler running. */
  private static JobInfo jobWithoutItsWebhook(String action) {
    reconciler.unpause("lost webhooks");
    stack.github.dropDeliveries(action, 1);
    return job(Duration.ofMillis(500));
  }

  @Test
  void aQueuedWebhookThatNeverComesIsFoundAndServed() throws Exception {
    JobInfo job = jobWithoutItsWebhook("queued");

    end.concludedAndClean(List.of(job), "success", Duration.ofMinutes(2));

    assertThat(end.outcome(job.id()).vmsCreated()).isEqualTo(1);
    String workflowId = Names.workflowId(job.id());
    Await.until("visibility of " + workflowId, Duration.ofSeconds(10), () -> end.executions(workflowId) > 0);
    assertThat(end.executions(workflowId)).as("executions of %s", workflowId).isEqualTo(1);
  }

  @Test
  void aCompletedWebhookThatNeverComesIsFoundLongBeforeTheRunnersExitIsNoticed() throws Exception {
    JobInfo job = jobWithoutItsWebhook("completed");

    // Without the reconciler the workflow would learn only from the VM check, every 5 minutes,
    // and would never know the job's conclusion.
    end.concludedAndClean(List.of(job), "success", Duration.ofSeconds(60));

    assertThat(end.outcome(job.id()).conclusion()).isEqualTo("success");
  }
}
