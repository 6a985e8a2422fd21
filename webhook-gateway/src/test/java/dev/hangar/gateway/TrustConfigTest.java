package dev.hangar.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hangar.activities.routing.TemplateRouter;
import dev.hangar.activities.routing.TrustSpec;
import dev.hangar.workflows.job.JobRequest;
import dev.hangar.workflows.routing.Route;
import dev.hangar.workflows.routing.Route.Decision;
import dev.hangar.workflows.routing.TrustPolicy.OnUntrusted;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

/** {@code hangar.trust}, {@code hangar.pools[n].trust} and {@code hangar.allowed-owners} as bound. */
@ExtendWith(OutputCaptureExtension.class)
class TrustConfigTest {

  private static final Map<String, String> BASE = Map.of(
      "HANGAR_GATEWAY_WEBHOOK_SECRET", "s",
      "HANGAR_ORCHESTRATOR_WORKERS_ENABLED", "false",
      "HANGAR_TEMPLATES_0_ID", "sonoma",
      "HANGAR_TEMPLATES_0_CPU_CORES", "4",
      "HANGAR_TEMPLATES_0_MEMORY_MB", "8192",
      "HANGAR_POOLS_0_NAME", "macos",
      "HANGAR_POOLS_0_TEMPLATE", "sonoma");

  @Test
  void theDefaultsTrustEveryRepositoryAndEventButNoFork() {
    try (ConfigurableApplicationContext context = start(Map.of())) {
      CatalogProperties catalog = context.getBean(CatalogProperties.class);
      assertThat(catalog.trust()).isEqualTo(TrustSpec.DEFAULT);
      assertThat(catalog.trust().allowForkPullRequests()).isFalse();
      assertThat(catalog.trust().onUntrusted()).isEqualTo(OnUntrusted.CANCEL);
      assertThat(catalog.allowedOwners()).isEmpty();
      Route route = context.getBean(TemplateRouter.class).route(job("anyone", "anything"));
      assertThat(route.decision()).isEqualTo(Decision.SERVE);
    }
  }

  @Test
  void poolTrustDefaultTrustAndOwnersBindFromTheEnvironment() {
    Map<String, String> env = Map.of(
        "HANGAR_TRUST_EVENTS", "push,workflow_dispatch",
        "HANGAR_TRUST_ALLOW_FORK_PULL_REQUESTS", "true",
        "HANGAR_POOLS_0_TRUST_REPOSITORIES", "my-org/*,partner/app",
        "HANGAR_POOLS_0_TRUST_DENY_REPOSITORIES", "my-org/sandbox-*",
        "HANGAR_POOLS_0_TRUST_ON_UNTRUSTED", "leave",
        "HANGAR_ALLOWED_OWNERS", "my-org,partner");
    try (ConfigurableApplicationContext context = start(env)) {
      CatalogProperties catalog = context.getBean(CatalogProperties.class);
      assertThat(catalog.trust().events()).containsExactly("push", "workflow_dispatch");
      assertThat(catalog.trust().allowForkPullRequests()).isTrue();
      TemplateRouter router = context.getBean(TemplateRouter.class);

      Route served = router.route(job("my-org", "app"));
      Route denied = router.route(job("my-org", "sandbox-1"));
      Route foreign = router.route(job("stranger", "app"));

      assertThat(served.decision()).isEqualTo(Decision.SERVE);
      assertThat(served.trust().owners()).containsExactly("my-org", "partner");
      assertThat(served.trust().events()).isEmpty(); // the pool's block replaces hangar.trust
      assertThat(denied.decision()).isEqualTo(Decision.UNTRUSTED);
      assertThat(denied.trust().onUntrusted()).isEqualTo(OnUntrusted.LEAVE);
      assertThat(foreign.decision()).isEqualTo(Decision.NOT_OURS);
    }
  }

  @Test
  void aMalformedPatternStopsStartUpNamingTheKey(CapturedOutput output) {
    assertThatThrownBy(() -> start(Map.of("HANGAR_POOLS_0_TRUST_REPOSITORIES", "my-org")))
        .hasStackTraceContaining("hangar.pools[0].trust.repositories[0] 'my-org' must be owner/repo");
    assertThat(output).contains("Invalid Hangar configuration: hangar.pools[0].trust.repositories[0]");
  }

  @Test
  void anUnknownOnUntrustedValueStopsStartUp() {
    assertThatThrownBy(() -> start(Map.of("HANGAR_TRUST_ON_UNTRUSTED", "ignore")))
        .hasStackTraceContaining("hangar.trust.on-untrusted");
  }

  private static JobRequest job(String owner, String repo) {
    return new JobRequest(1, 2, 1, owner, repo, List.of("self-hosted", "macos"), "u", null);
  }

  private static ConfigurableApplicationContext start(Map<String, String> env) {
    StandardEnvironment environment = new StandardEnvironment();
    java.util.HashMap<String, Object> all = new java.util.HashMap<>(BASE);
    all.putAll(env);
    environment.getPropertySources().addFirst(new SystemEnvironmentPropertySource(
        "test-" + StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, all));
    return new SpringApplicationBuilder(WebhookGatewayApplication.class)
        .environment(environment)
        .web(WebApplicationType.NONE)
        .run("--spring.main.banner-mode=off", "--management.metrics.export.defaults.enabled=false");
  }
}
