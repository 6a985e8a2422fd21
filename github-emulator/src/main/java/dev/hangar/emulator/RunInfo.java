package dev.hangar.emulator;

/**
 * A workflow run as the emulator holds it.
 *
 * @param id the run id
 * @param owner repository owner
 * @param repo repository name
 * @param status {@code queued}, {@code in_progress} or {@code completed}
 * @param conclusion the conclusion once completed, else {@code null}
 */
public record RunInfo(long id, String owner, String repo, String status, String conclusion) {}
