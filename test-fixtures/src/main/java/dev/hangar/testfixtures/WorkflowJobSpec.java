package dev.hangar.testfixtures;

import java.util.List;

/**
 * What a generated {@code workflow_job} payload says; everything else keeps the real example's
 * values.
 *
 * @param action {@code queued}, {@code waiting}, {@code in_progress} or {@code completed}
 * @param jobId the job's id
 * @param runId the run's id
 * @param labels the job's {@code runs-on} labels
 * @param runnerName the runner's name, or {@code null} (queued and waiting jobs have none)
 * @param runnerId the runner's id, or {@code null}
 * @param owner repository owner
 * @param repo repository name
 * @param installationId the App installation, or {@code null} for none (payload without
 *     {@code installation})
 * @param conclusion the conclusion of a completed job ({@code success} by default)
 */
public record WorkflowJobSpec(
    String action,
    long jobId,
    long runId,
    List<String> labels,
    String runnerName,
    Long runnerId,
    String owner,
    String repo,
    Long installationId,
    String conclusion) {

  public WorkflowJobSpec {
    labels = List.copyOf(labels);
  }

  /** A job in {@code hangar-test/app} with no runner and no installation. */
  public static WorkflowJobSpec of(String action, long jobId, long runId, List<String> labels) {
    return new WorkflowJobSpec(
        action, jobId, runId, labels, null, null, "hangar-test", "app", null, "success");
  }

  /** The same, picked up by the named runner. */
  public WorkflowJobSpec withRunner(String name, long id) {
    return new WorkflowJobSpec(
        action, jobId, runId, labels, name, id, owner, repo, installationId, conclusion);
  }

  /** The same, in another repository. */
  public WorkflowJobSpec withRepository(String newOwner, String newRepo) {
    return new WorkflowJobSpec(
        action, jobId, runId, labels, runnerName, runnerId, newOwner, newRepo, installationId, conclusion);
  }

  /** The same, sent by an App installation. */
  public WorkflowJobSpec withInstallation(Long id) {
    return new WorkflowJobSpec(
        action, jobId, runId, labels, runnerName, runnerId, owner, repo, id, conclusion);
  }

  /** The same, with another conclusion (for {@code completed}). */
  public WorkflowJobSpec withConclusion(String newConclusion) {
    return new WorkflowJobSpec(
        action, jobId, runId, labels, runnerName, runnerId, owner, repo, installationId, newConclusion);
  }

  /** The same, with another action. */
  public WorkflowJobSpec withAction(String newAction) {
    return new WorkflowJobSpec(
        newAction, jobId, runId, labels, runnerName, runnerId, owner, repo, installationId, conclusion);
  }
}
