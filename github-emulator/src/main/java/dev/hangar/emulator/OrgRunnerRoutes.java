package dev.hangar.emulator;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * Organisation and enterprise runners and runner groups: JIT registration into a group (Default,
 * id 1, or one added with {@link GitHubEmulator#addRunnerGroup}), list, get, delete, registration
 * token. An organisation runner takes jobs of any repository of its organisation; an enterprise
 * runner those of any organisation of its enterprise ({@link GitHubEmulator#addEnterprise}).
 */
final class OrgRunnerRoutes {

  /** Which owner the routes are for. */
  enum Level {
    ORGANIZATION("org", "/orgs/", "", "organization",
        Endpoints.GENERATE_ORG_JITCONFIG, Endpoints.LIST_ORG_RUNNERS, Endpoints.GET_ORG_RUNNER,
        Endpoints.DELETE_ORG_RUNNER, Endpoints.ORG_REGISTRATION_TOKEN, Endpoints.LIST_ORG_RUNNER_GROUPS),
    ENTERPRISE("enterprise", "/enterprises/", EmulatorState.ENTERPRISES, "enterprise",
        Endpoints.GENERATE_ENTERPRISE_JITCONFIG, Endpoints.LIST_ENTERPRISE_RUNNERS,
        Endpoints.GET_ENTERPRISE_RUNNER, Endpoints.DELETE_ENTERPRISE_RUNNER,
        Endpoints.ENTERPRISE_REGISTRATION_TOKEN, Endpoints.LIST_ENTERPRISE_RUNNER_GROUPS);

    final String param;
    final String path;
    final String keyPrefix;
    final String docsWord;
    final String jit;
    final String list;
    final String get;
    final String delete;
    final String registrationToken;
    final String groups;

    Level(String param, String path, String keyPrefix, String docsWord, String jit, String list, String get,
        String delete, String registrationToken, String groups) {
      this.param = param;
      this.path = path;
      this.keyPrefix = keyPrefix;
      this.docsWord = docsWord;
      this.jit = jit;
      this.list = list;
      this.get = get;
      this.delete = delete;
      this.registrationToken = registrationToken;
      this.groups = groups;
    }
  }

  private static final String DOCS = "https://docs.github.com/rest/actions/self-hosted-runners";

  private final ObjectMapper mapper;
  private final EmulatorState state;
  private final Renderer renderer;
  private final ApiHandler api;
  private final String baseUrl;
  private final Level level;

  OrgRunnerRoutes(
      ObjectMapper mapper, EmulatorState state, Renderer renderer, ApiHandler api, String baseUrl, Level level) {
    this.level = level;
    this.mapper = mapper;
    this.state = state;
    this.renderer = renderer;
    this.api = api;
    this.baseUrl = baseUrl;
  }

  void register(BiConsumer<String, ApiHandler.Endpoint> route) {
    route.accept(level.jit, r -> api.generateJitConfig(r, org(r)));
    route.accept(level.list, this::list);
    route.accept(level.get, r -> new ApiHandler.Reply(200, renderer.runner(runner(r))));
    route.accept(level.delete, this::delete);
    route.accept(level.registrationToken, r -> api.registrationToken(r, org(r)));
    route.accept(level.groups, this::groups);
  }

  /** The key runners are registered under: the organisation, or {@code enterprises/<slug>}. */
  private String org(ApiHandler.Request request) {
    return level.keyPrefix + request.params().get(level.param);
  }

  /** The API path of the owner, for example {@code /orgs/acme}. */
  private String ownerPath(ApiHandler.Request request) {
    return level.path + request.params().get(level.param);
  }

  private EmulatorState.Runner runner(ApiHandler.Request request) {
    return state.orgRunner(org(request), request.longParam("runner_id")).orElseThrow(ApiError::notFound);
  }

  private ApiHandler.Reply list(ApiHandler.Request request) {
    String name = request.query().get("name");
    List<EmulatorState.Runner> all = state.runnersOfOrg(org(request)).stream()
        .filter(r -> name == null || r.name.equals(name))
        .toList();
    int perPage = ApiHandler.clamp(request.query().get("per_page"), 30, 1, 100);
    int page = ApiHandler.clamp(request.query().get("page"), 1, 1, Integer.MAX_VALUE);
    ObjectNode out = mapper.createObjectNode();
    out.put("total_count", all.size());
    ArrayNode runners = out.putArray("runners");
    all.stream().skip((long) (page - 1) * perPage).limit(perPage).forEach(r -> runners.add(renderer.runner(r)));
    int lastPage = Math.max(1, (all.size() + perPage - 1) / perPage);
    if (lastPage == 1) {
      return new ApiHandler.Reply(200, out);
    }
    String base = baseUrl + ownerPath(request) + "/actions/runners?per_page=" + perPage
        + (name == null ? "" : "&name=" + name) + "&page=";
    List<String> parts = new ArrayList<>();
    if (page < lastPage) {
      parts.add("<" + base + (page + 1) + ">; rel=\"next\"");
      parts.add("<" + base + lastPage + ">; rel=\"last\"");
    }
    if (page > 1) {
      parts.add("<" + base + "1>; rel=\"first\"");
      parts.add("<" + base + (page - 1) + ">; rel=\"prev\"");
    }
    return new ApiHandler.Reply(200, out, Map.of("Link", String.join(", ", parts)));
  }

  private ApiHandler.Reply delete(ApiHandler.Request request) {
    EmulatorState.Runner runner = runner(request);
    if (runner.busy()) {
      throw new ApiError(422, "Bad request - Runner \"" + runner.name + "\" is still running a job\"",
          DOCS + "#delete-a-self-hosted-runner-from-an-" + level.docsWord);
    }
    state.removeRunner(runner);
    return new ApiHandler.Reply(204, null);
  }

  private ApiHandler.Reply groups(ApiHandler.Request request) {
    List<EmulatorState.RunnerGroup> groups = state.runnerGroups(org(request));
    ObjectNode out = mapper.createObjectNode();
    out.put("total_count", groups.size());
    ArrayNode items = out.putArray("runner_groups");
    for (EmulatorState.RunnerGroup g : groups) {
      ObjectNode item = items.addObject();
      item.put("id", g.id());
      item.put("name", g.name());
      item.put("visibility", "all");
      item.put("default", g.isDefault());
      item.put("runners_url", baseUrl + ownerPath(request) + "/actions/runner-groups/" + g.id() + "/runners");
      item.put("inherited", false);
      item.put("allows_public_repositories", true);
      item.put("restricted_to_workflows", false);
      item.putArray("selected_workflows");
      item.put("workflow_restrictions_read_only", false);
    }
    return new ApiHandler.Reply(200, out);
  }
}
