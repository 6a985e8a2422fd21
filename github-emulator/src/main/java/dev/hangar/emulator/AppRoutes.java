package dev.hangar.emulator;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Set;
import java.util.function.BiConsumer;

/** The GitHub App endpoints: the App, its installations and installation access tokens (JWT only). */
final class AppRoutes {

  /** Endpoints that only an App JWT may call. */
  static final Set<String> JWT_ONLY = Set.of(
      Endpoints.GET_APP, Endpoints.LIST_INSTALLATIONS, Endpoints.GET_INSTALLATION, Endpoints.REPO_INSTALLATION, Endpoints.ORG_INSTALLATION,
      Endpoints.INSTALLATION_TOKEN);

  private final ObjectMapper mapper;
  private final Renderer renderer;
  private final AppAuth auth;

  AppRoutes(ObjectMapper mapper, Renderer renderer, AppAuth auth) {
    this.mapper = mapper;
    this.renderer = renderer;
    this.auth = auth;
  }

  void register(BiConsumer<String, ApiHandler.Endpoint> route) {
    route.accept(Endpoints.GET_APP, r -> new ApiHandler.Reply(200, renderer.app(r.caller().app())));
    route.accept(Endpoints.LIST_INSTALLATIONS, this::listInstallations);
    route.accept(Endpoints.GET_INSTALLATION, r -> installation(r, auth.installation(r.longParam("installation_id"))
        .orElseThrow(ApiError::notFound)));
    route.accept(Endpoints.REPO_INSTALLATION, r -> installation(r, auth.installationFor(r.repo().fullName())
        .orElseThrow(ApiError::notFound)));
    route.accept(Endpoints.ORG_INSTALLATION, r -> installation(r, auth.installationOn(r.params().get("org"))
        .filter(GitHubApp.Installation::organization)
        .orElseThrow(ApiError::notFound)));
    route.accept(Endpoints.INSTALLATION_TOKEN, this::accessToken);
  }

  private ApiHandler.Reply listInstallations(ApiHandler.Request request) {
    ArrayNode out = mapper.createArrayNode();
    GitHubApp app = request.caller().app();
    app.installations().forEach(i -> out.add(renderer.installation(app, i)));
    return new ApiHandler.Reply(200, out);
  }

  private ApiHandler.Reply installation(ApiHandler.Request request, GitHubApp.Installation installation) {
    return new ApiHandler.Reply(200, renderer.installation(request.caller().app(), installation));
  }

  private ApiHandler.Reply accessToken(ApiHandler.Request request) {
    GitHubApp.Installation installation =
        auth.installation(request.longParam("installation_id")).orElseThrow(ApiError::notFound);
    AppAuth.IssuedToken issued = auth.issue(installation);
    ObjectNode out = mapper.createObjectNode();
    out.put("token", issued.token());
    out.put("expires_at", Renderer.iso(issued.expiresAt()));
    ObjectNode permissions = out.putObject("permissions");
    GitHubApp.PERMISSIONS.forEach(permissions::put);
    out.put("repository_selection", installation.repositorySelection());
    return new ApiHandler.Reply(201, out);
  }
}
