package dev.hangar.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hangar.activities.routing.PoolSpec;
import dev.hangar.activities.routing.RoutingActivitiesImpl;
import dev.hangar.activities.routing.TemplateRouter;
import dev.hangar.activities.routing.TrustSpec;
import dev.hangar.activities.templates.TemplateCatalog;
import dev.hangar.activities.templates.TemplateSpec;
import dev.hangar.workflows.job.JobRequest;
import dev.hangar.workflows.routing.TrustPolicy.OnUntrusted;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code hangar_jobs_refused_total}: one count per refused job, by pool and action. */
class JobsRefusedMetricTest {

  @Test
  void everyRefusalIsCountedByPoolAndAction() {
    TemplateCatalog catalog = new TemplateCatalog(List.of(new TemplateSpec("sonoma", null, null, 4, 8192, 1)));
    TemplateRouter router = new TemplateRouter(
        catalog,
        List.of(new PoolSpec("internal", "sonoma", null, new TrustSpec(List.of("my-org/*"), null, null, false, OnUntrusted.LEAVE))),
        new TrustSpec(null, List.of("*/forbidden"), null, false, null),
        List.of());
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    RoutingActivitiesImpl routing = new RoutingActivitiesImpl(router, OrchestratorWorkerConfiguration.refusals(meters));

    routing.route(job("stranger", "app", "internal"));
    routing.route(job("stranger", "app2", "internal"));
    routing.route(job("my-org", "app", "internal"));
    routing.route(job("anyone", "forbidden", "anka-template:sonoma"));

    assertThat(meters.get("hangar.jobs.refused").tag("pool", "internal").tag("action", "leave").counter().count())
        .isEqualTo(2.0);
    assertThat(meters.get("hangar.jobs.refused").tag("pool", "default").tag("action", "cancel").counter().count())
        .isEqualTo(1.0);
  }

  private static JobRequest job(String owner, String repo, String label) {
    return new JobRequest(1, 2, 1, owner, repo, List.of(label), "u", null);
  }
}
