package dev.hangar.workflows.routing;

import io.temporal.activity.ActivityInterface;
import java.util.List;

/** Maps a job's labels to a pool and template. Runs as a local activity on the orchestrator. */
@ActivityInterface
public interface RoutingActivities {

  /** The route for these labels under the orchestrator's current pool configuration. */
  Route route(List<String> labels);
}
