package dev.hangar.workflows.job;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;
import java.util.Objects;

/**
 * The job a workflow serves: the few typed fields Hangar needs from the webhook, never the raw
 * payload.
 *
 * @param jobId GitHub's workflow job id
 * @param runId the workflow run the job belongs to
 * @param runAttempt the run's attempt number (re-runs)
 * @param owner repository owner
 * @param repo repository name
 * @param labels the job's {@code runs-on} labels
 * @param htmlUrl the job's page on GitHub
 * @param installationId the GitHub App installation that sent it, or {@code null}
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record JobRequest(
    long jobId,
    long runId,
    int runAttempt,
    String owner,
    String repo,
    List<String> labels,
    String htmlUrl,
    Long installationId) {

  public JobRequest {
    Objects.requireNonNull(owner, "owner");
    Objects.requireNonNull(repo, "repo");
    labels = labels == null ? List.of() : List.copyOf(labels);
  }

  /** {@code owner/repo}. */
  public String fullName() {
    return owner + "/" + repo;
  }
}
