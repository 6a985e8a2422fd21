package dev.hangar.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hangar.emulator.Endpoints;
import dev.hangar.emulator.JobInfo;
import dev.hangar.emulator.RunnerInfo;
import dev.hangar.emulator.WebhookDelivery;
import dev.hangar.workflows.HangarSearchAttributes;
import dev.hangar.workflows.Names;
import dev.hangar.workflows.job.JobOutcome;
import dev.hangar.workflows.job.JobStatus;
import dev.hangar.workflows.job.JobWorkflow;
import dev.hangar.workflows.job.Phase;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.client.WorkflowStub;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The walking skeleton, for real: a signed {@code queued} webhook reaches the gateway, a job
 * workflow on a real Temporal dev server claims the simulated host, which starts a VM with a JIT
 * runner; the runner takes the job on the GitHub emulator ({@code in_progress}), finishes it
 * ({@code completed}), and the VM is gone and the workflow closed.
 */
class WebhookToVmAndBackTest {

  private static HangarStack stack;

  @BeforeAll
  static void start() throws Exception {
    stack = new HangarStack("webhook-to-vm", Map.of(), List.of("mac-1")).start();
  }

  @AfterAll
  static void stop() throws Exception {
    if (stack != null) {
      stack.close();
    }
  }

  @Test
  void queuedWebhookToVmToCompletedAndBack() throws Exception {
    JobInfo job = stack.github.createJob(HangarStack.OWNER, HangarStack.REPO, List.of("self-hosted", HangarStack.POOL));
    String vmName = Names.vmName(job.id(), 1);
    String workflowId = Names.workflowId(job.id());

    RunnerInfo runner =
        Await.until(
            "runner " + vmName + " registered on GitHub",
            Duration.ofSeconds(60),
            () -> stack.github.runner(HangarStack.OWNER, HangarStack.REPO, vmName).orElse(null),
            this::context);
    Await.until(
        "the JIT config inside VM " + vmName,
        Duration.ofSeconds(30),
        () -> Files.exists(stack.vmDir("mac-1", vmName).resolve("runner").resolve(".jitconfig")),
        this::context);
    assertThat(Files.readString(stack.vmDir("mac-1", vmName).resolve("runner").resolve(".jitconfig")))
        .isEqualTo(runner.encodedJitConfig());

    JobWorkflow workflow = stack.client().newWorkflowStub(JobWorkflow.class, workflowId);
    assertThat(workflow.status().phase()).isEqualTo(Phase.AWAITING_START);

    // The runner in the VM connects; GitHub hands it the job and sends in_progress.
    assertThat(stack.github.claim(runner.encodedJitConfig())).map(JobInfo::id).contains(job.id());
    JobStatus running =
        Await.until(
            "the workflow to see in_progress",
            Duration.ofSeconds(30),
            () -> {
              JobStatus s = workflow.status();
              return s.phase() == Phase.RUNNING ? s : null;
            },
            this::context);
    assertThat(running.runnerName()).isEqualTo(vmName);
    assertThat(running.host()).isEqualTo("mac-1");

    // The job ends; GitHub sends completed and drops the ephemeral runner.
    stack.github.finish(runner.encodedJitConfig(), "success");

    WorkflowStub untyped = stack.client().newUntypedWorkflowStub(workflowId);
    JobOutcome outcome = untyped.getResult(60, java.util.concurrent.TimeUnit.SECONDS, JobOutcome.class);
    assertThat(outcome.result()).isEqualTo(JobOutcome.Result.COMPLETED);
    assertThat(outcome.conclusion()).isEqualTo("success");
    assertThat(outcome.vmsCreated()).isEqualTo(1);
    assertThat(stack.client().fetchHistory(workflowId).getLastEvent().getEventType().name())
        .isEqualTo("EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED");
    assertThat(describeStatus(workflowId)).isEqualTo(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_COMPLETED);

    Await.until("VM " + vmName + " deleted", Duration.ofSeconds(30), () -> stack.vmsOn("mac-1").isEmpty(), this::context);
    assertThat(stack.github.runners()).as("no runner left registered").isEmpty();
    assertThat(stack.github.deliveries()).extracting(WebhookDelivery::status).allMatch(s -> s >= 200 && s < 300);
    // The API budget of a job that succeeds first time: one call, the JIT config.
    assertThat(stack.github.calls().count(Endpoints.GENERATE_JITCONFIG)).isEqualTo(1);
    assertThat(stack.github.calls().total()).isEqualTo(1);
    // The JIT config is in history only sealed.
    assertThat(stack.client().fetchHistory(workflowId).toJson(false)).doesNotContain(runner.encodedJitConfig());

    // The Web UI finds it by Hangar's search attributes.
    var attributes = stack.client().newUntypedWorkflowStub(workflowId).describe().getTypedSearchAttributes();
    assertThat(attributes.get(HangarSearchAttributes.REPO)).isEqualTo(HangarStack.OWNER + "/" + HangarStack.REPO);
    assertThat(attributes.get(HangarSearchAttributes.HOST)).isEqualTo("mac-1");
    assertThat(attributes.get(HangarSearchAttributes.PHASE)).isEqualTo("DONE");
    assertThat(attributes.get(HangarSearchAttributes.CONCLUSION)).isEqualTo("success");
    Await.until(
        "a visibility query by HangarHost and HangarConclusion to find the job",
        Duration.ofSeconds(30),
        () -> stack.client()
            .listExecutions("HangarHost=\"mac-1\" AND HangarConclusion=\"success\"")
            .anyMatch(e -> e.getExecution().getWorkflowId().equals(workflowId)));

    // A late redelivery of queued after the job closed starts nothing new.
    String runId = describe(workflowId).getExecution().getRunId();
    assertThat(stack.github.deliverWorkflowJob(job.id(), "queued").status()).isEqualTo(202);
    assertThat(describe(workflowId).getExecution().getRunId()).as("still the one run").isEqualTo(runId);
    assertThat(describeStatus(workflowId)).isEqualTo(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_COMPLETED);
  }

  private WorkflowExecutionStatus describeStatus(String workflowId) {
    return describe(workflowId).getStatus();
  }

  private io.temporal.api.workflow.v1.WorkflowExecutionInfo describe(String workflowId) {
    return stack.describe(workflowId);
  }

  private String context() {
    try {
      return "\n--- gateway log ---\n" + stack.gateway.tail() + "\n--- mac-1 log ---\n" + stack.hosts.get(0).tail();
    } catch (java.io.IOException e) {
      return "";
    }
  }
}
