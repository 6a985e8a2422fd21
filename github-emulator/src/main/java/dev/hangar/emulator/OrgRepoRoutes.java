package dev.hangar.emulator;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * {@code GET /orgs/{org}/repos}: the organisation's repositories the caller sees, newest first
 * (GitHub's default sort, {@code created}, descending), paginated with a {@code Link} header. A
 * caller that may not manage the organisation still sees what it may read, as on GitHub; an
 * organisation with no repository is 404.
 */
final class OrgRepoRoutes {

  private final ObjectMapper mapper;
  private final EmulatorState state;
  private final Renderer renderer;
  private final String baseUrl;

  OrgRepoRoutes(ObjectMapper mapper, EmulatorState state, Renderer renderer, String baseUrl) {
    this.mapper = mapper;
    this.state = state;
    this.renderer = renderer;
    this.baseUrl = baseUrl;
  }

  void register(BiConsumer<String, ApiHandler.Endpoint> route) {
    route.accept(Endpoints.LIST_ORG_REPOS, this::list);
  }

  private ApiHandler.Reply list(ApiHandler.Request request) {
    String org = request.params().get("org");
    if (!state.orgExists(org)) {
      throw ApiError.notFound();
    }
    List<EmulatorState.Repo> all = new ArrayList<>(state.repos().stream()
        .filter(r -> r.owner.equals(org) && request.caller().sees(r))
        .toList());
    all.sort(Comparator.comparingLong((EmulatorState.Repo r) -> r.id).reversed());
    int perPage = ApiHandler.clamp(request.query().get("per_page"), 30, 1, 100);
    int page = ApiHandler.clamp(request.query().get("page"), 1, 1, Integer.MAX_VALUE);
    ArrayNode out = mapper.createArrayNode();
    all.stream().skip((long) (page - 1) * perPage).limit(perPage).forEach(r -> out.add(renderer.repository(r)));
    int lastPage = Math.max(1, (all.size() + perPage - 1) / perPage);
    if (page >= lastPage) {
      return new ApiHandler.Reply(200, out);
    }
    String base = baseUrl + "/orgs/" + org + "/repos?per_page=" + perPage + "&page=";
    String link = "<" + base + (page + 1) + ">; rel=\"next\", <" + base + lastPage + ">; rel=\"last\"";
    return new ApiHandler.Reply(200, out, Map.of("Link", link));
  }
}
