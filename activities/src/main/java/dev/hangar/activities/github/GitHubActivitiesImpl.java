package dev.hangar.activities.github;

import dev.hangar.activities.secrets.SecretSealer;
import dev.hangar.workflows.Failures;
import dev.hangar.workflows.github.GitHubActivities;
import dev.hangar.workflows.github.RunRef;
import dev.hangar.workflows.github.RunnerRef;
import dev.hangar.workflows.github.RunnerRegistration;
import dev.hangar.workflows.github.RunnerRemoval;
import dev.hangar.workflows.github.RunnerRequest;
import dev.hangar.workflows.github.SealedSecret;
import io.temporal.activity.Activity;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hangar's GitHub calls, on the orchestrator only. JIT configurations are sealed before they leave
 * this class and are never logged; errors become {@link ApplicationFailure}s typed by
 * {@link Failures} (see {@link GitHubFailures} for the mapping).
 *
 * <pre>{@code
 * GitHubProperties props = GitHubProperties.withToken(token).withApiUrl(apiUrl);
 * worker.registerActivitiesImplementations(new GitHubActivitiesImpl(props, SecretSealer.fromBase64(key)));
 * }</pre>
 */
public final class GitHubActivitiesImpl implements GitHubActivities {

  private static final Logger LOG = LoggerFactory.getLogger(GitHubActivitiesImpl.class);

  /** The runner's working folder, relative to its install folder: GitHub's default. */
  static final String WORK_FOLDER = "_work";

  /** How often a cancelled run is looked at until it stops. */
  static final Duration CANCEL_POLL_INTERVAL = Duration.ofSeconds(5);

  /** The id of a runner registered with a token: GitHub gives it only to {@code config.sh}. */
  static final long UNKNOWN_ID = 0;

  private final GitHubApi api;
  private final SecretSealer sealer;
  private final RunnerScope scope;
  private final GitHubFailures failures;
  private final RunnerGroups groups;
  private final RunnerRegistrationMode registration;
  private final RunCanceller canceller;
  private final Runnable heartbeat;

  /** Activities with a personal access token ({@link GitHubProperties#token()}). */
  public GitHubActivitiesImpl(GitHubProperties properties, SecretSealer sealer) {
    this(GitHubApi.create(properties, GitHubCredentials.personalAccessToken(properties.token())),
        sealer, properties.runnerGroupId());
  }

  /** Activities over existing clients, registering repository runners in group {@code runnerGroupId}. */
  public GitHubActivitiesImpl(GitHubApi api, SecretSealer sealer, long runnerGroupId) {
    this(api, sealer, RunnerScope.repository(runnerGroupId));
  }

  /** Activities over existing clients, registering runners where {@code scope} says. */
  public GitHubActivitiesImpl(GitHubApi api, SecretSealer sealer, RunnerScope scope) {
    this(api, sealer, scope, RunnerSettings.DEFAULTS);
  }

  /** Activities over existing clients, registering runners where {@code scope} and {@code settings} say. */
  public GitHubActivitiesImpl(GitHubApi api, SecretSealer sealer, RunnerScope scope, RunnerSettings settings) {
    this(api, sealer, scope, settings, Clock.systemUTC(), d -> Thread.sleep(d.toMillis()),
        () -> Activity.getExecutionContext().heartbeat(null));
  }

  GitHubActivitiesImpl(GitHubApi api, SecretSealer sealer, RunnerScope scope, Clock clock) {
    this(api, sealer, scope, RunnerSettings.DEFAULTS, clock, d -> Thread.sleep(d.toMillis()), () -> { });
  }

  GitHubActivitiesImpl(GitHubApi api, SecretSealer sealer, RunnerScope scope, RunnerSettings settings,
      Clock clock, RunCanceller.Pause pause, Runnable heartbeat) {
    if (settings.registration() == RunnerRegistrationMode.REGISTRATION_TOKEN
        && scope.level() != RunnerScope.Level.REPOSITORY && scope.groupName() == null && scope.groupId() != 1) {
      throw new IllegalArgumentException(
          "with registration tokens config.sh takes the runner group by name: set the group by name, not by id");
    }
    this.api = api;
    this.sealer = sealer;
    this.scope = scope;
    this.failures = new GitHubFailures(clock);
    this.groups = new RunnerGroups(api.runners(), scope);
    this.registration = settings.registration();
    this.canceller = new RunCanceller(api.transport(), api::authorization, clock, pause,
        settings.forceCancelAfter(), CANCEL_POLL_INTERVAL);
    this.heartbeat = heartbeat;
  }

  GitHubActivitiesImpl(GitHubApi api, SecretSealer sealer, long runnerGroupId, Clock clock) {
    this(api, sealer, RunnerScope.repository(runnerGroupId), clock);
  }

  @Override
  public RunnerRegistration registerRunner(RunnerRequest request) {
    if (registration == RunnerRegistrationMode.REGISTRATION_TOKEN) {
      return registerWithToken(request);
    }
    String operation = "register runner " + request.runnerName() + " for " + request.owner() + "/" + request.repo();
    RepoContext context = new RepoContext(request.installationId(), request.owner(), request.repo());
    JitRunner runner;
    api.transport().clearLastError();
    try {
      long groupId = groups.idFor(context);
      try {
        runner = create(context, groupId, request);
      } catch (GitHubApiException e) {
        if (e.status() == 404) {
          groups.forget(context);
        }
        if (e.status() != 409) {
          throw e;
        }
        LOG.info("runner {} already exists for {}/{} (an earlier answer was lost): replacing it",
            request.runnerName(), request.owner(), request.repo());
        runner = replace(context, groupId, request);
      }
    } catch (GitHubApiException e) {
      throw failureOf(operation, context, e);
    } catch (IOException e) {
      throw failureOf(operation, context, e);
    } finally {
      api.transport().clearLastError();
    }
    SealedSecret sealed = sealer.seal(runner.encodedJitConfig());
    LOG.info("registered JIT runner {} (id {}) for {}/{}", runner.name(), runner.id(), request.owner(), request.repo());
    return new RunnerRegistration(
        new RunnerRef(request.owner(), request.repo(), request.installationId(), runner.id(), runner.name()),
        sealed);
  }

  /**
   * A registration token and what {@code config.sh} needs besides, sealed: one GitHub call. The
   * runner's id is unknown until it registers; a removal looks it up by name.
   */
  private RunnerRegistration registerWithToken(RunnerRequest request) {
    String operation = "get a registration token for runner " + request.runnerName() + " of "
        + request.owner() + "/" + request.repo();
    RepoContext context = new RepoContext(request.installationId(), request.owner(), request.repo());
    RegistrationToken token = call(operation, context, () -> api.runners().registrationToken(context, scope));
    RunnerConfigFile config = new RunnerConfigFile(
        scope.configUrl(webRoot(api.transport().apiUrl()), request.owner(), request.repo()), token.token(),
        request.runnerName(), request.labels(), scope.groupName(), WORK_FOLDER);
    SealedSecret sealed = sealer.seal(config.render());
    LOG.info("registration token for runner {} of {}/{} (expires {})",
        request.runnerName(), request.owner(), request.repo(), token.expiresAt());
    return new RunnerRegistration(
        new RunnerRef(request.owner(), request.repo(), request.installationId(), UNKNOWN_ID, request.runnerName()),
        sealed);
  }

  /** The web root runners register with: github.com, a GHES host, or the API root itself (emulator). */
  static String webRoot(String apiUrl) {
    if (GitHubProperties.GITHUB_COM.equals(apiUrl)) {
      return "https://github.com";
    }
    return apiUrl.endsWith("/api/v3") ? apiUrl.substring(0, apiUrl.length() - "/api/v3".length()) : apiUrl;
  }

  /**
   * Removes a runner; one registered with a token ({@link #UNKNOWN_ID}) is found by name first, so
   * the lookup is paid only when a removal is needed.
   */
  @Override
  public RunnerRemoval removeRunner(RunnerRef runner) {
    String operation = "remove runner " + runner.runnerName() + " (id " + runner.runnerId() + ") of "
        + runner.owner() + "/" + runner.repo();
    RepoContext context = new RepoContext(runner.installationId(), runner.owner(), runner.repo());
    return call(operation, context, () -> {
      long id = runner.runnerId();
      if (id == UNKNOWN_ID) {
        Optional<RunnerSummary> found = api.runners().findByName(context, scope, runner.runnerName());
        if (found.isEmpty()) {
          LOG.info("{}: no such runner (never registered, or gone)", operation);
          return RunnerRemoval.ALREADY_GONE;
        }
        id = found.get().id();
      }
      RunnerRemoval removal = api.runners().deleteRunner(context, scope, id);
      LOG.info("{}: {}", operation, removal);
      return removal;
    });
  }

  /**
   * {@code POST /repos/{owner}/{repo}/actions/runs/{run_id}/cancel}: GitHub cancels whole runs only.
   * A run that does not stop (a step that ignores the signal) is force-cancelled after {@link
   * RunnerSettings#forceCancelAfter()}; see {@link RunCanceller}. Heartbeats while it waits.
   */
  @Override
  public void cancelRun(RunRef run) {
    String operation = "cancel run " + run.runId() + " of " + run.owner() + "/" + run.repo();
    RepoContext context = new RepoContext(run.installationId(), run.owner(), run.repo());
    RunCanceller.Outcome outcome = call(operation, context, () -> canceller.cancel(context, run.runId(), heartbeat));
    LOG.info("{}: {}", operation, outcome.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' '));
  }

  /** One GitHub call (or a few), I/O failures and error answers made {@link ApplicationFailure}s. */
  @FunctionalInterface
  private interface GitHubCall<T> {
    T run() throws IOException;
  }

  private <T> T call(String operation, RepoContext context, GitHubCall<T> call) {
    api.transport().clearLastError();
    try {
      return call.run();
    } catch (GitHubApiException e) {
      throw failureOf(operation, context, e);
    } catch (IOException e) {
      throw failureOf(operation, context, e);
    } finally {
      api.transport().clearLastError();
    }
  }

  /**
   * An I/O failure: GitHub's error answer if there was one on this thread (github-api reports those
   * as exceptions, and so does a failed App token purchase), else a held-back or lost call.
   */
  private ApplicationFailure failureOf(String operation, RepoContext context, IOException e) {
    Optional<GitHubTransport.Response> answer = api.transport().lastError();
    if (answer.isEmpty() || e instanceof RateLimitPausedException || e.getCause() instanceof RateLimitPausedException) {
      return failures.unreachable(operation, e);
    }
    GitHubTransport.Response response = answer.get();
    return failureOf(operation, context, response.status(), response.headers(),
        GitHubFailures.messageOf(response.body()), e, response.path());
  }

  /** An error answer to a runner call (never an App endpoint). */
  private ApplicationFailure failureOf(String operation, RepoContext context, GitHubApiException e) {
    return failureOf(operation, context, e.status(), e.headers(), e.gitHubMessage(), e, null);
  }

  /**
   * A 401 to an installation token outside the App endpoints means GitHub no longer takes the
   * token: it is dropped and the failure retryable. A 401 to the App's JWT ({@code /app…}) is a
   * wrong key or App id, refused for good like any other 401.
   */
  private ApplicationFailure failureOf(String operation, RepoContext context, int status,
      Map<String, List<String>> headers, String gitHubMessage, Throwable cause, String path) {
    boolean appEndpoint = path != null && path.startsWith("/app");
    if (status == 401 && !appEndpoint && api.forgetToken(context)) {
      return failures.tokenRefused(operation, gitHubMessage, cause);
    }
    return failures.of(operation, status, headers, gitHubMessage, cause);
  }

  private JitRunner create(RepoContext context, long groupId, RunnerRequest request) throws IOException {
    return api.runners().generateJitConfig(
        context, scope, groupId, request.runnerName(), request.labels(), WORK_FOLDER);
  }

  /**
   * A runner of our name exists: an earlier attempt of this activity created it and its answer was
   * lost. Delete it and create it again, so there is never more than one. A busy one is in use by a
   * job: it is not ours to delete.
   */
  private JitRunner replace(RepoContext context, long groupId, RunnerRequest request) throws IOException {
    Optional<RunnerSummary> existing = api.runners().findByName(context, scope, request.runnerName());
    if (existing.isPresent()) {
      RunnerRemoval removal = api.runners().deleteRunner(context, scope, existing.get().id());
      if (removal == RunnerRemoval.BUSY) {
        throw ApplicationFailure.newNonRetryableFailure(
            "runner " + request.runnerName() + " already exists for " + request.owner() + "/" + request.repo()
                + " and is running a job, so it is in use and cannot be replaced; this attempt gives up",
            Failures.RUNNER_FAILED);
      }
    }
    return create(context, groupId, request);
  }
}
