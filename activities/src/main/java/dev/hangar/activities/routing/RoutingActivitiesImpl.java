package dev.hangar.activities.routing;

import dev.hangar.workflows.routing.Route;
import dev.hangar.workflows.routing.RoutingActivities;
import java.util.List;
import java.util.Objects;

/**
 * The routing activity: the orchestrator's {@link TemplateRouter} behind the {@link
 * RoutingActivities} interface, run as a local activity by the job workflow.
 */
public final class RoutingActivitiesImpl implements RoutingActivities {

  private final TemplateRouter router;

  public RoutingActivitiesImpl(TemplateRouter router) {
    this.router = Objects.requireNonNull(router, "router");
  }

  @Override
  public Route route(List<String> labels) {
    return router.route(labels);
  }
}
