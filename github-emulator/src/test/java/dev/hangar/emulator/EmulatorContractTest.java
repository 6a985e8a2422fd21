package dev.hangar.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import com.networknt.schema.oas.OpenApi30;
import java.io.InputStream;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every emulator response body must validate against the schema GitHub's own OpenAPI description
 * ({@code openapi-actions-subset.json}, see the README next to it) declares for that path, method
 * and status.
 */
class EmulatorContractTest {

  private static final String SPEC = "openapi-actions-subset.json";
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static JsonNode spec;
  private static JsonSchemaFactory factory;
  private static GitHubEmulator github;
  private static Http http;

  @BeforeAll
  static void start() throws Exception {
    try (InputStream in = EmulatorContractTest.class.getClassLoader().getResourceAsStream(SPEC)) {
      spec = MAPPER.readTree(in);
    }
    factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4, b -> b
        .metaSchema(OpenApi30.getInstance())
        .defaultMetaSchemaIri(OpenApi30.getInstance().getIri()));
    github = GitHubEmulator.start();
    http = new Http(github.baseUrl(), EmulatorConfig.DEFAULT_TOKEN);
  }

  @AfterAll
  static void stop() {
    github.close();
  }

  @Test
  void everyResponseMatchesGitHubsSchema() {
    JobInfo job = github.createJob("acme", "app", List.of("self-hosted", "macOS", "ARM64"));
    String repo = "/repos/acme/app";

    check("/rate_limit", "get", http.get("/rate_limit"), 200);

    Http.Response created = http.post(repo + "/actions/runners/generate-jitconfig",
        "{\"name\":\"hangar-1-1\",\"runner_group_id\":1,\"labels\":[\"self-hosted\",\"macOS\",\"ARM64\"],\"work_folder\":\"_work\"}");
    check("/repos/{owner}/{repo}/actions/runners/generate-jitconfig", "post", created, 201);
    long runnerId = created.body().at("/runner/id").asLong();
    check("/repos/{owner}/{repo}/actions/runners/generate-jitconfig", "post",
        http.post(repo + "/actions/runners/generate-jitconfig",
            "{\"name\":\"hangar-1-1\",\"runner_group_id\":1,\"labels\":[\"macOS\"]}"), 409);
    check("/repos/{owner}/{repo}/actions/runners/generate-jitconfig", "post",
        http.post(repo + "/actions/runners/generate-jitconfig",
            "{\"name\":\"x\",\"runner_group_id\":1,\"labels\":[]}"), 422);

    check("/repos/{owner}/{repo}/actions/runners", "get", http.get(repo + "/actions/runners?name=hangar-1-1"), 200);
    check("/repos/{owner}/{repo}/actions/runners/{runner_id}", "get",
        http.get(repo + "/actions/runners/" + runnerId), 200);
    check("/repos/{owner}/{repo}/actions/runners/registration-token", "post",
        http.post(repo + "/actions/runners/registration-token", ""), 201);

    check("/repos/{owner}/{repo}/actions/jobs/{job_id}", "get", http.get(repo + "/actions/jobs/" + job.id()), 200);
    check("/repos/{owner}/{repo}/actions/runs/{run_id}", "get", http.get(repo + "/actions/runs/" + job.runId()), 200);
    check("/repos/{owner}/{repo}/actions/runs", "get", http.get(repo + "/actions/runs?status=queued&per_page=1"), 200);

    github.startJob(job.id(), "hangar-1-1");
    check("/repos/{owner}/{repo}/actions/jobs/{job_id}", "get", http.get(repo + "/actions/jobs/" + job.id()), 200);
    check("/repos/{owner}/{repo}/actions/runs/{run_id}/jobs", "get",
        http.get(repo + "/actions/runs/" + job.runId() + "/jobs"), 200);
    check("/repos/{owner}/{repo}/actions/runners/{runner_id}", "delete",
        http.delete(repo + "/actions/runners/" + runnerId), 422);

    check("/repos/{owner}/{repo}/actions/runs/{run_id}/cancel", "post",
        http.post(repo + "/actions/runs/" + job.runId() + "/cancel", ""), 202);
    check("/repos/{owner}/{repo}/actions/runs/{run_id}/cancel", "post",
        http.post(repo + "/actions/runs/" + job.runId() + "/cancel", ""), 409);
    check("/repos/{owner}/{repo}/actions/runs/{run_id}/force-cancel", "post",
        http.post(repo + "/actions/runs/" + job.runId() + "/force-cancel", ""), 409);
    check("/repos/{owner}/{repo}/actions/jobs/{job_id}", "get", http.get(repo + "/actions/jobs/" + job.id()), 200);
    check("/repos/{owner}/{repo}/actions/runs/{run_id}", "get", http.get(repo + "/actions/runs/" + job.runId()), 200);

    JobInfo other = github.createJob("acme", "app", List.of("macOS"));
    check("/repos/{owner}/{repo}/actions/runs/{run_id}/force-cancel", "post",
        http.post(repo + "/actions/runs/" + other.runId() + "/force-cancel", ""), 202);

    Http.Response created2 = http.post(repo + "/actions/runners/generate-jitconfig",
        "{\"name\":\"hangar-2-1\",\"runner_group_id\":1,\"labels\":[\"macOS\"]}");
    check("/repos/{owner}/{repo}/actions/runners/{runner_id}", "delete",
        http.delete(repo + "/actions/runners/" + created2.body().at("/runner/id").asLong()), 204);
    check("/repos/{owner}/{repo}/actions/runners/generate-jitconfig", "post",
        http.post("/repos/acme/nope/actions/runners/generate-jitconfig",
            "{\"name\":\"x\",\"runner_group_id\":1,\"labels\":[\"a\"]}"), 404);

    // Errors the spec declares only through GitHub's generic responses.
    assertValid(schemaAt("/components/schemas/basic-error"), http.withToken("wrong").get(repo).body());
    assertValid(schemaAt("/components/schemas/basic-error"), http.get(repo + "/actions/runners/999999").body());
  }

  @Test
  void appEndpointsMatchGitHubsSchema() {
    try (GitHubEmulator withApp = GitHubEmulator.start(EmulatorConfig.defaults().withApp(AppAuthTest.app()))) {
      withApp.addRepository("acme", "app", true);
      java.time.Instant now = java.time.Instant.now();
      Http app = new Http(withApp.baseUrl(), AppAuthTest.jwt(AppAuthTest.KEYS.getPrivate(),
          String.valueOf(AppAuthTest.APP_ID), now.minusSeconds(60), now.plusSeconds(500)));
      check("/repos/{owner}/{repo}/installation", "get", app.get("/repos/acme/app/installation"), 200);
      check("/repos/{owner}/{repo}/installation", "get", app.get("/repos/acme/nope/installation"), 404);
      check("/orgs/{org}/installation", "get", app.get("/orgs/acme/installation"), 200);
      Http.Response installations = app.get("/app/installations");
      assertThat(installations.status()).isEqualTo(200);
      installations.body().forEach(i -> assertValid(schemaAt("/components/schemas/installation"), i));
      check("/app/installations/{installation_id}/access_tokens", "post",
          app.post("/app/installations/11/access_tokens", ""), 201);
      check("/app/installations/{installation_id}/access_tokens", "post",
          app.post("/app/installations/99/access_tokens", ""), 404);
      check("/app/installations/{installation_id}/access_tokens", "post",
          app.withToken("a.b.c").post("/app/installations/11/access_tokens", ""), 401);
    }
  }

  @Test
  void hookDeliveryEndpointsMatchGitHubsSchema() throws Exception {
    try (Receiver receiver = new Receiver();
        GitHubEmulator hooked = GitHubEmulator.start(EmulatorConfig.defaults().withWebhook(receiver.url(), "s")
            .withHookId(77))) {
      Http api = new Http(hooked.baseUrl(), EmulatorConfig.DEFAULT_TOKEN);
      hooked.createJob("acme", "app", List.of("macOS"));
      receiver.next(1);
      long deadline = System.nanoTime() + 5_000_000_000L;
      while (hooked.deliveries().isEmpty() && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      long id = hooked.deliveries().get(0).id();
      for (String[] form : new String[][] {
          {"/repos/{owner}/{repo}/hooks/{hook_id}/deliveries", "/repos/acme/app/hooks/77/deliveries"},
          {"/orgs/{org}/hooks/{hook_id}/deliveries", "/orgs/acme/hooks/77/deliveries"}}) {
        check(form[0], "get", api.get(form[1]), 200);
        check(form[0] + "/{delivery_id}", "get", api.get(form[1] + "/" + id), 200);
        check(form[0] + "/{delivery_id}/attempts", "post", api.post(form[1] + "/" + id + "/attempts", ""), 202);
        receiver.next(1);
      }
      assertValid(schemaAt("/components/schemas/basic-error"),
          api.get("/repos/acme/app/hooks/77/deliveries/1").body());
    }
  }

  @Test
  void orgRunnerEndpointsMatchGitHubsSchema() {
    github.addRepository("octo-org", "app", true);
    github.addRunnerGroup("octo-org", 5, "macs");
    String org = "/orgs/octo-org/actions";
    String jit = "/orgs/{org}/actions/runners/generate-jitconfig";
    Http.Response created = http.post(org + "/runners/generate-jitconfig",
        "{\"name\":\"org-runner\",\"runner_group_id\":5,\"labels\":[\"self-hosted\",\"macOS\"]}");
    check(jit, "post", created, 201);
    check(jit, "post", http.post(org + "/runners/generate-jitconfig",
        "{\"name\":\"org-runner\",\"runner_group_id\":1,\"labels\":[\"macOS\"]}"), 409);
    check(jit, "post", http.post(org + "/runners/generate-jitconfig",
        "{\"name\":\"x\",\"runner_group_id\":1,\"labels\":[]}"), 422);
    check(jit, "post", http.post(org + "/runners/generate-jitconfig",
        "{\"name\":\"x\",\"runner_group_id\":99,\"labels\":[\"macOS\"]}"), 404);
    long id = created.body().at("/runner/id").asLong();
    check("/orgs/{org}/actions/runners", "get", http.get(org + "/runners"), 200);
    check("/orgs/{org}/actions/runners/{runner_id}", "get", http.get(org + "/runners/" + id), 200);
    check("/orgs/{org}/actions/runners/registration-token", "post",
        http.post(org + "/runners/registration-token", ""), 201);
    check("/orgs/{org}/actions/runner-groups", "get", http.get(org + "/runner-groups"), 200);
    check("/orgs/{org}/repos", "get", http.get("/orgs/octo-org/repos?per_page=100"), 200);
    check("/orgs/{org}/actions/runners/{runner_id}", "delete", http.delete(org + "/runners/" + id), 204);
  }

  /** The validator is not vacuous: a broken body and a wrong nullable both fail. */
  @Test
  void validatorRejectsWhatGitHubWouldNotSend() {
    JobInfo job = github.createJob("acme", "checked", List.of("macOS"));
    com.fasterxml.jackson.databind.node.ObjectNode body =
        (com.fasterxml.jackson.databind.node.ObjectNode)
            http.get("/repos/acme/checked/actions/jobs/" + job.id()).body();
    JsonSchema schema = schemaAt("/components/schemas/job");
    assertThat(schema.validate(body)).isEmpty();
    body.put("status", "bogus");
    assertThat(schema.validate(body)).isNotEmpty();
    body.put("status", "queued");
    body.putNull("name");
    assertThat(schema.validate(body)).isNotEmpty();
    body.remove("name");
    assertThat(schema.validate(body)).isNotEmpty();
    JsonSchema paginated = schemaAt(pointer("paths", "/repos/{owner}/{repo}/actions/runners", "get",
        "responses", "200", "content", "application/json", "schema"));
    assertThat(paginated.validate(MAPPER.createObjectNode().put("total_count", 1))).isNotEmpty();
  }

  private void check(String template, String method, Http.Response response, int status) {
    assertThat(response.status()).as(method + " " + template).isEqualTo(status);
    JsonNode declared = spec.at(pointer("paths", template, method, "responses", String.valueOf(status)));
    assertThat(declared.isMissingNode()).as("spec declares " + status + " for " + method + " " + template).isFalse();
    String responsePointer = pointer("paths", template, method, "responses", String.valueOf(status));
    if (declared.has("$ref")) {
      responsePointer = declared.get("$ref").asText().substring(1);
      declared = spec.at(responsePointer);
    }
    JsonNode schema = declared.at("/content/application~1json/schema");
    if (schema.isMissingNode()) {
      assertThat(response.body()).as("no body declared for " + status + " " + method + " " + template).isNull();
      return;
    }
    String schemaPointer = schema.has("$ref")
        ? schema.get("$ref").asText().substring(1)
        : responsePointer + "/content/application~1json/schema";
    assertValid(schemaAt(schemaPointer), response.body());
  }

  private static JsonSchema schemaAt(String pointer) {
    String fragment = pointer.replace("{", "%7B").replace("}", "%7D");
    return factory.getSchema(
        SchemaLocation.of("classpath:" + SPEC + "#" + fragment), SchemaValidatorsConfig.builder().build());
  }

  private static void assertValid(JsonSchema schema, JsonNode body) {
    Set<ValidationMessage> errors = schema.validate(body);
    assertThat(errors).as("schema violations in " + body).isEmpty();
  }

  private static String pointer(String... parts) {
    StringBuilder out = new StringBuilder();
    for (String p : parts) {
      out.append('/').append(p.replace("~", "~0").replace("/", "~1"));
    }
    return out.toString();
  }
}
