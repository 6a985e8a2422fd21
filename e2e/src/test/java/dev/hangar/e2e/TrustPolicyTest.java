package dev.hangar.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hangar.emulator.Endpoints;
import dev.hangar.emulator.JobInfo;
import dev.hangar.emulator.RunnerInfo;
import dev.hangar.workflows.HangarSearchAttributes;
import dev.hangar.workflows.Names;
import dev.hangar.workflows.job.JobOutcome;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The pool's trust policy through the real processes: the stack's pool trusts {@code octo-org/*}
 * but denies {@link HangarStack#UNTRUSTED_REPO} (see {@code HangarStack}). A denied repository's
 * job gets no VM and no runner and its run is cancelled; a trusted job's VM gets the policy and
 * its job-started hook.
 */
class TrustPolicyTest {

  private static HangarStack stack;

  @BeforeAll
  static void start() throws Exception {
    stack = new HangarStack("trust-policy", Map.of(), List.of("mac-1")).start();
    stack.github.addRepository(HangarStack.OWNER, HangarStack.UNTRUSTED_REPO, false);
  }

  @AfterAll
  static void stop() throws Exception {
    if (stack != null) {
      stack.close();
    }
  }

  @Test
  void aDeniedRepositoryGetsNoVmNoRunnerAndItsRunIsCancelled() throws Exception {
    JobInfo job = stack.github.createJob(
        HangarStack.OWNER, HangarStack.UNTRUSTED_REPO, List.of("self-hosted", HangarStack.POOL));
    String workflowId = Names.workflowId(job.id());

    JobOutcome outcome = Await.until(
        "the workflow of job " + job.id(), Duration.ofSeconds(60),
        () -> stack.client().listExecutions("WorkflowId=\"" + workflowId + "\"").findAny().isPresent()
            ? stack.client().newUntypedWorkflowStub(workflowId).getResult(30, TimeUnit.SECONDS, JobOutcome.class)
            : null,
        this::context);

    assertThat(outcome.result()).isEqualTo(JobOutcome.Result.UNTRUSTED);
    assertThat(outcome.vmsCreated()).isZero();
    assertThat(outcome.detail())
        .contains("pool " + HangarStack.POOL + " does not trust octo-org/" + HangarStack.UNTRUSTED_REPO)
        .contains("hangar.pools[0].trust.deny-repositories");
    assertThat(stack.github.calls().count(Endpoints.GENERATE_JITCONFIG)).isZero();
    assertThat(stack.github.calls().count(Endpoints.CANCEL_RUN)).isEqualTo(1);
    assertThat(stack.github.run(job.runId()).orElseThrow().conclusion()).isEqualTo("cancelled");
    assertThat(stack.vmsOn("mac-1")).isEmpty();
    var attributes = stack.client().newUntypedWorkflowStub(workflowId).describe().getTypedSearchAttributes();
    assertThat(attributes.get(HangarSearchAttributes.CONCLUSION)).isEqualTo("untrusted");
  }

  @Test
  void aTrustedJobsVmGetsThePolicyAndItsHook() throws Exception {
    JobInfo job = stack.github.createJob(HangarStack.OWNER, HangarStack.REPO, List.of("self-hosted", HangarStack.POOL));
    String vmName = Names.vmName(job.id(), 1);
    RunnerInfo runner = Await.until(
        "runner " + vmName + " registered on GitHub", Duration.ofSeconds(60),
        () -> stack.github.runner(HangarStack.OWNER, HangarStack.REPO, vmName).orElse(null),
        this::context);
    Path policy = stack.vmDir("mac-1", vmName).resolve("runner").resolve("trust-policy.json");
    Await.until("the trust policy in VM " + vmName, Duration.ofSeconds(30), () -> Files.exists(policy), this::context);

    assertThat(Files.readString(policy))
        .contains("\"repositories\":[\"octo-org/*\"]")
        .contains("\"denyRepositories\":[\"octo-org/" + HangarStack.UNTRUSTED_REPO + "\"]")
        .contains("\"allowForkPullRequests\":false");
    assertThat(policy.resolveSibling("trust-check.sh")).exists();

    stack.github.claim(runner.encodedJitConfig());
    stack.github.finish(runner.encodedJitConfig(), "success");
    JobOutcome outcome = stack.client().newUntypedWorkflowStub(Names.workflowId(job.id()))
        .getResult(60, TimeUnit.SECONDS, JobOutcome.class);
    assertThat(outcome.result()).isEqualTo(JobOutcome.Result.COMPLETED);
  }

  private String context() {
    try {
      return "\n--- gateway log ---\n" + stack.gateway.tail() + "\n--- mac-1 log ---\n" + stack.hosts.get(0).tail();
    } catch (java.io.IOException e) {
      return "";
    }
  }
}
