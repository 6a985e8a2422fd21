package dev.hangar.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import dev.hangar.testfixtures.GitHubPayloads;
import dev.hangar.testfixtures.WebhookSigner;
import dev.hangar.testfixtures.WorkflowJobSpec;
import dev.hangar.workflows.Names;
import dev.hangar.workflows.TaskQueues;
import dev.hangar.workflows.job.JobWorkflow;
import dev.hangar.workflows.job.Phase;
import io.temporal.client.WorkflowClient;
import io.temporal.worker.WorkerFactory;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.web.servlet.AutoConfigureMockMvc;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.MockMvc;

/**
 * The whole orchestrator in one process against the starter's in-process Temporal test server: the
 * webhook starts the real {@code JobWorkflowImpl}, which routes its labels with the real routing
 * activity and goes on to wait for a host.
 */
@org.springframework.context.annotation.Import(TestServerSearchAttributes.class)
@SpringBootTest(
    properties = {
      "spring.temporal.test-server.enabled=true",
      "hangar.gateway.webhook-secret=" + OrchestratorWiringTest.SECRET,
      "hangar.orchestrator.workers-enabled=true",
      "hangar.secrets.key=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
      "hangar.github.token=test-token",
      "hangar.templates[0].id=sonoma-xcode16",
      "hangar.templates[0].cpu-cores=4",
      "hangar.templates[0].memory-mb=8192",
      "hangar.templates[0].disk-gb=80",
    })
@AutoConfigureMockMvc
class OrchestratorWiringTest {

  static final String SECRET = "wiring-secret";

  @Autowired private MockMvc mvc;
  @Autowired private WorkerFactory workerFactory;
  @Autowired private OrchestratorWorkerConfiguration.OrchestratorWorker orchestratorWorker;
  @Autowired private WorkflowClient client;

  @Test
  void theOrchestratorWorkerIsRegisteredOnTheStartersFactory() {
    assertThat(orchestratorWorker.worker().getTaskQueue()).isEqualTo(TaskQueues.ORCHESTRATOR);
    assertThat(workerFactory.getWorker(TaskQueues.ORCHESTRATOR)).isSameAs(orchestratorWorker.worker());
    assertThat(workerFactory.isStarted()).isTrue();
  }

  @Test
  void aQueuedJobStartsTheJobWorkflowWhichRoutesAndWaitsForAHost() throws Exception {
    byte[] body =
        GitHubPayloads.workflowJob(
                WorkflowJobSpec.of("queued", 777, 1, List.of("self-hosted", "anka-template:sonoma-xcode16")))
            .getBytes(StandardCharsets.UTF_8);

    mvc.perform(
            post("/webhook")
                .contentType(MediaType.APPLICATION_JSON)
                .header("X-GitHub-Event", "workflow_job")
                .header("X-GitHub-Delivery", "wiring-1")
                .header(WebhookSigner.HEADER, WebhookSigner.sign(SECRET, body))
                .content(body))
        .andExpect(status().isAccepted())
        .andExpect(jsonPath("$.outcome").value("accepted"));

    JobWorkflow job = client.newWorkflowStub(JobWorkflow.class, Names.workflowId(777));
    Phase phase = null;
    for (int i = 0; i < 100 && phase != Phase.WAITING_FOR_HOST; i++) {
      phase = job.status().phase();
      Thread.sleep(100);
    }
    assertThat(phase).isEqualTo(Phase.WAITING_FOR_HOST);
  }
}
