package dev.hangar.activities.github;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The Actions listings the reconciler polls with, one HTTP call per method, so that its caller can
 * count every call against a cap: a repository's runs by status, a run's jobs, one job, an
 * organisation's repositories. Written on the shared transport rather than with github-api, which
 * fetches the repository or organisation object before it can list anything: one more call per
 * repository per pass. Errors are {@link ApplicationFailure}s typed as {@link GitHubFailures} types
 * them. Calls are authorised like every other call about the repository (or organisation): with App
 * credentials, by the owner's installation.
 */
public final class ActionsJobsClient {

  /** One page of a listing. */
  public record Page<T>(List<T> items, boolean hasNext) {
    public Page {
      items = List.copyOf(items);
    }
  }

  /**
   * A job as {@code GET …/actions/jobs/{job_id}} and {@code …/runs/{run_id}/jobs} show it.
   *
   * @param id the job id
   * @param runId its run
   * @param runAttempt the run's attempt
   * @param status {@code queued}, {@code in_progress}, {@code completed} (or {@code waiting} …)
   * @param conclusion the conclusion once completed, else {@code null}
   * @param labels its {@code runs-on} labels
   * @param runnerName the runner it runs or ran on, else {@code null}
   * @param runnerId that runner's id, else {@code null}
   * @param htmlUrl its page
   * @param createdAt when it was queued
   * @param startedAt when it started, else {@code null}
   * @param completedAt when it completed, else {@code null}
   */
  public record ActionsJob(
      long id, long runId, int runAttempt, String status, String conclusion, List<String> labels,
      String runnerName, Long runnerId, String htmlUrl, Instant createdAt, Instant startedAt, Instant completedAt) {}

  /** The largest page GitHub serves. */
  public static final int PER_PAGE = 100;

  private static final Pattern NEXT = Pattern.compile("<[^>]*>;\\s*rel=\"next\"");

  private final GitHubTransport transport;
  private final RunnersClient.Authorizer authorizer;
  private final ObjectMapper mapper;
  private final GitHubFailures failures;

  ActionsJobsClient(GitHubTransport transport, RunnersClient.Authorizer authorizer, ObjectMapper mapper, Clock clock) {
    this.transport = transport;
    this.authorizer = authorizer;
    this.mapper = mapper;
    this.failures = new GitHubFailures(clock);
  }

  /** {@code GET /repos/{owner}/{repo}/actions/runs?status=}: the ids of one page of runs. */
  public Page<Long> runIds(String owner, String repo, String status, int page) {
    String path = repoPath(owner, repo) + "/actions/runs?status=" + URLEncoder.encode(status, StandardCharsets.UTF_8)
        + "&per_page=" + PER_PAGE + "&page=" + page;
    GitHubTransport.Response response = get(new RepoContext(null, owner, repo), path, "list " + status + " runs of " + owner + "/" + repo);
    List<Long> ids = new ArrayList<>();
    for (JsonNode run : json(response).path("workflow_runs")) {
      ids.add(run.path("id").asLong());
    }
    return new Page<>(ids, hasNext(response));
  }

  /** {@code GET /repos/{owner}/{repo}/actions/runs/{run_id}/jobs}: one page of a run's jobs. */
  public Page<ActionsJob> jobsOfRun(String owner, String repo, long runId, int page) {
    String path = repoPath(owner, repo) + "/actions/runs/" + runId + "/jobs?per_page=" + PER_PAGE + "&page=" + page;
    GitHubTransport.Response response = get(new RepoContext(null, owner, repo), path, "list jobs of run " + runId);
    List<ActionsJob> jobs = new ArrayList<>();
    for (JsonNode job : json(response).path("jobs")) {
      jobs.add(job(job));
    }
    return new Page<>(jobs, hasNext(response));
  }

  /** {@code GET /repos/{owner}/{repo}/actions/jobs/{job_id}}: the job, or empty if GitHub has none. */
  public Optional<ActionsJob> job(String owner, String repo, long jobId) {
    String path = repoPath(owner, repo) + "/actions/jobs/" + jobId;
    String operation = "get job " + jobId + " of " + owner + "/" + repo;
    GitHubTransport.Response response = send(new RepoContext(null, owner, repo), path, operation);
    if (response.status() == 404) {
      return Optional.empty();
    }
    return Optional.of(job(json(expect200(response, operation))));
  }

  /**
   * {@code GET /orgs/{org}/repos}: the names of one page of the organisation's repositories the
   * credentials see; archived and disabled ones, which run no jobs, are left out.
   */
  public Page<String> orgRepositories(String org, int page) {
    String path = "/orgs/" + RunnerScope.name(org) + "/repos?per_page=" + PER_PAGE + "&page=" + page;
    GitHubTransport.Response response = get(new RepoContext(null, org, null), path, "list repositories of " + org);
    List<String> names = new ArrayList<>();
    for (JsonNode repo : json(response)) {
      if (!repo.path("archived").asBoolean(false) && !repo.path("disabled").asBoolean(false)) {
        names.add(repo.path("name").asText());
      }
    }
    return new Page<>(names, hasNext(response));
  }

  private ActionsJob job(JsonNode job) {
    List<String> labels = new ArrayList<>();
    job.path("labels").forEach(l -> labels.add(l.asText()));
    return new ActionsJob(
        job.path("id").asLong(),
        job.path("run_id").asLong(),
        job.path("run_attempt").asInt(1),
        job.path("status").asText(),
        text(job, "conclusion"),
        labels,
        text(job, "runner_name"),
        job.hasNonNull("runner_id") ? job.get("runner_id").asLong() : null,
        text(job, "html_url"),
        instant(job, "created_at"),
        instant(job, "started_at"),
        instant(job, "completed_at"));
  }

  private GitHubTransport.Response get(RepoContext context, String path, String operation) {
    return expect200(send(context, path, operation), operation);
  }

  private GitHubTransport.Response send(RepoContext context, String path, String operation) {
    try {
      return transport.send("GET", path, authorizer.authorization(context), null);
    } catch (IOException e) {
      throw failures.unreachable(operation, e);
    }
  }

  private GitHubTransport.Response expect200(GitHubTransport.Response response, String operation) {
    if (response.status() != 200) {
      throw failures.of(operation, response.status(), response.headers(),
          GitHubFailures.messageOf(response.body()), null);
    }
    return response;
  }

  private JsonNode json(GitHubTransport.Response response) {
    try {
      return mapper.readTree(response.body());
    } catch (IOException e) {
      throw ApplicationFailure.newFailure("GitHub's answer is not JSON: " + e.getMessage(),
          GitHubFailures.UNAVAILABLE);
    }
  }

  private static boolean hasNext(GitHubTransport.Response response) {
    String link = response.header("Link");
    return link != null && NEXT.matcher(link).find();
  }

  private static String text(JsonNode node, String field) {
    return node.hasNonNull(field) ? node.get(field).asText() : null;
  }

  private static Instant instant(JsonNode node, String field) {
    String value = text(node, field);
    return value == null ? null : OffsetDateTime.parse(value).toInstant();
  }

  private static String repoPath(String owner, String repo) {
    return "/repos/" + RunnerScope.name(owner) + "/" + RunnerScope.name(repo);
  }
}
