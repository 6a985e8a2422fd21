package dev.hangar.workflows.github;

/**
 * A runner registered at repository level.
 *
 * @param owner repository owner
 * @param repo repository name
 * @param installationId the App installation, or {@code null} with a PAT
 * @param runnerId GitHub's runner id
 * @param runnerName the runner's name
 */
public record RunnerRef(String owner, String repo, Long installationId, long runnerId, String runnerName) {}
