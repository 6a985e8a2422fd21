package dev.hangar.activities.github;

/**
 * A self-hosted runner as GitHub lists it.
 *
 * @param id GitHub's runner id
 * @param name its name
 * @param status {@code online} or {@code offline}
 * @param busy whether it runs a job
 */
public record RunnerSummary(long id, String name, String status, boolean busy) {}
