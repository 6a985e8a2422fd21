package dev.hangar.workflows.reconcile;

/**
 * An open job workflow, as Temporal's visibility shows it.
 *
 * @param jobId the GitHub job id of its workflow id
 * @param repo its repository as {@code owner/name} ({@code HangarRepo}), or {@code null} if not yet
 *     published
 * @param phase its phase ({@code HangarPhase}), or {@code null} if not yet published
 */
public record OpenJob(long jobId, String repo, String phase) {}
