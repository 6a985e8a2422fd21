package dev.hangar.workflows.github;

/**
 * A workflow run on GitHub.
 *
 * @param owner repository owner
 * @param repo repository name
 * @param installationId the App installation, or {@code null} with a PAT
 * @param runId the run's id
 */
public record RunRef(String owner, String repo, Long installationId, long runId) {}
