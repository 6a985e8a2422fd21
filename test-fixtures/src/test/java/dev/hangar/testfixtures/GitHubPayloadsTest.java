package dev.hangar.testfixtures;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

class GitHubPayloadsTest {

  private final ObjectMapper mapper = new ObjectMapper();

  @Test
  void loadsTheRealExamples() {
    assertThat(GitHubPayloads.workflowJobExamples()).hasSize(8);
    assertThat(GitHubPayloads.workflowJobExamples("queued")).hasSize(2);
    assertThat(GitHubPayloads.pingExamples()).hasSize(4);
    assertThat(GitHubPayloads.ping()).contains("\"zen\"");
  }

  @Test
  void derivedPayloadKeepsTheRealShapeAndReplacesIdentity() throws Exception {
    WorkflowJobSpec spec =
        WorkflowJobSpec.of("in_progress", 42, 7, List.of("self-hosted", "macOS"))
            .withRunner("hangar-42-1", 99)
            .withRepository("acme", "widgets")
            .withInstallation(5L);
    JsonNode payload = mapper.readTree(GitHubPayloads.workflowJob(spec));
    JsonNode real = GitHubPayloads.workflowJobExamples("in_progress").get(1);

    assertThat(fieldNames(payload.get("workflow_job"))).isEqualTo(fieldNames(real.get("workflow_job")));
    assertThat(payload.path("action").asText()).isEqualTo("in_progress");
    assertThat(payload.at("/workflow_job/id").asLong()).isEqualTo(42);
    assertThat(payload.at("/workflow_job/run_id").asLong()).isEqualTo(7);
    assertThat(payload.at("/workflow_job/status").asText()).isEqualTo("in_progress");
    assertThat(payload.at("/workflow_job/runner_name").asText()).isEqualTo("hangar-42-1");
    assertThat(payload.at("/workflow_job/runner_id").asLong()).isEqualTo(99);
    assertThat(payload.at("/workflow_job/labels").toString()).isEqualTo("[\"self-hosted\",\"macOS\"]");
    assertThat(payload.at("/repository/full_name").asText()).isEqualTo("acme/widgets");
    assertThat(payload.at("/repository/owner/login").asText()).isEqualTo("acme");
    assertThat(payload.at("/installation/id").asLong()).isEqualTo(5);
  }

  @Test
  void queuedPayloadHasNoRunnerAndCompletedHasAConclusion() throws Exception {
    JsonNode queued =
        mapper.readTree(GitHubPayloads.workflowJob("queued", 1, 2, List.of("macos-14"), null));
    assertThat(queued.at("/workflow_job/runner_name").isNull()).isTrue();
    assertThat(queued.at("/workflow_job/conclusion").isNull()).isTrue();
    assertThat(queued.has("installation")).isFalse();

    JsonNode completed =
        mapper.readTree(
            GitHubPayloads.workflowJob(
                WorkflowJobSpec.of("completed", 1, 2, List.of("macos-14")).withConclusion("failure")));
    assertThat(completed.at("/workflow_job/conclusion").asText()).isEqualTo("failure");
  }

  private static List<String> fieldNames(JsonNode node) {
    java.util.List<String> names = new java.util.ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    names.sort(String::compareTo);
    return names;
  }
}
