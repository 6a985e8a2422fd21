package dev.hangar.workflows.github;

import java.util.List;

/**
 * What a new JIT runner is registered with.
 *
 * @param owner repository owner (user or organisation)
 * @param repo repository name
 * @param installationId the GitHub App installation that sent the job, or {@code null} with a PAT
 * @param runnerName unique runner name, tying the runner to its workflow (see {@code Names})
 * @param labels the job's labels, so GitHub may give the runner exactly such jobs
 */
public record RunnerRequest(
    String owner, String repo, Long installationId, String runnerName, List<String> labels) {

  public RunnerRequest {
    labels = List.copyOf(labels);
  }
}
