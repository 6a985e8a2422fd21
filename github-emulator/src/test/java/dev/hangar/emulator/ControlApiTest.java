package dev.hangar.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The HTTP mirror of the control API, as the local demo uses it. */
class ControlApiTest {

  private final GitHubEmulator github = GitHubEmulator.start();
  private final Http control = new Http(github.baseUrl(), null);
  private final Http api = new Http(github.baseUrl(), EmulatorConfig.DEFAULT_TOKEN);

  @AfterEach
  void stop() {
    github.close();
  }

  @Test
  void drivesJobsFaultsAndStateOverHttp() {
    assertThat(control.post("/_emulator/repos", "{\"owner\":\"acme\",\"repo\":\"app\",\"private\":false}").status())
        .isEqualTo(204);
    JsonNode job = control.post("/_emulator/jobs", "{\"owner\":\"acme\",\"repo\":\"app\",\"labels\":[\"macOS\"]}").body();
    long jobId = job.path("id").asLong();
    assertThat(job.path("run_id").asLong()).isPositive();
    assertThat(job.path("status").asText()).isEqualTo("queued");

    api.post("/repos/acme/app/actions/runners/generate-jitconfig",
        "{\"name\":\"hangar-1-1\",\"runner_group_id\":1,\"labels\":[\"macOS\"]}");
    JsonNode started = control.post("/_emulator/jobs/" + jobId + "/start", "{\"runner_name\":\"hangar-1-1\"}").body();
    assertThat(started.path("status").asText()).isEqualTo("in_progress");
    assertThat(started.path("runner_name").asText()).isEqualTo("hangar-1-1");

    control.post("/_emulator/faults",
        "{\"endpoint\":\"" + Endpoints.GET_JOB + "\",\"kind\":\"STATUS\",\"status\":500}");
    assertThat(api.get("/repos/acme/app/actions/jobs/" + jobId).status()).isEqualTo(500);
    assertThat(api.get("/repos/acme/app/actions/jobs/" + jobId).body().path("status").asText())
        .isEqualTo("in_progress");

    JsonNode done = control.post("/_emulator/jobs/" + jobId + "/complete", "{\"conclusion\":\"failure\"}").body();
    assertThat(done.path("conclusion").asText()).isEqualTo("failure");
    JsonNode state = control.get("/_emulator/state").body();
    assertThat(state.path("runners")).isEmpty();
    assertThat(state.at("/runs/0/conclusion").asText()).isEqualTo("failure");

    JsonNode calls = control.get("/_emulator/calls").body();
    assertThat(calls.at("/counts/" + Endpoints.GET_JOB.replace("/", "~1")).asInt()).isEqualTo(2);
    assertThat(control.send("DELETE", "/_emulator/calls", null).status()).isEqualTo(204);
    assertThat(github.calls().total()).isZero();

    assertThat(control.post("/_emulator/jobs/" + jobId + "/start", "{}").status()).isEqualTo(400);

    assertThat(control.post("/_emulator/runner-groups", "{\"org\":\"acme\",\"id\":9,\"name\":\"macs\"}").status())
        .isEqualTo(204);
    assertThat(api.get("/orgs/acme/actions/runner-groups").body().at("/runner_groups/1/id").asLong()).isEqualTo(9);
    assertThat(control.post("/_emulator/webhooks/deadline", "{\"deadline_ms\":500}").status()).isEqualTo(204);
  }
}
