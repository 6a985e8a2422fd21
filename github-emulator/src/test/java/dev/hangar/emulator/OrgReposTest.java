package dev.hangar.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** GET /orgs/{org}/repos: newest first, only what the caller sees, pagination, 404 for no org. */
class OrgReposTest {

  private static final String LIMITED = "ghp_only_acme_app";

  private final GitHubEmulator github = GitHubEmulator.start(
      EmulatorConfig.defaults().withToken(LIMITED, TokenGrant.repositories("acme/app")));
  private final Http api = new Http(github.baseUrl(), EmulatorConfig.DEFAULT_TOKEN);

  @AfterEach
  void stop() {
    github.close();
  }

  @Test
  void listsTheOrganisationsRepositoriesNewestFirstInPages() {
    github.addRepository("acme", "app", true);
    github.addRepository("acme", "lib", false);
    github.addRepository("acme", "secret", true);
    github.addRepository("other", "x", false);

    JsonNode all = api.get("/orgs/acme/repos").body();
    assertThat(all).extracting(r -> r.get("full_name").asText()).containsExactly("acme/secret", "acme/lib", "acme/app");

    Http.Response page1 = api.get("/orgs/acme/repos?per_page=2");
    assertThat(page1.body()).hasSize(2);
    assertThat(page1.header("Link")).contains("per_page=2&page=2>; rel=\"next\"");
    Http.Response page2 = api.get("/orgs/acme/repos?per_page=2&page=2");
    assertThat(page2.body()).extracting(r -> r.get("name").asText()).containsExactly("app");
    assertThat(page2.header("Link")).isNull();
  }

  @Test
  void aTokenSeesOnlyTheRepositoriesItIsGrantedAndNoOrgIs404() {
    github.addRepository("acme", "app", true);
    github.addRepository("acme", "lib", false);
    github.addRepository("acme", "secret", true);

    JsonNode seen = new Http(github.baseUrl(), LIMITED).get("/orgs/acme/repos").body();

    assertThat(seen).extracting(r -> r.get("name").asText()).containsExactly("app");
    assertThat(api.get("/orgs/nobody/repos").status()).isEqualTo(404);
  }
}
