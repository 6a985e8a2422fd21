package dev.hangar.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** GET /repos/{owner}/{repo}/actions/runs: newest first, status filter, pagination. */
class ListRunsTest {

  private final GitHubEmulator github = GitHubEmulator.start();
  private final Http api = new Http(github.baseUrl(), EmulatorConfig.DEFAULT_TOKEN);

  @AfterEach
  void stop() {
    github.close();
  }

  @Test
  void listsRunsNewestFirstFilteredAndPaginated() {
    JobInfo first = github.createJob("acme", "app", List.of("macOS"));
    JobInfo second = github.createJob("acme", "app", List.of("macOS"));
    JobInfo third = github.createJob("acme", "app", List.of("macOS"));
    github.createJob("acme", "other", List.of("macOS"));
    github.completeJob(first.id(), "failure");

    JsonNode all = api.get("/repos/acme/app/actions/runs").body();
    assertThat(all.get("total_count").asInt()).isEqualTo(3);
    assertThat(all.at("/workflow_runs/0/id").asLong()).isEqualTo(third.runId());

    JsonNode queued = api.get("/repos/acme/app/actions/runs?status=queued").body();
    assertThat(queued.get("total_count").asInt()).isEqualTo(2);
    JsonNode failed = api.get("/repos/acme/app/actions/runs?status=failure").body();
    assertThat(failed.get("total_count").asInt()).isEqualTo(1);
    assertThat(failed.at("/workflow_runs/0/id").asLong()).isEqualTo(first.runId());
    assertThat(api.get("/repos/acme/app/actions/runs?status=completed").body().get("total_count").asInt())
        .isEqualTo(1);

    Http.Response page1 = api.get("/repos/acme/app/actions/runs?per_page=2");
    assertThat(page1.body().get("workflow_runs")).hasSize(2);
    assertThat(page1.header("Link")).contains("per_page=2&page=2>; rel=\"next\"");
    Http.Response page2 = api.get("/repos/acme/app/actions/runs?per_page=2&page=2");
    assertThat(page2.body().at("/workflow_runs/0/id").asLong()).isEqualTo(first.runId());
    assertThat(page2.body().get("total_count").asInt()).isEqualTo(3);
    assertThat(api.get("/repos/acme/app/actions/runs?per_page=500").body().get("workflow_runs")).hasSize(3);
    assertThat(second.runId()).isNotEqualTo(third.runId());
  }
}
