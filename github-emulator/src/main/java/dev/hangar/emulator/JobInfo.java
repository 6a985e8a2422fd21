package dev.hangar.emulator;

import java.util.List;

/**
 * A workflow job as the emulator holds it.
 *
 * @param id the job id
 * @param runId its run's id
 * @param owner repository owner
 * @param repo repository name
 * @param labels its {@code runs-on} labels
 * @param status {@code queued}, {@code in_progress} or {@code completed}
 * @param conclusion the conclusion once completed, else {@code null}
 * @param runnerId the runner that took it, or {@code null}
 * @param runnerName that runner's name, or {@code null}
 * @param plan how long it runs and how it ends once a runner takes it
 */
public record JobInfo(
    long id,
    long runId,
    String owner,
    String repo,
    List<String> labels,
    String status,
    String conclusion,
    Long runnerId,
    String runnerName,
    JobPlan plan) {

  public JobInfo {
    labels = List.copyOf(labels);
  }
}
