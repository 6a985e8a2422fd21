package dev.hangar.activities.github;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hangar.workflows.github.RunnerRemoval;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * GitHub's self-hosted runner endpoints, which github-api does not cover, at repository,
 * organisation or enterprise level ({@link RunnerScope}): generate a JIT configuration, find a
 * runner by name, delete a runner, create a registration token, find a runner group by name. Shares
 * the transport (base URL, User-Agent, counting, rate-limit reading and pausing) and the
 * authorization of each account with the github-api client.
 *
 * <p>Non-2xx answers other than the documented outcomes throw {@link GitHubApiException};
 * network failures and timeouts throw {@link IOException}.
 */
public final class RunnersClient {

  /** The {@code Authorization} header of a call about a repository. */
  @FunctionalInterface
  interface Authorizer {
    String authorization(RepoContext context) throws IOException;
  }

  private static final int PAGE = 100;
  /** Runner groups looked at, at most, when looking one up by name. */
  private static final int MAX_GROUP_PAGES = 10;

  private final GitHubTransport transport;
  private final Authorizer authorizer;
  private final ObjectMapper mapper;

  RunnersClient(GitHubTransport transport, Authorizer authorizer, ObjectMapper mapper) {
    this.transport = transport;
    this.authorizer = authorizer;
    this.mapper = mapper;
  }

  /**
   * {@code POST …/actions/runners/generate-jitconfig}: a new ephemeral runner and its configuration,
   * for a job of {@code context}'s repository. 409 (a runner of that name exists) is a
   * {@link GitHubApiException}.
   */
  public JitRunner generateJitConfig(
      RepoContext context, RunnerScope scope, long runnerGroupId, String name, List<String> labels, String workFolder)
      throws IOException {
    ObjectNode body = mapper.createObjectNode();
    body.put("name", name);
    body.put("runner_group_id", runnerGroupId);
    labels.forEach(body.putArray("labels")::add);
    body.put("work_folder", workFolder);
    GitHubTransport.Response response = transport.send(
        "POST", scope.runnersPath(context.owner(), context.repo()) + "/generate-jitconfig",
        authorizer.authorization(context), mapper.writeValueAsBytes(body));
    JsonNode json = expect(response, 201, "generate JIT config for runner " + name);
    return new JitRunner(
        json.at("/runner/id").asLong(), json.at("/runner/name").asText(name),
        json.path("encoded_jit_config").asText());
  }

  /** {@code GET …/actions/runners?name=}: the runner of that exact name. */
  public Optional<RunnerSummary> findByName(RepoContext context, RunnerScope scope, String name) throws IOException {
    GitHubTransport.Response response = transport.send(
        "GET", scope.runnersPath(context.owner(), context.repo()) + "?per_page=" + PAGE + "&name="
            + URLEncoder.encode(name, StandardCharsets.UTF_8),
        authorizer.authorization(context), null);
    JsonNode json = expect(response, 200, "find runner " + name);
    for (JsonNode runner : json.path("runners")) {
      if (name.equals(runner.path("name").asText())) {
        return Optional.of(new RunnerSummary(
            runner.path("id").asLong(), name, runner.path("status").asText(), runner.path("busy").asBoolean()));
      }
    }
    return Optional.empty();
  }

  /**
   * {@code DELETE …/actions/runners/{runner_id}}: 204 is {@link RunnerRemoval#REMOVED}, 404
   * {@link RunnerRemoval#ALREADY_GONE}, 422 (still running a job) {@link RunnerRemoval#BUSY}.
   */
  public RunnerRemoval deleteRunner(RepoContext context, RunnerScope scope, long runnerId) throws IOException {
    GitHubTransport.Response response = transport.send(
        "DELETE", scope.runnersPath(context.owner(), context.repo()) + "/" + runnerId,
        authorizer.authorization(context), null);
    return switch (response.status()) {
      case 204 -> RunnerRemoval.REMOVED;
      case 404 -> RunnerRemoval.ALREADY_GONE;
      case 422 -> RunnerRemoval.BUSY;
      default -> throw failure(response, "delete runner " + runnerId);
    };
  }

  /** {@code POST …/actions/runners/registration-token}, for runners configured the classic way. */
  public RegistrationToken registrationToken(RepoContext context, RunnerScope scope) throws IOException {
    GitHubTransport.Response response = transport.send(
        "POST", scope.runnersPath(context.owner(), context.repo()) + "/registration-token",
        authorizer.authorization(context), null);
    JsonNode json = expect(response, 201, "create registration token");
    return new RegistrationToken(
        json.path("token").asText(), OffsetDateTime.parse(json.path("expires_at").asText()).toInstant());
  }

  /**
   * {@code GET /orgs/{org}/actions/runner-groups} (or the enterprise's): the id of the group named
   * {@code scope.groupName()}, case-insensitively as GitHub compares group names.
   */
  public OptionalLong runnerGroupId(RepoContext context, RunnerScope scope) throws IOException {
    String wanted = scope.groupName();
    for (int page = 1; page <= MAX_GROUP_PAGES; page++) {
      GitHubTransport.Response response = transport.send(
          "GET", scope.groupsPath(context.owner()) + "?per_page=" + PAGE + "&page=" + page,
          authorizer.authorization(context), null);
      JsonNode groups = expect(response, 200, "list runner groups").path("runner_groups");
      for (JsonNode group : groups) {
        if (wanted.equalsIgnoreCase(group.path("name").asText())) {
          return OptionalLong.of(group.path("id").asLong());
        }
      }
      if (groups.size() < PAGE) {
        break;
      }
    }
    return OptionalLong.empty();
  }

  /** Repository runners: {@link #generateJitConfig(RepoContext, RunnerScope, long, String, List, String)}. */
  public JitRunner generateJitConfig(
      Long installationId, String owner, String repo, String name, long runnerGroupId,
      List<String> labels, String workFolder) throws IOException {
    return generateJitConfig(new RepoContext(installationId, owner, repo), RunnerScope.repository(runnerGroupId),
        runnerGroupId, name, labels, workFolder);
  }

  /** Repository runners: {@link #findByName(RepoContext, RunnerScope, String)}. */
  public Optional<RunnerSummary> findByName(Long installationId, String owner, String repo, String name)
      throws IOException {
    return findByName(new RepoContext(installationId, owner, repo), RunnerScope.repository(1), name);
  }

  /** Repository runners: {@link #deleteRunner(RepoContext, RunnerScope, long)}. */
  public RunnerRemoval deleteRunner(Long installationId, String owner, String repo, long runnerId)
      throws IOException {
    return deleteRunner(new RepoContext(installationId, owner, repo), RunnerScope.repository(1), runnerId);
  }

  /** Repository runners: {@link #registrationToken(RepoContext, RunnerScope)}. */
  public RegistrationToken registrationToken(Long installationId, String owner, String repo) throws IOException {
    return registrationToken(new RepoContext(installationId, owner, repo), RunnerScope.repository(1));
  }

  private JsonNode expect(GitHubTransport.Response response, int status, String operation) {
    if (response.status() != status) {
      throw failure(response, operation);
    }
    try {
      return mapper.readTree(response.body());
    } catch (IOException e) {
      throw new UncheckedIOException(operation + ": GitHub's answer is not JSON", e);
    }
  }

  /** GitHub's error answer to {@code operation}. */
  static GitHubApiException failure(GitHubTransport.Response response, String operation) {
    return new GitHubApiException(
        operation, response.status(), GitHubFailures.messageOf(response.body()), response.headers());
  }
}
