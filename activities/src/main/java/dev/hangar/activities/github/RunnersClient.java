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
import java.util.regex.Pattern;

/**
 * GitHub's repository-level self-hosted runner endpoints, which github-api does not cover:
 * generate a JIT configuration, find a runner by name, delete a runner, create a registration
 * token. Shares the transport (base URL, User-Agent, counting, rate-limit reading) and the
 * credentials with the github-api client.
 *
 * <p>Non-2xx answers other than the documented outcomes throw {@link GitHubApiException};
 * network failures and timeouts throw {@link IOException}.
 */
public final class RunnersClient {

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,100}");

  private final GitHubTransport transport;
  private final GitHubCredentials credentials;
  private final ObjectMapper mapper;

  RunnersClient(GitHubTransport transport, GitHubCredentials credentials, ObjectMapper mapper) {
    this.transport = transport;
    this.credentials = credentials;
    this.mapper = mapper;
  }

  /**
   * {@code POST /repos/{owner}/{repo}/actions/runners/generate-jitconfig}: a new ephemeral runner
   * and its configuration. 409 (a runner of that name exists) is a {@link GitHubApiException}.
   */
  public JitRunner generateJitConfig(
      Long installationId, String owner, String repo, String name, long runnerGroupId,
      List<String> labels, String workFolder) throws IOException {
    ObjectNode body = mapper.createObjectNode();
    body.put("name", name);
    body.put("runner_group_id", runnerGroupId);
    labels.forEach(body.putArray("labels")::add);
    body.put("work_folder", workFolder);
    GitHubTransport.Response response = transport.send(
        "POST", repoPath(owner, repo) + "/actions/runners/generate-jitconfig",
        authorization(installationId), mapper.writeValueAsBytes(body));
    JsonNode json = expect(response, 201, "generate JIT config for runner " + name);
    return new JitRunner(
        json.at("/runner/id").asLong(), json.at("/runner/name").asText(name),
        json.path("encoded_jit_config").asText());
  }

  /** {@code GET /repos/{owner}/{repo}/actions/runners?name=}: the runner of that exact name. */
  public Optional<RunnerSummary> findByName(Long installationId, String owner, String repo, String name)
      throws IOException {
    GitHubTransport.Response response = transport.send(
        "GET", repoPath(owner, repo) + "/actions/runners?per_page=100&name="
            + URLEncoder.encode(name, StandardCharsets.UTF_8),
        authorization(installationId), null);
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
   * {@code DELETE /repos/{owner}/{repo}/actions/runners/{runner_id}}: 204 is
   * {@link RunnerRemoval#REMOVED}, 404 {@link RunnerRemoval#ALREADY_GONE}, 422 (still running a job)
   * {@link RunnerRemoval#BUSY}.
   */
  public RunnerRemoval deleteRunner(Long installationId, String owner, String repo, long runnerId)
      throws IOException {
    GitHubTransport.Response response = transport.send(
        "DELETE", repoPath(owner, repo) + "/actions/runners/" + runnerId, authorization(installationId), null);
    return switch (response.status()) {
      case 204 -> RunnerRemoval.REMOVED;
      case 404 -> RunnerRemoval.ALREADY_GONE;
      case 422 -> RunnerRemoval.BUSY;
      default -> throw failure(response, "delete runner " + runnerId);
    };
  }

  /** {@code POST /repos/{owner}/{repo}/actions/runners/registration-token}. */
  public RegistrationToken registrationToken(Long installationId, String owner, String repo) throws IOException {
    GitHubTransport.Response response = transport.send(
        "POST", repoPath(owner, repo) + "/actions/runners/registration-token", authorization(installationId), null);
    JsonNode json = expect(response, 201, "create registration token");
    return new RegistrationToken(
        json.path("token").asText(), OffsetDateTime.parse(json.path("expires_at").asText()).toInstant());
  }

  private String authorization(Long installationId) throws IOException {
    return credentials.authorizationFor(installationId).getEncodedAuthorization();
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

  private GitHubApiException failure(GitHubTransport.Response response, String operation) {
    return new GitHubApiException(operation, response.status(), messageOf(response), response.headers());
  }

  private String messageOf(GitHubTransport.Response response) {
    try {
      JsonNode json = mapper.readTree(response.body());
      return json == null ? null : json.path("message").asText(null);
    } catch (IOException e) {
      return null;
    }
  }

  private static String repoPath(String owner, String repo) {
    if (!NAME.matcher(owner).matches() || !NAME.matcher(repo).matches()) {
      throw new IllegalArgumentException("not a GitHub repository name: " + owner + "/" + repo);
    }
    return "/repos/" + owner + "/" + repo;
  }
}
