package dev.hangar.activities.routing;

import dev.hangar.workflows.job.JobRequest;
import dev.hangar.workflows.routing.Route;
import dev.hangar.workflows.routing.RoutingActivities;
import java.util.Objects;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The routing activity: the orchestrator's {@link TemplateRouter} behind the {@link
 * RoutingActivities} interface, run as a local activity by the job workflow. A refused job is
 * logged with its reason and reported to the listener (a metric).
 */
public final class RoutingActivitiesImpl implements RoutingActivities {

  private static final Logger log = LoggerFactory.getLogger(RoutingActivitiesImpl.class);

  private final TemplateRouter router;
  private final Consumer<Route> refused;

  public RoutingActivitiesImpl(TemplateRouter router) {
    this(router, route -> {});
  }

  /**
   * @param router the router
   * @param refused told of every {@link Route.Decision#UNTRUSTED} route, for example to count it
   */
  public RoutingActivitiesImpl(TemplateRouter router, Consumer<Route> refused) {
    this.router = Objects.requireNonNull(router, "router");
    this.refused = Objects.requireNonNull(refused, "refused");
  }

  @Override
  public Route route(JobRequest job) {
    Route route = router.route(job);
    if (route.decision() == Route.Decision.UNTRUSTED) {
      log.warn("job {} refused ({}): {}", job.jobId(), route.trust().onUntrusted(), route.reason());
      refused.accept(route);
    }
    return route;
  }
}
