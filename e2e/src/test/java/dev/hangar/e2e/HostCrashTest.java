package dev.hangar.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hangar.emulator.CallLog;
import dev.hangar.emulator.Endpoints;
import dev.hangar.emulator.JobInfo;
import dev.hangar.emulator.JobPlan;
import dev.hangar.workflows.Names;
import dev.hangar.workflows.job.JobOutcome;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A worker-host process dies with SIGKILL while its VM runs a job, and is started again. The VM's
 * processes outlive it (as a real VM outlives its host agent), so the job finishes; the host then
 * adopts the VM and deletes it when the workflow asks, or, if it came back after the workflow gave
 * up on it, its orphan sweep deletes it. Either way no VM and no runner is left.
 */
class HostCrashTest {

  private static final List<String> SMALL = List.of("self-hosted", HangarStack.POOL);
  private static final String HOST = "mac-1";

  private static HangarStack stack;
  private static EndState end;

  @BeforeAll
  static void start() throws Exception {
    stack = new HangarStack("host-crash", Map.of("host-timeout", "10s"), List.of(HOST),
        HangarStack.Runners.EMULATED, Map.of("orphan-sweep-interval", "3s")).start();
    end = new EndState(stack);
  }

  @AfterAll
  static void stop() {
    if (stack != null) {
      stack.close();
    }
  }

  private static JobInfo runningJob(Duration runsFor) throws Exception {
    JobInfo job = stack.github.createJob(HangarStack.OWNER, HangarStack.REPO, SMALL, JobPlan.succeedsAfter(runsFor));
    Await.until("job " + job.id() + " in progress", Duration.ofSeconds(60),
        () -> stack.github.job(job.id()).filter(j -> "in_progress".equals(j.status())).isPresent(), end.context());
    return job;
  }

  @Test
  void aHostKilledMidJobAndStartedAgainFinishesTheJobAndDeletesItsVm() throws Exception {
    int callsBefore = stack.github.calls().total();
    JobInfo job = runningJob(Duration.ofSeconds(6));

    stack.host(HOST).kill();
    stack.host(HOST).restart();

    end.concludedAndClean(List.of(job), "success", Duration.ofSeconds(90));
    JobOutcome outcome = end.outcome(job.id());
    assertThat(outcome.result()).isEqualTo(JobOutcome.Result.COMPLETED);
    assertThat(outcome.vmsCreated()).as("the VM survived its host: no second one").isEqualTo(1);
    assertThat(callsSince(callsBefore, Endpoints.GENERATE_JITCONFIG)).isEqualTo(1);
    assertThat(callsSince(callsBefore, Endpoints.CANCEL_RUN)).isZero();
  }

  private static long callsSince(int index, String endpoint) {
    List<CallLog.Call> all = stack.github.calls().calls();
    return all.subList(index, all.size()).stream().filter(c -> c.endpoint().equals(endpoint)).count();
  }

  @Test
  void aHostBackAfterTheWorkflowGaveUpOnItSweepsTheOrphanedVm() throws Exception {
    JobInfo job = runningJob(Duration.ofSeconds(1));
    String vm = Names.vmName(job.id(), 1);

    stack.host(HOST).kill();
    // The job ends on GitHub; the workflow's deleteVm finds no host within the host timeout, and
    // the workflow ends without it.
    end.jobsConcluded(List.of(job), "success", Duration.ofSeconds(30));
    Await.until("workflow closed while its host is down", Duration.ofSeconds(60),
        () -> end.status(Names.workflowId(job.id()))
            != io.temporal.api.enums.v1.WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING, end.context());
    assertThat(stack.vmsOn(HOST)).containsExactly(vm);
    assertThat(Files.isDirectory(stack.vmDir(HOST, vm))).isTrue();

    stack.host(HOST).restart();

    end.clean(List.of(job), Duration.ofSeconds(30));
    assertThat(Files.readString(stack.host(HOST).log())).contains("orphan sweep: deleted VM " + vm);
    assertThat(end.outcome(job.id()).result()).isEqualTo(JobOutcome.Result.COMPLETED);
  }
}
