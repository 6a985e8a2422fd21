package dev.hangar.workflows.job;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.time.Instant;

/**
 * One {@code workflow_job} webhook event, as a signal. It reaches the workflow of the job it is
 * about, and also the workflow that owns the runner named in it, when that is another one.
 *
 * @param action what happened
 * @param jobId the job it is about
 * @param runnerName the runner GitHub put the job on (in_progress and completed), or {@code null}
 * @param runnerId that runner's id, or {@code null}
 * @param conclusion the job's conclusion (completed only), for example {@code success}
 * @param at when GitHub says it happened, or when the gateway received it
 * @param deliveryId GitHub's delivery id ({@code X-GitHub-Delivery}), for tracing
 * @param hangarJob {@code true} on the copy sent to the owner of the runner when Hangar serves the
 *     job too (it has its own workflow and VMs, so a runner it took swaps with one of its own), or
 *     {@code null} when that is not known: the job is not Hangar's, or the event came before this
 *     was recorded
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record JobEvent(
    Action action,
    long jobId,
    String runnerName,
    Long runnerId,
    String conclusion,
    Instant at,
    String deliveryId,
    Boolean hangarJob) {

  /** This event, marked as about a job that Hangar serves too. */
  public JobEvent ofHangarJob() {
    return new JobEvent(action, jobId, runnerName, runnerId, conclusion, at, deliveryId, true);
  }

  /** Whether the event is known to be about a job that Hangar serves too. */
  public boolean knownHangarJob() {
    return Boolean.TRUE.equals(hangarJob);
  }

  /** The {@code workflow_job} actions. */
  public enum Action {
    QUEUED,
    WAITING,
    IN_PROGRESS,
    COMPLETED;

    /** The action for GitHub's wire name, or {@code null} if it is not a job action we know. */
    public static Action fromWire(String action) {
      if (action == null) {
        return null;
      }
      switch (action) {
        case "queued":
          return QUEUED;
        case "waiting":
          return WAITING;
        case "in_progress":
          return IN_PROGRESS;
        case "completed":
          return COMPLETED;
        default:
          return null;
      }
    }
  }
}
