package dev.hangar.activities.routing;

import static dev.hangar.activities.routing.TemplateRouterTest.job;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hangar.activities.templates.TemplateCatalog;
import dev.hangar.activities.templates.TemplateSpec;
import dev.hangar.workflows.routing.Route;
import dev.hangar.workflows.routing.Route.Decision;
import dev.hangar.workflows.routing.TrustPolicy;
import dev.hangar.workflows.routing.TrustPolicy.OnUntrusted;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The orchestrator's half of the trust policy: repositories and owners, decided before any VM. */
class TrustRoutingTest {

  private static final TemplateCatalog CATALOG =
      new TemplateCatalog(List.of(new TemplateSpec("sonoma", null, null, 4, 8192, 80)));

  /** Trusts my-org's repositories but my-org/secret*, runs push and workflow_dispatch only. */
  private static final TrustSpec INTERNAL = new TrustSpec(
      List.of("my-org/*"), List.of("my-org/secret*"), List.of("push", "workflow_dispatch"), false, OnUntrusted.CANCEL);

  /** Trusts one repository and leaves others' jobs for other runners. */
  private static final TrustSpec ONE_REPO =
      new TrustSpec(List.of("partner/app"), null, null, true, OnUntrusted.LEAVE);

  private final TemplateRouter router = new TemplateRouter(
      CATALOG,
      List.of(
          new PoolSpec("internal", "sonoma", null, INTERNAL),
          new PoolSpec("partner", "sonoma", null, ONE_REPO),
          new PoolSpec("open", "sonoma", null, null)),
      new TrustSpec(null, List.of("*/forbidden"), null, false, null),
      List.of());

  @Test
  void aTrustedRepositoryIsServedAndCarriesThePoolsPolicyForTheVm() {
    Route route = router.route(job("my-org", "app", "self-hosted", "internal"));

    assertThat(route.decision()).isEqualTo(Decision.SERVE);
    assertThat(route.trust()).isEqualTo(new TrustPolicy(
        List.of(), List.of("my-org/*"), List.of("my-org/secret*"), List.of("push", "workflow_dispatch"), false,
        OnUntrusted.CANCEL));
  }

  @Test
  void aRepositoryOutsideTheAllowListIsRefusedNamingTheKey() {
    Route route = router.route(job("someone-else", "app", "internal"));

    assertThat(route.decision()).isEqualTo(Decision.UNTRUSTED);
    assertThat(route.pool()).isEqualTo("internal");
    assertThat(route.template()).isNull();
    assertThat(route.reason())
        .isEqualTo("pool internal does not trust someone-else/app: not in hangar.pools[0].trust.repositories");
    assertThat(route.trust().onUntrusted()).isEqualTo(OnUntrusted.CANCEL);
  }

  @Test
  void denyWinsOverAllow() {
    Route route = router.route(job("my-org", "secret-keys", "internal"));

    assertThat(route.decision()).isEqualTo(Decision.UNTRUSTED);
    assertThat(route.reason()).contains("denied by hangar.pools[0].trust.deny-repositories (my-org/secret*)");
  }

  @Test
  void namesAreComparedAsGitHubComparesThemIgnoringCase() {
    assertThat(router.route(job("My-Org", "App", "internal")).decision()).isEqualTo(Decision.SERVE);
    assertThat(router.route(job("MY-ORG", "Secret-X", "internal")).decision()).isEqualTo(Decision.UNTRUSTED);
    assertThat(router.route(job("Partner", "APP", "partner")).decision()).isEqualTo(Decision.SERVE);
  }

  @Test
  void wildcardsStayWithinTheirSideOfTheSlash() {
    TemplateRouter r = router("p", new TrustSpec(List.of("*/app", "my-org/app-?"), null, null, false, null));

    assertThat(r.route(job("anyone", "app", "p")).decision()).isEqualTo(Decision.SERVE);
    assertThat(r.route(job("my-org", "app-1", "p")).decision()).isEqualTo(Decision.SERVE);
    assertThat(r.route(job("my-org", "app-12", "p")).decision()).isEqualTo(Decision.UNTRUSTED);
    assertThat(r.route(job("my-org", "xapp", "p")).decision()).isEqualTo(Decision.UNTRUSTED);
    assertThat(r.route(job("a/b", "app", "p")).decision()).isEqualTo(Decision.UNTRUSTED);
  }

  @Test
  void aPoolWithoutItsOwnPolicyAndTemplateLabelJobsUseHangarTrust() {
    Route open = router.route(job("anyone", "forbidden", "open"));
    Route byLabel = router.route(job("anyone", "forbidden", "anka-template:sonoma"));
    Route fine = router.route(job("anyone", "fine", "anka-template:sonoma"));

    assertThat(open.decision()).isEqualTo(Decision.UNTRUSTED);
    assertThat(open.reason()).contains("hangar.trust.deny-repositories");
    assertThat(byLabel.decision()).isEqualTo(Decision.UNTRUSTED);
    assertThat(byLabel.reason()).startsWith("the default pool does not trust anyone/forbidden");
    assertThat(fine.decision()).isEqualTo(Decision.SERVE);
    assertThat(fine.trust().denyRepositories()).containsExactly("*/forbidden");
  }

  @Test
  void aPoolThatLeavesUntrustedJobsSaysSo() {
    Route route = router.route(job("my-org", "app", "partner"));

    assertThat(route.decision()).isEqualTo(Decision.UNTRUSTED);
    assertThat(route.trust().onUntrusted()).isEqualTo(OnUntrusted.LEAVE);
  }

  @Test
  void labelsNoPoolServesStayNotOursWhateverTheRepository() {
    assertThat(router.route(job("someone-else", "forbidden", "ubuntu-latest")).decision())
        .isEqualTo(Decision.NOT_OURS);
  }

  @Test
  void ownersOutsideTheGatewayWideListAreNotOurs() {
    TemplateRouter owned = new TemplateRouter(
        CATALOG, List.of(new PoolSpec("open", "sonoma", null, null)), null, List.of("my-org", "Partner"));

    Route foreign = owned.route(job("other-org", "app", "open"));
    Route mine = owned.route(job("partner", "app", "open"));

    assertThat(foreign.decision()).isEqualTo(Decision.NOT_OURS);
    assertThat(foreign.reason()).isEqualTo("owner other-org is not in hangar.allowed-owners");
    assertThat(mine.decision()).isEqualTo(Decision.SERVE);
    assertThat(mine.trust().owners()).containsExactly("my-org", "Partner");
  }

  @Test
  void theRefusalIsLoggedAndReportedByTheRoutingActivity() {
    List<Route> refused = new ArrayList<>();
    RoutingActivitiesImpl activity = new RoutingActivitiesImpl(router, refused::add);

    activity.route(job("my-org", "app", "internal"));
    activity.route(job("stranger", "app", "internal"));

    assertThat(refused).extracting(Route::pool).containsExactly("internal");
  }

  @Test
  void malformedPatternsEventsAndOwnersStopStartUpNamingTheKey() {
    assertThatThrownBy(() -> router("p", new TrustSpec(List.of("my-org/*", "my-org"), null, null, false, null)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("hangar.pools[0].trust.repositories[1] 'my-org' must be owner/repo");
    assertThatThrownBy(() -> router("p", new TrustSpec(null, List.of("a/b/c"), null, false, null)))
        .hasMessageStartingWith("hangar.pools[0].trust.deny-repositories[0] 'a/b/c'");
    assertThatThrownBy(() -> router("p", new TrustSpec(null, List.of("a/$(reboot)"), null, false, null)))
        .hasMessageStartingWith("hangar.pools[0].trust.deny-repositories[0]");
    assertThatThrownBy(() -> router("p", new TrustSpec(null, null, List.of("push", "Pull Request"), false, null)))
        .hasMessageStartingWith("hangar.pools[0].trust.events[1] 'Pull Request' is not a GitHub event name");
    assertThatThrownBy(() -> new TemplateRouter(
            CATALOG, List.of(), new TrustSpec(List.of("[ab]/x"), null, null, false, null), List.of()))
        .hasMessageStartingWith("hangar.trust.repositories[0]");
    assertThatThrownBy(() -> new TemplateRouter(CATALOG, List.of(), null, List.of("ok", "my org")))
        .hasMessageStartingWith("hangar.allowed-owners[1] 'my org'");
  }

  private static TemplateRouter router(String pool, TrustSpec trust) {
    return new TemplateRouter(CATALOG, List.of(new PoolSpec(pool, "sonoma", null, trust)), null, null);
  }
}
