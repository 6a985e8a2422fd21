package dev.hangar.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Organisation runners and runner groups. */
class OrgRunnersTest {

  private final GitHubEmulator github = GitHubEmulator.start();
  private final Http api = new Http(github.baseUrl(), EmulatorConfig.DEFAULT_TOKEN);
  private final ObjectMapper mapper = new ObjectMapper();

  @AfterEach
  void stop() {
    github.close();
  }

  private Http.Response register(String name, long group) {
    return api.post("/orgs/acme/actions/runners/generate-jitconfig",
        "{\"name\":\"" + name + "\",\"runner_group_id\":" + group + ",\"labels\":[\"self-hosted\",\"macOS\"]}");
  }

  @Test
  void anOrgRunnerTakesAJobOfAnyRepositoryOfItsOrganisation() throws Exception {
    github.addRepository("acme", "web", true);
    JobInfo job = github.createJob("acme", "app", List.of("self-hosted", "macOS"));
    github.createJob("other", "thing", List.of("self-hosted", "macOS"));
    Http.Response created = register("org-1", 1);
    assertThat(created.status()).isEqualTo(201);
    String config = created.body().get("encoded_jit_config").asText();
    JsonNode files = mapper.readTree(Base64.getDecoder().decode(config));
    JsonNode runnerFile = mapper.readTree(Base64.getDecoder().decode(files.get(".runner").asText()));
    assertThat(runnerFile.get("GitHubUrl").asText()).isEqualTo(github.baseUrl() + "/acme");
    assertThat(runnerFile.get("PoolName").asText()).isEqualTo("Default");

    assertThat(register("org-1", 1).status()).isEqualTo(409);
    long id = created.body().at("/runner/id").asLong();
    assertThat(api.get("/orgs/acme/actions/runners").body().get("total_count").asInt()).isEqualTo(1);
    assertThat(api.get("/orgs/acme/actions/runners/" + id).body().get("name").asText()).isEqualTo("org-1");
    // an organisation runner is not a repository runner
    assertThat(api.get("/repos/acme/app/actions/runners/" + id).status()).isEqualTo(404);

    Optional<JobInfo> claimed = github.claim(config);
    assertThat(claimed).map(JobInfo::id).contains(job.id());
    assertThat(api.delete("/orgs/acme/actions/runners/" + id).status()).isEqualTo(422);
    github.finish(config, "success");
    assertThat(api.get("/orgs/acme/actions/runners/" + id).status()).isEqualTo(404);

    // never another organisation's job
    String second = register("org-2", 1).body().get("encoded_jit_config").asText();
    assertThat(github.claim(second)).isEmpty();
    long secondId = github.runners().stream().filter(r -> r.name().equals("org-2")).findFirst().orElseThrow().id();
    assertThat(api.delete("/orgs/acme/actions/runners/" + secondId).status()).isEqualTo(204);
    assertThat(api.post("/orgs/acme/actions/runners/registration-token", "").status()).isEqualTo(201);
  }

  @Test
  void runnerGroupsAreDefaultPlusConfiguredAndAnUnknownGroupIs404() {
    github.addRepository("acme", "app", true);
    github.addRunnerGroup("acme", 7, "macs");
    JsonNode groups = api.get("/orgs/acme/actions/runner-groups").body();
    assertThat(groups.get("total_count").asInt()).isEqualTo(2);
    assertThat(groups.at("/runner_groups/0/id").asLong()).isEqualTo(1);
    assertThat(groups.at("/runner_groups/0/default").asBoolean()).isTrue();
    assertThat(groups.at("/runner_groups/1/name").asText()).isEqualTo("macs");
    Http.Response inGroup = register("in-macs", 7);
    assertThat(inGroup.status()).isEqualTo(201);
    assertThat(inGroup.body().at("/runner/runner_group_id").asLong()).isEqualTo(7);
    assertThat(register("nowhere", 99).status()).isEqualTo(404);
    assertThat(api.get("/orgs/nobody/actions/runners").status()).isEqualTo(404);
    assertThat(api.withToken("x").get("/orgs/acme/actions/runners").status()).isEqualTo(401);
  }

  @Test
  void anEnterpriseRunnerTakesJobsOfItsOrganisationsOnly() {
    github.addRepository("acme", "app", true);
    github.addRepository("globex", "site", true);
    github.addRepository("other", "thing", true);
    github.addEnterprise("big-co", "acme", "globex");
    github.addRunnerGroup("enterprises/big-co", 5, "macs");
    assertThat(api.get("/enterprises/big-co/actions/runner-groups").body().at("/runner_groups/1/name").asText())
        .isEqualTo("macs");
    github.createJob("other", "thing", List.of("self-hosted", "macOS"));
    JobInfo job = github.createJob("globex", "site", List.of("self-hosted", "macOS"));

    Http.Response created = api.post("/enterprises/big-co/actions/runners/generate-jitconfig",
        "{\"name\":\"ent-1\",\"runner_group_id\":5,\"labels\":[\"self-hosted\",\"macOS\"]}");
    assertThat(created.status()).isEqualTo(201);
    long id = created.body().at("/runner/id").asLong();
    assertThat(api.get("/enterprises/big-co/actions/runners/" + id).body().get("name").asText()).isEqualTo("ent-1");
    assertThat(api.get("/orgs/acme/actions/runners/" + id).status()).as("not an org runner").isEqualTo(404);
    assertThat(github.claim(created.body().get("encoded_jit_config").asText())).map(JobInfo::id).contains(job.id());
    assertThat(api.delete("/enterprises/big-co/actions/runners/" + id).status()).isEqualTo(422);

    assertThat(api.get("/enterprises/nobody/actions/runners").status()).isEqualTo(404);
  }
}
