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
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.time.Clock;
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

  private final GitHubApi api;
  private final SecretSealer sealer;
  private final long runnerGroupId;
  private final GitHubFailures failures;

  /** Activities with a personal access token ({@link GitHubProperties#token()}). */
  public GitHubActivitiesImpl(GitHubProperties properties, SecretSealer sealer) {
    this(GitHubApi.create(properties, GitHubCredentials.personalAccessToken(properties.token())),
        sealer, properties.runnerGroupId());
  }

  /** Activities over existing clients (for App credentials, or to share the call counter). */
  public GitHubActivitiesImpl(GitHubApi api, SecretSealer sealer, long runnerGroupId) {
    this(api, sealer, runnerGroupId, Clock.systemUTC());
  }

  GitHubActivitiesImpl(GitHubApi api, SecretSealer sealer, long runnerGroupId, Clock clock) {
    this.api = api;
    this.sealer = sealer;
    this.runnerGroupId = runnerGroupId;
    this.failures = new GitHubFailures(clock);
  }

  @Override
  public RunnerRegistration registerRunner(RunnerRequest request) {
    String operation = "register runner " + request.runnerName() + " in " + request.owner() + "/" + request.repo();
    JitRunner runner;
    try {
      try {
        runner = create(request);
      } catch (GitHubApiException e) {
        if (e.status() != 409) {
          throw e;
        }
        LOG.info("runner {} already exists in {}/{} (an earlier answer was lost): replacing it",
            request.runnerName(), request.owner(), request.repo());
        runner = replace(request);
      }
    } catch (GitHubApiException e) {
      throw failures.of(operation, e);
    } catch (IOException e) {
      throw failures.unreachable(operation, e);
    }
    SealedSecret sealed = sealer.seal(runner.encodedJitConfig());
    LOG.info("registered JIT runner {} (id {}) in {}/{}", runner.name(), runner.id(), request.owner(), request.repo());
    return new RunnerRegistration(
        new RunnerRef(request.owner(), request.repo(), request.installationId(), runner.id(), runner.name()),
        sealed);
  }

  @Override
  public RunnerRemoval removeRunner(RunnerRef runner) {
    String operation = "remove runner " + runner.runnerName() + " (id " + runner.runnerId() + ") from "
        + runner.owner() + "/" + runner.repo();
    try {
      RunnerRemoval removal = api.runners().deleteRunner(
          runner.installationId(), runner.owner(), runner.repo(), runner.runnerId());
      LOG.info("{}: {}", operation, removal);
      return removal;
    } catch (GitHubApiException e) {
      throw failures.of(operation, e);
    } catch (IOException e) {
      throw failures.unreachable(operation, e);
    }
  }

  @Override
  public void cancelRun(RunRef run) {
    String operation = "cancel run " + run.runId() + " of " + run.owner() + "/" + run.repo();
    GitHubTransport transport = api.transport();
    transport.clearLastError();
    try {
      api.github(run.installationId())
          .getRepository(run.owner() + "/" + run.repo())
          .getWorkflowRun(run.runId())
          .cancel();
      LOG.info("{}: cancelled", operation);
    } catch (IOException e) {
      Optional<GitHubTransport.Response> answer = transport.lastError();
      if (answer.isEmpty()) {
        throw failures.unreachable(operation, e);
      }
      GitHubTransport.Response response = answer.get();
      if (response.status() == 409) {
        LOG.info("{}: already completed", operation);
        return;
      }
      throw failures.of(operation, response.status(), response.headers(),
          GitHubFailures.messageOf(response.body()), e);
    } finally {
      transport.clearLastError();
    }
  }

  private JitRunner create(RunnerRequest request) throws IOException {
    return api.runners().generateJitConfig(
        request.installationId(), request.owner(), request.repo(), request.runnerName(), runnerGroupId,
        request.labels(), WORK_FOLDER);
  }

  /**
   * A runner of our name exists: an earlier attempt of this activity created it and its answer was
   * lost. Delete it and create it again, so there is never more than one. A busy one is in use by a
   * job: it is not ours to delete.
   */
  private JitRunner replace(RunnerRequest request) throws IOException {
    Optional<RunnerSummary> existing = api.runners().findByName(
        request.installationId(), request.owner(), request.repo(), request.runnerName());
    if (existing.isPresent()) {
      RunnerRemoval removal = api.runners().deleteRunner(
          request.installationId(), request.owner(), request.repo(), existing.get().id());
      if (removal == RunnerRemoval.BUSY) {
        throw ApplicationFailure.newNonRetryableFailure(
            "runner " + request.runnerName() + " already exists in " + request.owner() + "/" + request.repo()
                + " and is running a job, so it is in use and cannot be replaced; this attempt gives up",
            Failures.RUNNER_FAILED);
      }
    }
    return create(request);
  }
}
