package dev.hangar.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.hangar.emulator.Endpoints;
import dev.hangar.emulator.JobInfo;
import dev.hangar.emulator.RunnerInfo;
import dev.hangar.workflows.Names;
import dev.hangar.workflows.job.JobStatus;
import dev.hangar.workflows.job.JobWorkflow;
import dev.hangar.workflows.job.Phase;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * An operator cancels a running job by hand with the Temporal CLI and with tctl: the VM is
 * deleted, the run is cancelled on GitHub, and the workflow ends as cancelled.
 */
class ManualCancelTest {

  private static HangarStack stack;

  @BeforeAll
  static void start() throws Exception {
    stack = new HangarStack("manual-cancel", Map.of(), List.of("mac-1")).start();
  }

  @AfterAll
  static void stop() {
    if (stack != null) {
      stack.close();
    }
  }

  @Test
  void temporalWorkflowCancelDeletesTheVmAndCancelsTheRun() throws Exception {
    JobInfo job = runningJob();
    String workflowId = Names.workflowId(job.id());
    long cancelsBefore = stack.github.calls().count(Endpoints.CANCEL_RUN);

    run(List.of(
        System.getProperty("hangar.temporal.cli", "temporal"),
        "workflow", "cancel",
        "--address", stack.temporal.target(),
        "--namespace", "default",
        "--workflow-id", workflowId));

    assertCancelledAndCleanedUp(job, workflowId, cancelsBefore);
  }

  @Test
  void tctlWorkflowCancelDeletesTheVmAndCancelsTheRun() throws Exception {
    String tctl = System.getProperty("hangar.tctl", "");
    assumeTrue(!tctl.isBlank(), "tctl could not be installed (see scripts/tools.sh); skipping its cancel test");
    JobInfo job = runningJob();
    String workflowId = Names.workflowId(job.id());
    long cancelsBefore = stack.github.calls().count(Endpoints.CANCEL_RUN);

    run(List.of(tctl, "--address", stack.temporal.target(), "--namespace", "default",
        "workflow", "cancel", "--workflow_id", workflowId));

    assertCancelledAndCleanedUp(job, workflowId, cancelsBefore);
  }

  /** A job GitHub has started on Hangar's runner. */
  private JobInfo runningJob() throws Exception {
    JobInfo job = stack.github.createJob(HangarStack.OWNER, HangarStack.REPO, List.of("self-hosted", HangarStack.POOL));
    String vmName = Names.vmName(job.id(), 1);
    RunnerInfo runner =
        Await.until(
            "runner " + vmName + " registered",
            Duration.ofSeconds(60),
            () -> stack.github.runner(HangarStack.OWNER, HangarStack.REPO, vmName).orElse(null));
    stack.github.claim(runner.encodedJitConfig());
    JobWorkflow workflow = stack.client().newWorkflowStub(JobWorkflow.class, Names.workflowId(job.id()));
    Await.until("job " + job.id() + " running", Duration.ofSeconds(30), () -> {
      JobStatus s = workflow.status();
      return s.phase() == Phase.RUNNING;
    });
    return job;
  }

  private void assertCancelledAndCleanedUp(JobInfo job, String workflowId, long cancelsBefore) throws Exception {
    Await.until("workflow " + workflowId + " cancelled", Duration.ofSeconds(60),
        () -> status(workflowId) == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_CANCELED);
    String vmName = Names.vmName(job.id(), 1);
    Await.until("VM " + vmName + " deleted", Duration.ofSeconds(30), () -> !stack.vmsOn("mac-1").contains(vmName));
    assertThat(stack.github.calls().count(Endpoints.CANCEL_RUN) - cancelsBefore).isEqualTo(1);
    assertThat(stack.github.run(job.runId()).orElseThrow().conclusion()).isEqualTo("cancelled");
    Await.until("runner " + vmName + " gone from GitHub", Duration.ofSeconds(30),
        () -> stack.github.runner(HangarStack.OWNER, HangarStack.REPO, vmName).isEmpty());
  }

  private WorkflowExecutionStatus status(String workflowId) {
    return stack.describe(workflowId).getStatus();
  }

  private static void run(List<String> command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(new ArrayList<>(command)).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as("%s\n%s", command, out).isZero();
  }
}
