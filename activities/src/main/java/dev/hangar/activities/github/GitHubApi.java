package dev.hangar.activities.github;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.kohsuke.github.GitHub;
import org.kohsuke.github.GitHubAbuseLimitHandler;
import org.kohsuke.github.GitHubBuilder;
import org.kohsuke.github.GitHubRateLimitHandler;
import org.kohsuke.github.authorization.AuthorizationProvider;

/**
 * Hangar's GitHub clients, sharing one transport and one set of credentials: {@link
 * RunnersClient} (self-hosted runners), the run cancel and the reconciler's listings ({@link
 * #jobs()}), all authorised per account through github-api's {@link GitHub}, whose App installation
 * provider buys and renews installation tokens. github-api is told to fail, not sleep, on rate
 * limits: the activity turns that into a Temporal retry delay. One authorization per account
 * ({@link GitHubCredentials#accountKey}) serves every client, so an App installation token is bought
 * once for all.
 *
 * <pre>{@code
 * GitHubProperties props = GitHubProperties.withToken(token);
 * GitHubApi api = GitHubApi.create(props, GitHubCredentials.personalAccessToken(props.token()));
 * }</pre>
 */
public final class GitHubApi {

  /** github-api's client and the authorization it (and the runners client) send with. */
  private record Client(AuthorizationProvider authorization, GitHub github) {}

  private final GitHubTransport transport;
  private final GitHubCredentials credentials;
  private final ApiCallCounter calls;
  private final RunnersClient runners;
  private final Map<String, Client> clients = new ConcurrentHashMap<>();

  private GitHubApi(GitHubTransport transport, GitHubCredentials credentials, ApiCallCounter calls) {
    ResponseBodyLogFilter.install();
    this.transport = transport;
    this.credentials = credentials;
    this.calls = calls;
    this.runners = new RunnersClient(transport, this::authorization, new ObjectMapper());
  }

  /** Clients for the API root and timeout in {@code properties}, authorised by {@code credentials}. */
  public static GitHubApi create(GitHubProperties properties, GitHubCredentials credentials) {
    return create(properties, credentials, Clock.systemUTC());
  }

  static GitHubApi create(GitHubProperties properties, GitHubCredentials credentials, Clock clock) {
    ApiCallCounter calls = new ApiCallCounter();
    return new GitHubApi(new GitHubTransport(properties, calls, new RateLimitGate(clock)), credentials, calls);
  }

  /** The runner endpoints. */
  public RunnersClient runners() {
    return runners;
  }

  /**
   * github-api's client for an installation ({@code null}: the token, or with App credentials the
   * configured installation).
   */
  GitHub github(Long installationId) {
    return client(RepoContext.installation(installationId)).github();
  }

  /** The Actions run and job listings the reconciler polls with. */
  public ActionsJobsClient jobs() {
    return new ActionsJobsClient(transport, this::authorization, new ObjectMapper(), Clock.systemUTC());
  }

  /** Calls made per endpoint, by both clients. */
  public ApiCallCounter calls() {
    return calls;
  }

  /** The rate limit GitHub reported on its most recent answer. */
  public Optional<RateLimitInfo> lastRateLimit() {
    return transport.lastRateLimit();
  }

  /**
   * Whether GitHub calls are held back now because GitHub said credentials are rate limited
   * ({@code limit_paused}).
   */
  public boolean rateLimitPaused() {
    return transport.paused();
  }

  GitHubTransport transport() {
    return transport;
  }

  /**
   * Drops the authorization of {@code context}'s account if it is a bought token, so the next call
   * buys a new one; false if there is nothing to renew (a personal access token).
   */
  boolean forgetToken(RepoContext context) {
    if (!credentials.buysTokens()) {
      return false;
    }
    clients.remove(credentials.accountKey(context));
    return true;
  }

  /** The {@code Authorization} header for a call about {@code context}; may buy a token first. */
  String authorization(RepoContext context) throws IOException {
    return client(context).authorization().getEncodedAuthorization();
  }

  private Client client(RepoContext context) {
    return clients.computeIfAbsent(credentials.accountKey(context), key -> {
      AuthorizationProvider authorization = credentials.newAuthorization(context);
      try {
        // Building binds an App installation provider to this client: it buys tokens through it.
        GitHub github = new GitHubBuilder()
            .withEndpoint(transport.apiUrl())
            .withAuthorizationProvider(authorization)
            .withConnector(transport)
            .withRateLimitHandler(GitHubRateLimitHandler.FAIL)
            .withAbuseLimitHandler(GitHubAbuseLimitHandler.FAIL)
            .build();
        return new Client(authorization, github);
      } catch (IOException e) {
        throw new UncheckedIOException("could not build the GitHub client", e);
      }
    });
  }
}
