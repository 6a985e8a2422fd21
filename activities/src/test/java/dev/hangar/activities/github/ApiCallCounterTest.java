package dev.hangar.activities.github;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ApiCallCounterTest {

  @Test
  void templatesPathsLikeGitHubsOpenApi() {
    assertThat(ApiCallCounter.endpointOf("GET", "/repos/acme/app"))
        .isEqualTo("GET /repos/{owner}/{repo}");
    assertThat(ApiCallCounter.endpointOf("POST", "/repos/acme/app/actions/runs/9000000001/cancel"))
        .isEqualTo("POST /repos/{owner}/{repo}/actions/runs/{run_id}/cancel");
    assertThat(ApiCallCounter.endpointOf("DELETE", "/repos/a/b/actions/runners/101"))
        .isEqualTo("DELETE /repos/{owner}/{repo}/actions/runners/{runner_id}");
    assertThat(ApiCallCounter.endpointOf("GET", "/repos/a/b/actions/jobs/25"))
        .isEqualTo("GET /repos/{owner}/{repo}/actions/jobs/{job_id}");
    assertThat(ApiCallCounter.endpointOf("GET", "/rate_limit")).isEqualTo("GET /rate_limit");
  }

  @Test
  void countsPerEndpoint() {
    ApiCallCounter counter = new ApiCallCounter();
    counter.increment("GET /rate_limit");
    counter.increment("GET /rate_limit");
    counter.increment("GET /repos/{owner}/{repo}");
    assertThat(counter.count("GET /rate_limit")).isEqualTo(2);
    assertThat(counter.total()).isEqualTo(3);
    assertThat(counter.snapshot()).containsEntry("GET /repos/{owner}/{repo}", 1L);
  }
}
