package dev.hangar.activities.github;

import static dev.hangar.activities.github.GitHubTests.failureOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hangar.activities.secrets.SecretSealer;
import dev.hangar.emulator.EmulatorConfig;
import dev.hangar.emulator.Endpoints;
import dev.hangar.emulator.Fault;
import dev.hangar.emulator.GitHubEmulator;
import dev.hangar.emulator.JobInfo;
import dev.hangar.emulator.RunnerInfo;
import dev.hangar.workflows.Failures;
import dev.hangar.workflows.github.RunRef;
import dev.hangar.workflows.github.RunnerRegistration;
import dev.hangar.workflows.github.RunnerRemoval;
import dev.hangar.workflows.github.RunnerRequest;
import io.temporal.failure.ApplicationFailure;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Runner scopes and groups, and GitHub Enterprise Server's /api/v3 base URL. */
class RunnerScopeTest {

  private static final List<String> LABELS = List.of("self-hosted", "macOS");
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final SecretSealer sealer = SecretSealer.fromBase64(SecretSealer.newKey());
  private GitHubEmulator github;

  @AfterEach
  void stop() {
    if (github != null) {
      github.close();
    }
  }

  @Test
  void bothClientsWorkBelowAnEnterpriseServerApiPath() throws Exception {
    github = GitHubEmulator.start(EmulatorConfig.defaults().withApiPath("/api/v3"));
    github.addRepository("acme", "app", true);
    assertThat(github.baseUrl()).endsWith("/api/v3");
    GitHubApi api = api();
    GitHubActivitiesImpl activities = new GitHubActivitiesImpl(api, sealer, 1);

    RunnerRegistration registration = activities.registerRunner(request("hangar-1-1"));
    JobInfo job = github.createJob("acme", "app", LABELS);
    activities.cancelRun(new RunRef("acme", "app", null, job.runId()));

    assertThat(activities.removeRunner(registration.runner())).isEqualTo(RunnerRemoval.REMOVED);
    assertThat(github.calls().calls()).allSatisfy(call -> {
      assertThat(call.path()).startsWith("/repos/acme/app");
      assertThat(call.status()).isLessThan(400);
    });
    assertThat(api.calls().snapshot()).containsKeys(
        "POST /repos/{owner}/{repo}/actions/runners/generate-jitconfig",
        "POST /repos/{owner}/{repo}/actions/runs/{run_id}/cancel",
        "DELETE /repos/{owner}/{repo}/actions/runners/{runner_id}");
    // the emulator is as strict as GHES: the API is only below /api/v3
    String root = github.baseUrl().substring(0, github.baseUrl().length() - "/api/v3".length());
    HttpResponse<String> outside = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create(root + "/repos/acme/app"))
            .header("Authorization", "token " + EmulatorConfig.DEFAULT_TOKEN).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(outside.statusCode()).isEqualTo(404);
  }

  @Test
  void organisationRunnersJoinTheGroupNamedLookedUpOnce() throws Exception {
    github = GitHubEmulator.start();
    github.addRepository("acme", "app", true);
    github.addRepository("acme", "web", true);
    github.addRunnerGroup("acme", 7, "Mac minis");
    GitHubActivitiesImpl activities = new GitHubActivitiesImpl(
        api(), sealer,
        new RunnerScope(RunnerScope.Level.ORGANIZATION, null, "mac minis", null));

    RunnerRegistration first = activities.registerRunner(request("hangar-1-1"));
    activities.registerRunner(new RunnerRequest("acme", "web", null, "hangar-2-1", LABELS));
    github.inject(Endpoints.GENERATE_ORG_JITCONFIG, Fault.statusAfterEffect(502));
    failureOf(() -> activities.registerRunner(request("hangar-3-1")));
    activities.registerRunner(request("hangar-3-1"));

    assertThat(github.runners()).hasSize(3).allSatisfy(r -> assertThat(poolOf(r)).isEqualTo("Mac minis"));
    assertThat(github.calls().count(Endpoints.LIST_ORG_RUNNER_GROUPS)).as("looked up once").isEqualTo(1);
    assertThat(github.calls().count(Endpoints.LIST_ORG_RUNNERS)).as("the lost answer's runner found").isEqualTo(1);
    assertThat(github.calls().count(Endpoints.DELETE_ORG_RUNNER)).isEqualTo(1);
    assertThat(activities.removeRunner(first.runner())).isEqualTo(RunnerRemoval.REMOVED);
    assertThat(activities.removeRunner(first.runner())).isEqualTo(RunnerRemoval.ALREADY_GONE);
    assertThat(github.calls().count(Endpoints.GENERATE_JITCONFIG)).as("no repository runner").isZero();
  }

  @Test
  void enterpriseRunnersJoinTheEnterpriseGroupAndServeItsOrganisations() {
    github = GitHubEmulator.start();
    github.addRepository("acme", "app", true);
    github.addRepository("globex", "site", true);
    github.addEnterprise("big-co", "acme", "globex");
    github.addRunnerGroup("enterprises/big-co", 9, "macs");
    GitHubActivitiesImpl activities = new GitHubActivitiesImpl(api(), sealer,
        new RunnerScope(RunnerScope.Level.ENTERPRISE, "big-co", "macs", null));

    RunnerRegistration first = activities.registerRunner(request("hangar-1-1"));
    RunnerRegistration second = activities.registerRunner(new RunnerRequest("globex", "site", null, "hangar-2-1", LABELS));

    assertThat(github.calls().count(Endpoints.LIST_ENTERPRISE_RUNNER_GROUPS)).as("looked up once").isEqualTo(1);
    assertThat(github.calls().count(Endpoints.GENERATE_ENTERPRISE_JITCONFIG)).isEqualTo(2);
    JobInfo job = github.createJob("globex", "site", LABELS);
    assertThat(github.claim(sealer.open(first.jitConfig()))).map(JobInfo::id).contains(job.id());
    assertThat(activities.removeRunner(second.runner())).isEqualTo(RunnerRemoval.REMOVED);
    assertThat(activities.removeRunner(first.runner())).isEqualTo(RunnerRemoval.BUSY);
    assertThat(github.calls().count(Endpoints.DELETE_ENTERPRISE_RUNNER)).isEqualTo(2);
  }

  @Test
  void aGroupThatDoesNotExistIsRefusedForGood() {
    github = GitHubEmulator.start();
    github.addRepository("acme", "app", true);
    GitHubActivitiesImpl activities = new GitHubActivitiesImpl(
        api(), sealer,
        new RunnerScope(RunnerScope.Level.ORGANIZATION, null, "nope", null));

    ApplicationFailure refused = failureOf(() -> activities.registerRunner(request("hangar-1-1")));

    assertThat(refused.getType()).isEqualTo(Failures.GITHUB_REFUSED);
    assertThat(refused.isNonRetryable()).isTrue();
    assertThat(refused.getOriginalMessage()).contains("'nope'").contains("acme");
    assertThat(github.runners()).isEmpty();
  }

  @Test
  void scopesAreValidated() {
    assertThatThrownBy(() -> new RunnerScope(RunnerScope.Level.ENTERPRISE, null, null, null))
        .hasMessageContaining("enterprise");
    assertThatThrownBy(() -> new RunnerScope(RunnerScope.Level.REPOSITORY, null, "macs", null))
        .hasMessageContaining("no runner groups");
    assertThatThrownBy(() -> new RunnerScope(RunnerScope.Level.ORGANIZATION, null, "macs", 3L))
        .hasMessageContaining("not both");
    assertThatThrownBy(() -> new RunnerScope(RunnerScope.Level.ORGANIZATION, "big-co", null, null))
        .hasMessageContaining("not enterprise");
    RunnerScope enterprise = new RunnerScope(RunnerScope.Level.ENTERPRISE, "big-co", "macs", null);
    assertThat(enterprise.runnersPath("acme", "app")).isEqualTo("/enterprises/big-co/actions/runners");
    assertThat(enterprise.groupsPath("acme")).isEqualTo("/enterprises/big-co/actions/runner-groups");
    assertThat(new RunnerScope(null, null, null, null).runnersPath("acme", "app"))
        .isEqualTo("/repos/acme/app/actions/runners");
    assertThatThrownBy(() -> RunnerScope.repository(1).runnersPath("acme", "a/../b"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private GitHubApi api() {
    GitHubProperties properties = GitHubProperties.withToken(EmulatorConfig.DEFAULT_TOKEN)
        .withApiUrl(github.baseUrl()).withRequestTimeout(Duration.ofSeconds(5));
    return GitHubApi.create(properties, GitHubCredentials.personalAccessToken(EmulatorConfig.DEFAULT_TOKEN));
  }

  private static String poolOf(RunnerInfo runner) throws Exception {
    JsonNode files = MAPPER.readTree(Base64.getDecoder().decode(runner.encodedJitConfig()));
    return MAPPER.readTree(Base64.getDecoder().decode(files.get(".runner").asText())).get("PoolName").asText();
  }

  private static RunnerRequest request(String name) {
    return new RunnerRequest("acme", "app", null, name, LABELS);
  }
}
