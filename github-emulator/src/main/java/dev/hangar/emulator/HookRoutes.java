package dev.hangar.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Predicate;

/**
 * A hook's recent deliveries and redelivery, as GitHub records them: {@code GET …/hooks/{hook_id}/deliveries}
 * (newest first, {@code per_page}, {@code cursor}, {@code status}), {@code GET …/deliveries/{delivery_id}}
 * and {@code POST …/deliveries/{delivery_id}/attempts} (202; the same {@code guid} is sent again and
 * recorded with {@code redelivery: true}). The repository form shows that repository's deliveries,
 * the organisation form every delivery of the organisation's repositories.
 */
final class HookRoutes {

  private static final String CURSOR_PREFIX = "v1_";

  private final ObjectMapper mapper;
  private final GitHubEmulator emulator;
  private final String baseUrl;

  HookRoutes(ObjectMapper mapper, GitHubEmulator emulator, String baseUrl) {
    this.mapper = mapper;
    this.emulator = emulator;
    this.baseUrl = baseUrl;
  }

  void register(BiConsumer<String, ApiHandler.Endpoint> route) {
    route.accept(Endpoints.LIST_REPO_HOOK_DELIVERIES, r -> list(r, repoScope(r), repoPath(r)));
    route.accept(Endpoints.GET_REPO_HOOK_DELIVERY, r -> get(r, repoScope(r)));
    route.accept(Endpoints.REDELIVER_REPO_HOOK_DELIVERY, r -> redeliver(r, repoScope(r)));
    route.accept(Endpoints.LIST_ORG_HOOK_DELIVERIES, r -> list(r, orgScope(r), orgPath(r)));
    route.accept(Endpoints.GET_ORG_HOOK_DELIVERY, r -> get(r, orgScope(r)));
    route.accept(Endpoints.REDELIVER_ORG_HOOK_DELIVERY, r -> redeliver(r, orgScope(r)));
  }

  private Predicate<JsonNode> repoScope(ApiHandler.Request request) {
    String fullName = request.repo().fullName();
    return payload -> fullName.equals(payload.path("repository").path("full_name").asText());
  }

  private Predicate<JsonNode> orgScope(ApiHandler.Request request) {
    String org = request.params().get("org");
    return payload -> payload.path("repository").path("full_name").asText().startsWith(org + "/");
  }

  private String repoPath(ApiHandler.Request request) {
    return "/repos/" + request.repo().fullName() + "/hooks/" + request.params().get("hook_id") + "/deliveries";
  }

  private String orgPath(ApiHandler.Request request) {
    return "/orgs/" + request.params().get("org") + "/hooks/" + request.params().get("hook_id") + "/deliveries";
  }

  /** The hook's deliveries in scope, newest first; 404 if there is no such hook. */
  private List<Recorded> deliveries(ApiHandler.Request request, Predicate<JsonNode> scope) {
    if (!emulator.webhookConfigured() || request.longParam("hook_id") != emulator.hookId()) {
      throw ApiError.notFound();
    }
    List<Recorded> out = new ArrayList<>();
    for (WebhookDelivery d : emulator.deliveries()) {
      JsonNode payload = parse(d.body());
      if (scope.test(payload)) {
        out.add(new Recorded(d, payload));
      }
    }
    out.sort(Comparator.comparingLong((Recorded r) -> r.delivery().id()).reversed());
    return out;
  }

  private record Recorded(WebhookDelivery delivery, JsonNode payload) {}

  private ApiHandler.Reply list(ApiHandler.Request request, Predicate<JsonNode> scope, String path) {
    Map<String, String> query = request.query();
    String status = query.get("status");
    if (status != null && !status.equals("success") && !status.equals("failure")) {
      throw new ApiError(422, "Validation Failed", "https://docs.github.com/rest/webhooks/repo-deliveries");
    }
    int perPage = Math.max(1, Math.min(100, parseInt(query.get("per_page"), 30)));
    long cursor = cursor(query.get("cursor"));
    List<Recorded> all = deliveries(request, scope).stream()
        .filter(r -> status == null || status.equals("failure") == r.delivery().failed())
        .filter(r -> r.delivery().id() <= cursor)
        .toList();
    ArrayNode out = mapper.createArrayNode();
    all.stream().limit(perPage).forEach(r -> out.add(item(r)));
    if (all.size() > perPage) {
      String next = baseUrl + path + "?per_page=" + perPage + (status == null ? "" : "&status=" + status)
          + "&cursor=" + CURSOR_PREFIX + all.get(perPage).delivery().id();
      return new ApiHandler.Reply(200, out, Map.of("Link", "<" + next + ">; rel=\"next\""));
    }
    return new ApiHandler.Reply(200, out);
  }

  private ApiHandler.Reply get(ApiHandler.Request request, Predicate<JsonNode> scope) {
    Recorded r = find(request, scope);
    ObjectNode out = item(r);
    out.put("url", emulator.webhookUrl().toString());
    ObjectNode req = out.putObject("request");
    ObjectNode headers = req.putObject("headers");
    r.delivery().requestHeaders().forEach(headers::put);
    req.set("payload", r.payload());
    ObjectNode res = out.putObject("response");
    ObjectNode answered = res.putObject("headers");
    r.delivery().responseHeaders().forEach(answered::put);
    if (r.delivery().responseBody() == null) {
      res.putNull("payload");
    } else {
      res.put("payload", r.delivery().responseBody());
    }
    return new ApiHandler.Reply(200, out);
  }

  private ApiHandler.Reply redeliver(ApiHandler.Request request, Predicate<JsonNode> scope) {
    emulator.redeliverLater(find(request, scope).delivery());
    return new ApiHandler.Reply(202, mapper.createObjectNode());
  }

  private Recorded find(ApiHandler.Request request, Predicate<JsonNode> scope) {
    long id = request.longParam("delivery_id");
    return deliveries(request, scope).stream()
        .filter(r -> r.delivery().id() == id)
        .findFirst()
        .orElseThrow(ApiError::notFound);
  }

  private ObjectNode item(Recorded r) {
    WebhookDelivery d = r.delivery();
    ObjectNode out = mapper.createObjectNode();
    out.put("id", d.id());
    out.put("guid", d.deliveryId());
    out.put("delivered_at", Renderer.iso(d.deliveredAt()));
    out.put("redelivery", d.redelivery());
    out.put("duration", Math.round(d.duration().toMillis() / 10.0) / 100.0);
    out.put("status", d.outcome());
    out.put("status_code", Math.max(0, d.status()));
    out.put("event", d.event());
    putId(out, "action", r.payload().path("action"));
    JsonNode installation = r.payload().path("installation").path("id");
    if (installation.isIntegralNumber()) {
      out.put("installation_id", installation.asLong());
    } else {
      out.putNull("installation_id");
    }
    JsonNode repository = r.payload().path("repository").path("id");
    if (repository.isIntegralNumber()) {
      out.put("repository_id", repository.asLong());
    } else {
      out.putNull("repository_id");
    }
    out.putNull("throttled_at");
    return out;
  }

  private static void putId(ObjectNode out, String field, JsonNode value) {
    if (value.isTextual()) {
      out.put(field, value.asText());
    } else {
      out.putNull(field);
    }
  }

  private JsonNode parse(String body) {
    try {
      return mapper.readTree(body);
    } catch (IOException e) {
      return mapper.createObjectNode();
    }
  }

  private static long cursor(String value) {
    if (value == null || value.isEmpty()) {
      return Long.MAX_VALUE;
    }
    try {
      return Long.parseLong(value.startsWith(CURSOR_PREFIX) ? value.substring(CURSOR_PREFIX.length()) : value);
    } catch (NumberFormatException e) {
      throw new ApiError(400, "Invalid cursor", ApiError.DOCS);
    }
  }

  private static int parseInt(String value, int fallback) {
    try {
      return value == null ? fallback : Integer.parseInt(value);
    } catch (NumberFormatException e) {
      return fallback;
    }
  }
}
