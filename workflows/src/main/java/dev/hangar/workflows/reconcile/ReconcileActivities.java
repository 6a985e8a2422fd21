package dev.hangar.workflows.reconcile;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;
import java.util.List;

/** What a reconcile pass asks of GitHub and of Temporal. All run on the orchestrator. */
@ActivityInterface
public interface ReconcileActivities {

  /**
   * The queued and in-progress jobs of the request's repositories and organisations, as nomadtools
   * lists them: each repository's runs with status {@code queued} and {@code in_progress}, then each
   * such run's jobs. At most {@code maxCalls} calls; none while the rate limit is below the reserve.
   */
  @ActivityMethod(name = "listActiveJobs")
  GitHubJobs listActiveJobs(ReconcileRequest request, int maxCalls);

  /** Every open job workflow (a visibility query), oldest first. */
  @ActivityMethod(name = "listOpenJobWorkflows")
  List<OpenJob> listOpenJobWorkflows();

  /** Each job by id, one call each, at most {@code maxCalls}; a job GitHub no longer has is left out. */
  @ActivityMethod(name = "lookUpJobs")
  GitHubJobs lookUpJobs(List<OpenJob> jobs, int rateLimitReserve, int maxCalls);

  /**
   * Each job's current state as an event to its workflow, exactly as the gateway hands over a
   * webhook: signal-with-start, and a signal to the workflow owning the event's runner.
   */
  @ActivityMethod(name = "deliver")
  Delivered deliver(List<GitHubJob> jobs, String source);
}
