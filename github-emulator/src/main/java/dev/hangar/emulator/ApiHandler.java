package dev.hangar.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.BiConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers GitHub's REST API: authentication, rate limit headers and budget, injected faults, the
 * call log, then the endpoint itself.
 */
final class ApiHandler implements HttpHandler {

  private static final Logger LOG = LoggerFactory.getLogger(ApiHandler.class);
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String RUNNERS_DOCS =
      "https://docs.github.com/rest/actions/self-hosted-runners";
  private static final String RATE_DOCS =
      "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api";

  /** A request as an endpoint sees it. */
  record Request(
      Map<String, String> params,
      Map<String, String> query,
      byte[] body,
      EmulatorState.Repo repo,
      Caller caller) {

    long longParam(String name) {
      try {
        return Long.parseLong(params.get(name));
      } catch (NumberFormatException e) {
        throw ApiError.notFound();
      }
    }
  }

  /** An endpoint's answer; a {@code null} body answers no body. */
  record Reply(int status, JsonNode body, Map<String, String> headers) {
    Reply(int status, JsonNode body) {
      this(status, body, Map.of());
    }
  }

  @FunctionalInterface
  interface Endpoint {
    Reply handle(Request request) throws IOException;
  }

  private record Route(String key, String method, Pattern pattern, List<String> names, Endpoint endpoint) {}

  private final ObjectMapper mapper;
  private final EmulatorState state;
  private final Renderer renderer;
  private final Faults faults;
  private final CallLog calls;
  private final RateLimit rateLimit;
  private final Map<String, TokenGrant> tokens;
  private final AppAuth appAuth;
  private final String baseUrl;
  private final String apiPath;
  /** Where the server is, without the API path: the runner service and web URLs live here. */
  private final String root;
  private final Map<String, TokenScope> registrationTokens = new java.util.concurrent.ConcurrentHashMap<>();
  private final BiConsumer<EmulatorState.Job, String> jobEvents;
  private final RunnerStarvation starvation;
  private final List<Route> routes = new ArrayList<>();

  ApiHandler(
      ObjectMapper mapper,
      EmulatorState state,
      Renderer renderer,
      Faults faults,
      CallLog calls,
      RateLimit rateLimit,
      Map<String, TokenGrant> tokens,
      String baseUrl,
      BiConsumer<EmulatorState.Job, String> jobEvents,
      RunnerStarvation starvation,
      AppAuth appAuth,
      String apiPath) {
    this.mapper = mapper;
    this.state = state;
    this.renderer = renderer;
    this.faults = faults;
    this.calls = calls;
    this.rateLimit = rateLimit;
    this.tokens = Map.copyOf(tokens);
    this.baseUrl = baseUrl;
    this.jobEvents = jobEvents;
    this.starvation = starvation;
    this.appAuth = appAuth;
    this.apiPath = apiPath;
    this.root = baseUrl.substring(0, baseUrl.length() - apiPath.length());
    route(Endpoints.GET_REPOSITORY, r -> new Reply(200, renderer.repository(r.repo())));
    route(Endpoints.GENERATE_JITCONFIG, this::generateJitConfig);
    route(Endpoints.LIST_RUNNERS, this::listRunners);
    route(Endpoints.GET_RUNNER, r -> new Reply(200, renderer.runner(runner(r))));
    route(Endpoints.DELETE_RUNNER, this::deleteRunner);
    route(Endpoints.REGISTRATION_TOKEN, this::registrationToken);
    route(Endpoints.RATE_LIMIT, r -> new Reply(200, rateLimitOverview()));
    new AppRoutes(mapper, renderer, appAuth).register(this::route);
    new RunRoutes(mapper, state, renderer, this, jobEvents).register(this::route);
    new OrgRunnerRoutes(mapper, state, renderer, this, baseUrl, OrgRunnerRoutes.Level.ORGANIZATION)
        .register(this::route);
    new OrgRunnerRoutes(mapper, state, renderer, this, baseUrl, OrgRunnerRoutes.Level.ENTERPRISE)
        .register(this::route);
    new OrgRepoRoutes(mapper, state, renderer, baseUrl).register(this::route);
  }

  void route(String key, Endpoint endpoint) {
    int space = key.indexOf(' ');
    String template = key.substring(space + 1);
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
    routes.add(new Route(key, key.substring(0, space), Pattern.compile(regex.toString()), names, endpoint));
  }

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    String method = exchange.getRequestMethod();
    String fullPath = exchange.getRequestURI().getRawPath();
    // Below apiPath only, as on GitHub Enterprise Server: anything else is no API path (404).
    String path = fullPath.startsWith(apiPath + "/") ? fullPath.substring(apiPath.length()) : "/" + fullPath;
    String rawQuery = exchange.getRequestURI().getRawQuery();
    byte[] body = exchange.getRequestBody().readAllBytes();
    Reply reply;
    String key = method + " " + path;
    try {
      Route route = null;
      Map<String, String> params = new LinkedHashMap<>();
      for (Route candidate : routes) {
        Matcher m = candidate.pattern().matcher(path);
        if (candidate.method().equals(method) && m.matches()) {
          route = candidate;
          for (int i = 0; i < candidate.names().size(); i++) {
            params.put(candidate.names().get(i), m.group(i + 1));
          }
          break;
        }
      }
      if (route != null) {
        key = route.key();
      }
      reply = answer(route, key, params, rawQuery, body, exchange.getRequestHeaders().getFirst("Authorization"));
    } catch (ApiError e) {
      reply = new Reply(e.status, Exchange.error(mapper, e.status, e.getMessage(), e.documentationUrl));
    } catch (RuntimeException e) {
      LOG.warn("emulator failed on {} {}", method, path, e);
      reply = new Reply(500, Exchange.error(mapper, 500, "Server Error", ApiError.DOCS));
    }
    calls.record(new CallLog.Call(key, rawQuery == null ? path : path + "?" + rawQuery, reply.status(), Instant.now(),
        method, new String(body, java.nio.charset.StandardCharsets.UTF_8)));
    RateLimit.Snapshot snapshot = rateLimit.snapshot();
    var headers = exchange.getResponseHeaders();
    headers.set("x-ratelimit-limit", String.valueOf(snapshot.limit()));
    headers.set("x-ratelimit-remaining", String.valueOf(snapshot.remaining()));
    headers.set("x-ratelimit-reset", String.valueOf(snapshot.resetEpochSeconds()));
    headers.set("x-ratelimit-used", String.valueOf(snapshot.used()));
    headers.set("x-ratelimit-resource", "core");
    headers.set("x-github-api-version-selected", "2022-11-28");
    headers.set("x-github-request-id", UUID.randomUUID().toString().toUpperCase().substring(0, 23));
    reply.headers().forEach(headers::set);
    Exchange.send(exchange, mapper, reply.status(), reply.body());
  }

  private Reply answer(
      Route route, String key, Map<String, String> params, String rawQuery, byte[] body, String authorization)
      throws IOException {
    Optional<Fault> fault = faults.next(key);
    if (fault.isPresent()) {
      Fault f = fault.get();
      switch (f.kind()) {
        case STATUS -> {
          return new Reply(f.status(), Exchange.error(mapper, f.status(), "Server Error", ApiError.DOCS));
        }
        case SECONDARY_RATE_LIMIT -> {
          return new Reply(
              f.status(),
              Exchange.error(mapper, f.status(),
                  "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.",
                  RATE_DOCS + "#about-secondary-rate-limits"),
              Map.of("retry-after", String.valueOf(f.delay().toSeconds())));
        }
        case DELAY -> sleep(f);
        case STATUS_AFTER_EFFECT -> { }
      }
    }
    Caller caller = authenticate(authorization);
    if (AppRoutes.JWT_ONLY.contains(key) && !caller.isApp()) {
      throw new ApiError(401, "A JSON web token could not be decoded", ApiError.DOCS);
    }
    if (caller.isApp() && route != null && !AppRoutes.JWT_ONLY.contains(key)) {
      throw new ApiError(403, "Resource not accessible by integration", ApiError.DOCS);
    }
    boolean counted = !Endpoints.RATE_LIMIT.equals(key);
    if (counted && !rateLimit.tryConsume()) {
      int status = rateLimit.spentStatus();
      return new Reply(status, Exchange.error(mapper, status, "API rate limit exceeded for user ID 1.", RATE_DOCS));
    }
    if (route == null) {
      throw ApiError.notFound();
    }
    EmulatorState.Repo repo = null;
    if (params.containsKey("owner")) {
      repo = state.repo(params.get("owner"), params.get("repo"))
          .filter(r -> caller.isApp() || caller.sees(r))
          .orElseThrow(ApiError::notFound);
    }
    if (params.containsKey("enterprise")) {
      if (caller.installation() != null) {
        throw new ApiError(403, "Resource not accessible by integration", ApiError.DOCS);
      }
      if (!state.enterpriseExists(params.get("enterprise")) || !caller.seesOrg(null)) {
        throw ApiError.notFound();
      }
    }
    if (params.containsKey("org") && !AppRoutes.JWT_ONLY.contains(key) && !Endpoints.LIST_ORG_REPOS.equals(key)) {
      String org = params.get("org");
      if (!state.orgExists(org) || !caller.seesOrg(org)) {
        throw ApiError.notFound();
      }
    }
    Reply reply;
    synchronized (state) {
      reply = route.endpoint().handle(new Request(params, Exchange.query(rawQuery), body, repo, caller));
    }
    if (fault.isPresent() && fault.get().kind() == Fault.Kind.STATUS_AFTER_EFFECT) {
      int status = fault.get().status();
      return new Reply(status, Exchange.error(mapper, status, "Server Error", ApiError.DOCS));
    }
    return reply;
  }

  private static void sleep(Fault f) {
    try {
      Thread.sleep(f.delay().toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private Caller authenticate(String authorization) {
    if (authorization == null || authorization.isBlank()) {
      throw new ApiError(401, "Requires authentication", ApiError.DOCS);
    }
    String token;
    if (authorization.startsWith("Bearer ")) {
      token = authorization.substring(7).trim();
    } else if (authorization.startsWith("token ")) {
      token = authorization.substring(6).trim();
    } else {
      throw new ApiError(401, "Bad credentials", ApiError.DOCS);
    }
    TokenGrant grant = tokens.get(token);
    if (grant != null) {
      return Caller.token(grant);
    }
    Optional<GitHubApp.Installation> installation = appAuth.installationOf(token);
    if (installation.isPresent()) {
      return Caller.installation(installation.get());
    }
    if (authorization.startsWith("Bearer ") && AppAuth.looksLikeJwt(token)) {
      return Caller.app(appAuth.verify(token));
    }
    throw new ApiError(401, "Bad credentials", ApiError.DOCS);
  }

  private Reply generateJitConfig(Request request) throws IOException {
    return generateJitConfig(request, null);
  }

  /** Registers a JIT runner for the request's repository, or for {@code org} when not null. */
  Reply generateJitConfig(Request request, String org) throws IOException {
    JsonNode body;
    try {
      body = mapper.readTree(request.body());
    } catch (IOException e) {
      throw new ApiError(400, "Problems parsing JSON", ApiError.DOCS);
    }
    if (body == null || !body.isObject()) {
      throw new ApiError(400, "Problems parsing JSON", ApiError.DOCS);
    }
    JsonNode name = body.get("name");
    JsonNode group = body.get("runner_group_id");
    JsonNode labels = body.get("labels");
    if (name == null || !name.isTextual() || name.asText().isBlank()) {
      throw invalid("Invalid request.\n\n\"name\" wasn't supplied.");
    }
    if (group == null || !group.isIntegralNumber()) {
      throw invalid("Invalid request.\n\n\"runner_group_id\" wasn't supplied.");
    }
    if (labels == null || !labels.isArray() || labels.isEmpty() || labels.size() > 100) {
      throw invalid("Invalid request.\n\n\"labels\" must have between 1 and 100 items.");
    }
    List<String> labelNames = new ArrayList<>();
    for (JsonNode label : labels) {
      if (!label.isTextual() || label.asText().isBlank()) {
        throw invalid("Invalid request.\n\nFor 'items', " + label + " is not a string.");
      }
      labelNames.add(label.asText());
    }
    String workFolder = body.path("work_folder").asText("_work");
    EmulatorState.Runner runner = addRunner(request.repo(), org, name.asText(), labelNames, group.asLong(), workFolder);
    ObjectNode out = mapper.createObjectNode();
    out.set("runner", renderer.runner(runner));
    out.put("encoded_jit_config", runner.jitConfig);
    return new Reply(201, out);
  }

  /**
   * A new runner of {@code repo}, or of {@code org} when not null, in group {@code groupId}: 409 if
   * the name is taken, 404 if the organisation has no such group. Its credential is a JIT
   * configuration, whether GitHub made it for generate-jitconfig or for a registration by token.
   */
  EmulatorState.Runner addRunner(EmulatorState.Repo repo, String org, String runnerName, List<String> labelNames,
      long groupId, String workFolder) throws IOException {
    EmulatorState.Runner runner;
    synchronized (state) {
      boolean taken = org == null
          ? state.runnerByName(repo, runnerName).isPresent()
          : state.orgRunnerByName(org, runnerName).isPresent();
      if (taken) {
        throw new ApiError(409,
            "Already exists - A runner with the name " + runnerName + " already exists.",
            RUNNERS_DOCS + (org == null
                ? "#create-configuration-for-a-just-in-time-runner-for-a-repository"
                : "#create-configuration-for-a-just-in-time-runner-for-an-organization"));
      }
      String poolName = "Default";
      if (org != null) {
        poolName = state.runnerGroups(org).stream().filter(g -> g.id() == groupId)
            .map(EmulatorState.RunnerGroup::name).findFirst()
            .orElseThrow(ApiError::notFound);
      }
      long id = state.nextRunnerId();
      String gitHubPath = org == null ? repo.fullName() : org;
      runner = state.addRunner(new EmulatorState.Runner(
          id, repo, org, org == null ? Set.of() : state.orgsServedFrom(org), runnerName, labelNames, groupId,
          jitConfig(id, runnerName, groupId, poolName, gitHubPath, workFolder),
          starvation.starve(runnerName)));
    }
    return runner;
  }

  /**
   * An encoded JIT configuration shaped like GitHub's: base64 of a JSON map from the runner's file
   * names to base64 file contents. {@code .runner}'s {@code ServerUrl} is where the runner talks to
   * the service (GitHub: the Actions service; here {@code <emulator>/_emulator/runner/}), so a runner
   * finds the emulator from the configuration alone (see {@link JitConfigs}).
   */
  private String jitConfig(long id, String name, long group, String poolName, String gitHubPath,
      String workFolder) throws IOException {
    ObjectNode runnerFile = mapper.createObjectNode();
    runnerFile.put("AgentId", String.valueOf(id));
    runnerFile.put("AgentName", name);
    runnerFile.put("PoolId", String.valueOf(group));
    runnerFile.put("PoolName", poolName);
    runnerFile.put("ServerUrl", root + JitConfigs.RUNNER_SERVICE_PATH);
    runnerFile.put("GitHubUrl", root + "/" + gitHubPath);
    runnerFile.put("WorkFolder", workFolder);
    runnerFile.put("Ephemeral", "true");
    ObjectNode credentials = mapper.createObjectNode();
    credentials.put("Scheme", "OAuth");
    ObjectNode data = credentials.putObject("Data");
    data.put("ClientId", UUID.randomUUID().toString());
    data.put("AuthorizationUrl", root + JitConfigs.RUNNER_SERVICE_PATH + "oauth2/token");
    data.put("RequireFipsCryptography", "False");
    ObjectNode rsa = mapper.createObjectNode();
    for (String[] part : new String[][] {
        {"d", "256"}, {"dp", "128"}, {"dq", "128"}, {"exponent", "3"}, {"inverseQ", "128"},
        {"modulus", "256"}, {"p", "128"}, {"q", "128"}}) {
      rsa.put(part[0], randomBase64(Integer.parseInt(part[1])));
    }
    Base64.Encoder b64 = Base64.getEncoder();
    ObjectNode files = mapper.createObjectNode();
    files.put(".runner", b64.encodeToString(mapper.writeValueAsBytes(runnerFile)));
    files.put(".credentials", b64.encodeToString(mapper.writeValueAsBytes(credentials)));
    files.put(".credentials_rsaparams", b64.encodeToString(mapper.writeValueAsBytes(rsa)));
    return b64.encodeToString(mapper.writeValueAsBytes(files));
  }

  private static String randomBase64(int bytes) {
    byte[] b = new byte[bytes];
    RANDOM.nextBytes(b);
    return Base64.getEncoder().encodeToString(b);
  }

  private Reply listRunners(Request request) {
    String name = request.query().get("name");
    List<EmulatorState.Runner> all = state.runnersOf(request.repo()).stream()
        .filter(r -> name == null || r.name.equals(name))
        .toList();
    int perPage = clamp(request.query().get("per_page"), 30, 1, 100);
    int page = clamp(request.query().get("page"), 1, 1, Integer.MAX_VALUE);
    ObjectNode out = mapper.createObjectNode();
    out.put("total_count", all.size());
    ArrayNode runners = out.putArray("runners");
    all.stream().skip((long) (page - 1) * perPage).limit(perPage).forEach(r -> runners.add(renderer.runner(r)));
    return new Reply(200, out, link(request, page, perPage, all.size(), "/actions/runners"));
  }

  /** GitHub's {@code Link} header for page {@code page} of the repository's {@code suffix} list. */
  Map<String, String> link(Request request, int page, int perPage, int total, String suffix) {
    int lastPage = Math.max(1, (total + perPage - 1) / perPage);
    if (lastPage == 1) {
      return Map.of();
    }
    String base = baseUrl + "/repos/" + request.repo().fullName() + suffix + "?per_page=" + perPage
        + (request.query().containsKey("name") ? "&name=" + request.query().get("name") : "")
        + (request.query().containsKey("status") ? "&status=" + request.query().get("status") : "") + "&page=";
    List<String> parts = new ArrayList<>();
    if (page < lastPage) {
      parts.add("<" + base + (page + 1) + ">; rel=\"next\"");
      parts.add("<" + base + lastPage + ">; rel=\"last\"");
    }
    if (page > 1) {
      parts.add("<" + base + "1>; rel=\"first\"");
      parts.add("<" + base + (page - 1) + ">; rel=\"prev\"");
    }
    return Map.of("Link", String.join(", ", parts));
  }

  private Reply deleteRunner(Request request) {
    synchronized (state) {
      EmulatorState.Runner runner = runner(request);
      if (runner.busy()) {
        throw new ApiError(422,
            "Bad request - Runner \"" + runner.name + "\" is still running a job\"",
            RUNNERS_DOCS + "#delete-a-self-hosted-runner-from-a-repository");
      }
      state.removeRunner(runner);
    }
    return new Reply(204, null);
  }

  private Reply registrationToken(Request request) {
    return registrationToken(request, null);
  }

  /**
   * {@code POST …/actions/runners/registration-token} of the request's repository, or of {@code
   * org} when not null: a token good for one hour, for registrations in that repository or
   * organisation (or enterprise) only.
   */
  Reply registrationToken(Request request, String org) {
    StringBuilder token = new StringBuilder();
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    for (int i = 0; i < 29; i++) {
      token.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
    }
    Instant expiresAt = Instant.now().plusSeconds(3600);
    registrationTokens.put(token.toString(),
        new TokenScope(org != null ? org : request.repo().fullName(), expiresAt));
    ObjectNode out = mapper.createObjectNode();
    out.put("token", token.toString());
    out.put("expires_at", Renderer.iso(expiresAt));
    return new Reply(201, out);
  }

  /** What a registration token may register, and until when. */
  record TokenScope(String scope, Instant expiresAt) {}

  /**
   * What {@code config.sh --url URL --token TOKEN} does: registers a runner with a registration
   * token, as GitHub does (404 Not Found for a token that is wrong, expired or made for another
   * repository or organisation) and answers the new runner's credential (a JIT configuration).
   */
  String registerWithToken(String url, String token, String runnerName, List<String> labels, String group,
      String workFolder) throws IOException {
    TokenScope scope = registrationTokens.get(token);
    String prefix = root + "/";
    String path = url.startsWith(prefix) ? url.substring(prefix.length()).replaceAll("/+$", "") : "";
    if (scope == null || !Instant.now().isBefore(scope.expiresAt()) || !scope.scope().equalsIgnoreCase(path)) {
      throw ApiError.notFound();
    }
    if (runnerName == null || runnerName.isBlank() || labels.isEmpty()) {
      throw invalid("Invalid request.\n\nA runner needs a name and labels.");
    }
    String[] parts = path.split("/");
    if (parts.length == 2 && !path.startsWith(EmulatorState.ENTERPRISES)) {
      EmulatorState.Repo repo = state.repo(parts[0], parts[1]).orElseThrow(ApiError::notFound);
      return addRunner(repo, null, runnerName, labels, 1, workFolder).jitConfig;
    }
    long groupId = group == null ? 1 : state.runnerGroups(path).stream()
        .filter(g -> g.name().equalsIgnoreCase(group)).map(EmulatorState.RunnerGroup::id).findFirst()
        .orElseThrow(ApiError::notFound);
    return addRunner(null, path, runnerName, labels, groupId, workFolder).jitConfig;
  }

  /** Moves every registration token's expiry {@code by} earlier, as if that much time had passed. */
  void ageRegistrationTokens(java.time.Duration by) {
    registrationTokens.replaceAll((token, scope) -> new TokenScope(scope.scope(), scope.expiresAt().minus(by)));
  }

  /** Whether {@code token} is a live registration token for {@code scope}. */
  boolean registrationTokenValid(String token, String scope) {
    TokenScope found = registrationTokens.get(token);
    return found != null && Instant.now().isBefore(found.expiresAt()) && found.scope().equalsIgnoreCase(scope);
  }

  private ObjectNode rateLimitOverview() {
    RateLimit.Snapshot s = rateLimit.snapshot();
    ObjectNode core = mapper.createObjectNode();
    core.put("limit", s.limit());
    core.put("used", s.used());
    core.put("remaining", s.remaining());
    core.put("reset", s.resetEpochSeconds());
    ObjectNode out = mapper.createObjectNode();
    ObjectNode resources = out.putObject("resources");
    resources.set("core", core);
    resources.set("search", limit(30, s.resetEpochSeconds()));
    resources.set("graphql", limit(5000, s.resetEpochSeconds()));
    resources.set("actions_runner_registration", limit(10000, s.resetEpochSeconds()));
    out.set("rate", core.deepCopy());
    return out;
  }

  private ObjectNode limit(int limit, long reset) {
    ObjectNode node = mapper.createObjectNode();
    node.put("limit", limit);
    node.put("used", 0);
    node.put("remaining", limit);
    node.put("reset", reset);
    return node;
  }

  private EmulatorState.Runner runner(Request request) {
    return state.runner(request.repo(), request.longParam("runner_id")).orElseThrow(ApiError::notFound);
  }

  private static ApiError invalid(String message) {
    return new ApiError(422, message, RUNNERS_DOCS + "#create-configuration-for-a-just-in-time-runner-for-a-repository");
  }

  static int clamp(String value, int fallback, int min, int max) {
    if (value == null) {
      return fallback;
    }
    try {
      return Math.max(min, Math.min(max, Integer.parseInt(value)));
    } catch (NumberFormatException e) {
      return fallback;
    }
  }
}
