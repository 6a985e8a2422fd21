package dev.hangar.activities.github;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.oas.OpenApi30;
import dev.hangar.activities.secrets.SecretSealer;
import dev.hangar.emulator.CallLog;
import dev.hangar.emulator.EmulatorConfig;
import dev.hangar.emulator.Endpoints;
import dev.hangar.emulator.Fault;
import dev.hangar.emulator.GitHubEmulator;
import dev.hangar.emulator.JobInfo;
import dev.hangar.workflows.github.RunRef;
import dev.hangar.workflows.github.RunnerRef;
import dev.hangar.workflows.github.RunnerRequest;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every REQUEST Hangar's GitHub client sends must be one GitHub's OpenAPI description declares:
 * the path and method exist, path and query parameters are declared and of the declared type, and
 * a body validates against the declared request body schema (none where none is declared). The
 * client is driven against the emulator, which records each request with its body.
 */
class GitHubRequestsMatchOpenApiTest {

  /** The emulator module's copy of GitHub's OpenAPI subset (see the README next to it). */
  private static final Path SPEC_FILE =
      Path.of("..", "github-emulator", "src", "test", "resources", "openapi-actions-subset.json");
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final List<String> LABELS = List.of("self-hosted", "macOS", "ARM64");
  /**
   * Calls the client makes that the subset does not describe (it was cut to the Actions paths):
   * github-api's {@code getRepository} before a cancel, and the App and installation it reads before
   * buying an installation token. Listed so that any other undeclared call fails.
   */
  private static final java.util.Set<String> OUTSIDE_SUBSET = java.util.Set.of(
      "GET /repos/{owner}/{repo}", Endpoints.GET_APP, Endpoints.GET_INSTALLATION);
  private static JsonNode spec;
  private static JsonSchemaFactory factory;

  private final SecretSealer sealer = SecretSealer.fromBase64(SecretSealer.newKey());
  private GitHubEmulator github;
  private GitHubActivitiesImpl activities;

  @BeforeAll
  static void loadSpec() throws Exception {
    spec = MAPPER.readTree(Files.readAllBytes(SPEC_FILE));
    factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4, b -> b
        .metaSchema(OpenApi30.getInstance())
        .defaultMetaSchemaIri(OpenApi30.getInstance().getIri()));
  }

  @BeforeEach
  void start() {
    github = GitHubTests.emulatorWithRepo();
    activities = GitHubTests.activities(github, sealer);
  }

  @AfterEach
  void stop() {
    github.close();
  }

  @Test
  void everyRequestTheClientSendsIsDeclaredByGitHubsOpenApi() {
    RunnerRef first = activities.registerRunner(request("hangar-1-1")).runner();
    // a lost answer: the retry meets 409 and finds, deletes and registers again
    github.inject(Endpoints.GENERATE_JITCONFIG, Fault.statusAfterEffect(502));
    catchThrowable(() -> activities.registerRunner(request("hangar-2-1")));
    RunnerRef second = activities.registerRunner(request("hangar-2-1")).runner();
    activities.removeRunner(first);
    activities.removeRunner(first);
    JobInfo job = github.createJob("acme", "app", LABELS);
    github.startJob(job.id(), "hangar-2-1");
    activities.removeRunner(second);
    activities.cancelRun(new RunRef("acme", "app", null, job.runId()));
    activities.cancelRun(new RunRef("acme", "app", null, job.runId()));

    assertEveryCallDeclared(
        Endpoints.GENERATE_JITCONFIG, Endpoints.LIST_RUNNERS, Endpoints.DELETE_RUNNER, Endpoints.CANCEL_RUN);
  }

  @Test
  void organisationRunnersAndGroupLookUpsAreDeclaredToo() {
    github.addRunnerGroup("acme", 7, "macs");
    GitHubActivitiesImpl org = new GitHubActivitiesImpl(GitHubTests.api(github), sealer,
        new RunnerScope(RunnerScope.Level.ORGANIZATION, null, "macs", null));
    RunnerRef first = org.registerRunner(request("hangar-1-1")).runner();
    github.inject(Endpoints.GENERATE_ORG_JITCONFIG, Fault.statusAfterEffect(502));
    catchThrowable(() -> org.registerRunner(request("hangar-2-1")));
    org.registerRunner(request("hangar-2-1"));
    org.removeRunner(first);
    org.removeRunner(first);

    assertEveryCallDeclared(Endpoints.LIST_ORG_RUNNER_GROUPS, Endpoints.GENERATE_ORG_JITCONFIG,
        Endpoints.LIST_ORG_RUNNERS, Endpoints.DELETE_ORG_RUNNER);
  }

  @Test
  void aGitHubAppsTokenPurchaseIsDeclared(@TempDir Path dir) {
    AppKeys keys = new AppKeys();
    try (GitHubEmulator appGitHub = GitHubEmulator.start(EmulatorConfig.defaults().withApp(GitHubAppAuthTest.app(keys)))) {
      appGitHub.addRepository("acme", "app", true);
      GitHubProperties properties = new GitHubProperties(appGitHub.baseUrl(), null, null, null, null);
      GitHubActivitiesImpl app = new GitHubActivitiesImpl(GitHubApi.create(properties,
          GitHubCredentials.app(GitHubAppAuthTest.APP_ID, keys.write(dir, true), null)), sealer, 1);
      app.registerRunner(request("hangar-1-1"));

      assertEveryCallDeclared(appGitHub, Endpoints.REPO_INSTALLATION, Endpoints.INSTALLATION_TOKEN,
          Endpoints.GENERATE_JITCONFIG);
    }
  }

  private void assertEveryCallDeclared(String... expectedEndpoints) {
    assertEveryCallDeclared(github, expectedEndpoints);
  }

  private static void assertEveryCallDeclared(GitHubEmulator github, String... expectedEndpoints) {
    List<CallLog.Call> calls = github.calls().calls();
    assertThat(calls).extracting(CallLog.Call::endpoint).contains(expectedEndpoints);
    List<String> violations = new ArrayList<>();
    for (CallLog.Call call : calls) {
      if (!OUTSIDE_SUBSET.contains(call.endpoint())) {
        violations.addAll(check(call));
      }
    }
    assertThat(violations).isEmpty();
  }

  @Test
  void theReconcilersListingsAreDeclaredByGitHubsOpenApi() {
    GitHubApi api = GitHubApi.create(
        GitHubProperties.withToken(EmulatorConfig.DEFAULT_TOKEN).withApiUrl(github.baseUrl()),
        GitHubCredentials.personalAccessToken(EmulatorConfig.DEFAULT_TOKEN));
    JobInfo job = github.createJob("acme", "app", LABELS);
    ActionsJobsClient jobs = api.jobs();
    jobs.orgRepositories("acme", 1);
    jobs.runIds("acme", "app", "queued", 1);
    jobs.runIds("acme", "app", "in_progress", 2);
    jobs.jobsOfRun("acme", "app", job.runId(), 1);
    jobs.job("acme", "app", job.id());
    jobs.job("acme", "app", job.id() + 1);

    List<CallLog.Call> calls = github.calls().calls();
    assertThat(calls).extracting(CallLog.Call::endpoint).containsExactly(
        Endpoints.LIST_ORG_REPOS, Endpoints.LIST_RUNS, Endpoints.LIST_RUNS, Endpoints.LIST_RUN_JOBS,
        Endpoints.GET_JOB, Endpoints.GET_JOB);
    List<String> violations = new ArrayList<>();
    calls.forEach(call -> violations.addAll(check(call)));
    assertThat(violations).isEmpty();
  }

  /** The checks are not vacuous. */
  @Test
  void theChecksRejectWhatGitHubDoesNotDeclare() {
    String jit = "POST /repos/{owner}/{repo}/actions/runners/generate-jitconfig";
    String path = "/repos/acme/app/actions/runners/generate-jitconfig";
    assertThat(check(call(jit, path, "{\"name\":\"x\",\"runner_group_id\":1,\"labels\":[\"a\"]}"))).isEmpty();
    assertThat(check(call(jit, path, "{\"name\":\"x\",\"labels\":[\"a\"]}"))).isNotEmpty();
    assertThat(check(call(jit, path, "{\"name\":\"x\",\"runner_group_id\":\"one\",\"labels\":[\"a\"]}")))
        .isNotEmpty();
    assertThat(check(call(jit, path, ""))).isNotEmpty();
    assertThat(check(call("GET /repos/acme/app/actions/nope", "/repos/acme/app/actions/nope", ""))).isNotEmpty();
    assertThat(check(call("DELETE /repos/{owner}/{repo}/actions/runners/{runner_id}",
        "/repos/acme/app/actions/runners/abc", ""))).isNotEmpty();
    assertThat(check(call("GET /repos/{owner}/{repo}/actions/runners",
        "/repos/acme/app/actions/runners?bogus=1", ""))).isNotEmpty();
    assertThat(check(call("GET /repos/{owner}/{repo}/actions/runners",
        "/repos/acme/app/actions/runners?per_page=many", ""))).isNotEmpty();
    assertThat(check(call("POST /repos/{owner}/{repo}/actions/runs/{run_id}/cancel",
        "/repos/acme/app/actions/runs/1/cancel", "{\"why\":1}"))).isNotEmpty();
  }

  private static CallLog.Call call(String endpoint, String path, String body) {
    return new CallLog.Call(endpoint, path, 200, java.time.Instant.now(), endpoint.substring(0, endpoint.indexOf(' ')),
        body);
  }

  private static RunnerRequest request(String name) {
    return new RunnerRequest("acme", "app", null, name, LABELS);
  }

  private static List<String> check(CallLog.Call call) {
    List<String> out = new ArrayList<>();
    String label = call.method() + " " + call.path();
    int space = call.endpoint().indexOf(' ');
    String template = call.endpoint().substring(space + 1);
    JsonNode operation = spec.path("paths").path(template).path(call.method().toLowerCase());
    if (operation.isMissingNode()) {
      out.add(label + ": no " + call.endpoint() + " in GitHub's OpenAPI description");
      return out;
    }
    Map<String, JsonNode> declared = new HashMap<>();
    for (JsonNode p : operation.path("parameters")) {
      JsonNode param = resolve(p);
      declared.put(param.path("in").asText() + ":" + param.path("name").asText(), param);
    }
    String rawPath = call.path();
    String rawQuery = "";
    int q = rawPath.indexOf('?');
    if (q >= 0) {
      rawQuery = rawPath.substring(q + 1);
      rawPath = rawPath.substring(0, q);
    }
    List<String> names = new ArrayList<>();
    Matcher m = Pattern.compile("\\{([a-z_]+)}").matcher(template);
    StringBuilder regex = new StringBuilder();
    int last = 0;
    while (m.find()) {
      regex.append(Pattern.quote(template.substring(last, m.start()))).append("([^/]+)");
      names.add(m.group(1));
      last = m.end();
    }
    regex.append(Pattern.quote(template.substring(last)));
    Matcher actual = Pattern.compile(regex.toString()).matcher(rawPath);
    if (!actual.matches()) {
      out.add(label + ": does not match " + template);
      return out;
    }
    for (int i = 0; i < names.size(); i++) {
      JsonNode param = declared.get("path:" + names.get(i));
      if (param == null || !param.path("required").asBoolean()) {
        out.add(label + ": path parameter " + names.get(i) + " is not declared as required");
      } else {
        checkValue(label, names.get(i), param, actual.group(i + 1), out);
      }
    }
    if (!rawQuery.isEmpty()) {
      for (String pair : rawQuery.split("&")) {
        int eq = pair.indexOf('=');
        String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
        String value = URLDecoder.decode(eq < 0 ? "" : pair.substring(eq + 1), StandardCharsets.UTF_8);
        JsonNode param = declared.get("query:" + name);
        if (param == null) {
          out.add(label + ": query parameter " + name + " is not declared");
        } else {
          checkValue(label, name, param, value, out);
        }
      }
    }
    JsonNode requestBody = operation.path("requestBody");
    String body = call.body() == null ? "" : call.body().trim();
    if (requestBody.isMissingNode()) {
      if (!body.isEmpty() && !body.equals("{}")) {
        out.add(label + ": sends a body but GitHub declares none: " + body);
      }
      return out;
    }
    if (body.isEmpty()) {
      if (requestBody.path("required").asBoolean()) {
        out.add(label + ": the request body is required");
      }
      return out;
    }
    try {
      JsonNode json = MAPPER.readTree(body);
      String pointer = "/paths/" + escape(template) + "/" + call.method().toLowerCase()
          + "/requestBody/content/application~1json/schema";
      JsonSchema schema = factory.getSchema(
          SchemaLocation.of(SPEC_FILE.toAbsolutePath().normalize().toUri() + "#"
              + pointer.replace("{", "%7B").replace("}", "%7D")),
          SchemaValidatorsConfig.builder().build());
      schema.validate(json).forEach(v -> out.add(label + ": body " + v.getMessage()));
    } catch (java.io.IOException e) {
      out.add(label + ": the body is not JSON: " + body);
    }
    return out;
  }

  private static void checkValue(String label, String name, JsonNode param, String value, List<String> out) {
    String type = param.path("schema").path("type").asText();
    if (type.equals("integer")) {
      try {
        Long.parseLong(value);
      } catch (NumberFormatException e) {
        out.add(label + ": " + name + " must be an integer, is " + value);
      }
    } else if (value.isEmpty()) {
      out.add(label + ": " + name + " is empty");
    }
  }

  private static JsonNode resolve(JsonNode node) {
    return node.has("$ref") ? spec.at(node.get("$ref").asText().substring(1)) : node;
  }

  private static String escape(String part) {
    return part.replace("~", "~0").replace("/", "~1");
  }
}
