package dev.hangar.workflows.routing;

import dev.hangar.workflows.job.JobRequest;
import io.temporal.activity.ActivityInterface;

/** Maps a job to a pool and template. Runs as a local activity on the orchestrator. */
@ActivityInterface
public interface RoutingActivities {

  /**
   * The route for the job's labels under the orchestrator's current pool configuration, refused
   * ({@link Route.Decision#UNTRUSTED}) if the pool does not trust the job's repository.
   */
  Route route(JobRequest job);
}
