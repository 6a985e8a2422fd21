package dev.hangar.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import dev.hangar.testfixtures.GitHubPayloads;
import dev.hangar.testfixtures.WebhookSigner;
import dev.hangar.testfixtures.WorkflowJobSpec;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.web.servlet.AutoConfigureMockMvc;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.ResultActions;

/**
 * What the gateway does with trust: another owner's job is not Hangar's and starts nothing; a job
 * its pool does not trust is handed over, so that its workflow records the refusal and the reason.
 */
@SpringBootTest(
    properties = {
      "hangar.gateway.webhook-secret=" + TrustAtTheGatewayTest.SECRET,
      "hangar.orchestrator.workers-enabled=false",
      "hangar.templates[0].id=sonoma",
      "hangar.templates[0].cpu-cores=4",
      "hangar.templates[0].memory-mb=8192",
      "hangar.pools[0].name=macos",
      "hangar.pools[0].template=sonoma",
      "hangar.pools[0].trust.repositories=acme/ios-*",
      "hangar.allowed-owners=acme",
    })
@AutoConfigureMockMvc
@Import(WebhookControllerTest.FakeDispatch.class)
class TrustAtTheGatewayTest {

  static final String SECRET = "trust-test-secret";

  @Autowired private MockMvc mvc;
  @Autowired private FakeJobDispatcher fake;

  @Test
  void anotherOwnersJobIsNotOursAndStartsNothing() throws Exception {
    deliver(1, "stranger", "ios-app")
        .andExpect(status().isAccepted())
        .andExpect(jsonPath("$.outcome").value("not_ours"))
        .andExpect(jsonPath("$.detail").value("owner stranger is not in hangar.allowed-owners"));

    assertThat(fake.calls).noneMatch(call -> call.job().jobId() == 1);
  }

  @Test
  void aJobThePoolDoesNotTrustIsHandedOverForItsWorkflowToRefuse() throws Exception {
    deliver(2, "ACME", "web").andExpect(jsonPath("$.outcome").value("accepted"));
    deliver(3, "acme", "ios-app").andExpect(jsonPath("$.outcome").value("accepted"));

    assertThat(fake.calls).extracting(call -> call.job().fullName()).contains("ACME/web", "acme/ios-app");
  }

  private ResultActions deliver(long jobId, String owner, String repo) throws Exception {
    byte[] body = GitHubPayloads.workflowJob(
            WorkflowJobSpec.of("queued", jobId, 7, List.of("self-hosted", "macos")).withRepository(owner, repo))
        .getBytes(StandardCharsets.UTF_8);
    return mvc.perform(post("/webhook").contentType(MediaType.APPLICATION_JSON).content(body)
        .header("X-GitHub-Event", "workflow_job")
        .header("X-GitHub-Delivery", "d-" + jobId)
        .header(WebhookSigner.HEADER, WebhookSigner.sign(SECRET, body)));
  }
}
