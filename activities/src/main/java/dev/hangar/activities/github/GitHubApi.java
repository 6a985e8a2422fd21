package dev.hangar.activities.github;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.kohsuke.github.GitHub;
import org.kohsuke.github.GitHubAbuseLimitHandler;
import org.kohsuke.github.GitHubBuilder;
import org.kohsuke.github.GitHubRateLimitHandler;

/**
 * Hangar's GitHub clients, sharing one transport and one set of credentials: github-api's
 * {@link GitHub} (runs and jobs) and {@link RunnersClient} (self-hosted runners). github-api is
 * told to fail, not sleep, on rate limits: the activity turns that into a Temporal retry delay.
 *
 * <pre>{@code
 * GitHubProperties props = GitHubProperties.withToken(token);
 * GitHubApi api = GitHubApi.create(props, GitHubCredentials.personalAccessToken(props.token()));
 * }</pre>
 */
public final class GitHubApi {

  private final GitHubTransport transport;
  private final GitHubCredentials credentials;
  private final ApiCallCounter calls;
  private final RunnersClient runners;
  private final Map<Long, GitHub> clients = new ConcurrentHashMap<>();
  private static final long NO_INSTALLATION = -1;

  private GitHubApi(GitHubTransport transport, GitHubCredentials credentials, ApiCallCounter calls) {
    this.transport = transport;
    this.credentials = credentials;
    this.calls = calls;
    this.runners = new RunnersClient(transport, credentials, new ObjectMapper());
  }

  /** Clients for the API root and timeout in {@code properties}, authorised by {@code credentials}. */
  public static GitHubApi create(GitHubProperties properties, GitHubCredentials credentials) {
    ApiCallCounter calls = new ApiCallCounter();
    return new GitHubApi(new GitHubTransport(properties, calls), credentials, calls);
  }

  /** The runner endpoints. */
  public RunnersClient runners() {
    return runners;
  }

  /** github-api's client for an installation ({@code null}: the token). */
  public GitHub github(Long installationId) {
    return clients.computeIfAbsent(installationId == null ? NO_INSTALLATION : installationId, id -> {
      try {
        return new GitHubBuilder()
            .withEndpoint(transport.apiUrl())
            .withAuthorizationProvider(credentials.authorizationFor(installationId))
            .withConnector(transport)
            .withRateLimitHandler(GitHubRateLimitHandler.FAIL)
            .withAbuseLimitHandler(GitHubAbuseLimitHandler.FAIL)
            .build();
      } catch (IOException e) {
        throw new UncheckedIOException("could not build the GitHub client", e);
      }
    });
  }

  /** The Actions run and job listings the reconciler polls with. */
  public ActionsJobsClient jobs() {
    return new ActionsJobsClient(transport, credentials, new ObjectMapper(), java.time.Clock.systemUTC());
  }

  /** Calls made per endpoint, by both clients. */
  public ApiCallCounter calls() {
    return calls;
  }

  /** The rate limit GitHub reported on its most recent answer. */
  public Optional<RateLimitInfo> lastRateLimit() {
    return transport.lastRateLimit();
  }

  GitHubTransport transport() {
    return transport;
  }
}
