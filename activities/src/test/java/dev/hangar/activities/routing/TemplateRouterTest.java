package dev.hangar.activities.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hangar.activities.templates.TemplateCatalog;
import dev.hangar.activities.templates.TemplateSpec;
import dev.hangar.workflows.job.JobRequest;
import dev.hangar.workflows.routing.Route;
import dev.hangar.workflows.routing.Route.Decision;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class TemplateRouterTest {

  private static final TemplateSpec SONOMA = new TemplateSpec("sonoma-xcode16", "Sonoma", "v3", 4, 8192, 80);
  private static final TemplateSpec SEQUOIA = new TemplateSpec("sequoia", null, null, 8, 16384, 120);
  private static final TemplateCatalog CATALOG = new TemplateCatalog(List.of(SONOMA, SEQUOIA));

  private final TemplateRouter router =
      new TemplateRouter(
          CATALOG,
          List.of(new PoolSpec("macos-large", "sequoia", "beta", null), new PoolSpec("macos", "sonoma-xcode16", null, null)));

  @Test
  void templateLabelSelectsTheTemplateAtItsDefaultTag() {
    Route route = router.route(List.of("self-hosted", "macOS", "anka-template:sonoma-xcode16"));

    assertThat(route.decision()).isEqualTo(Decision.SERVE);
    assertThat(route.template()).isEqualTo(SONOMA.ref("v3"));
    assertThat(route.template().sizeClass()).isEqualTo("c4-m8192");
  }

  @Test
  void tagLabelSelectsTheTag() {
    Route route = router.route(List.of("anka-template-tag:v9", "anka-template:sonoma-xcode16"));

    assertThat(route.decision()).isEqualTo(Decision.SERVE);
    assertThat(route.template().tag()).isEqualTo("v9");
  }

  @Test
  void templateWithoutDefaultTagHasNoTag() {
    assertThat(router.route(List.of("anka-template:sequoia")).template().tag()).isNull();
  }

  @Test
  void unknownTemplateIdIsUnknownTemplate() {
    Route route = router.route(List.of("self-hosted", "anka-template:ventura"));

    assertThat(route.decision()).isEqualTo(Decision.UNKNOWN_TEMPLATE);
    assertThat(route.reason()).contains("ventura");
    assertThat(route.template()).isNull();
  }

  @Test
  void templateIdsAreCaseSensitive() {
    assertThat(router.route(List.of("anka-template:Sonoma-Xcode16")).decision())
        .isEqualTo(Decision.UNKNOWN_TEMPLATE);
    assertThat(router.route(List.of("Anka-Template:sonoma-xcode16")).decision()).isEqualTo(Decision.NOT_OURS);
  }

  @Test
  void poolLabelSelectsThePoolsTemplateAndTag() {
    Route route = router.route(List.of("self-hosted", "macos-large"));

    assertThat(route.decision()).isEqualTo(Decision.SERVE);
    assertThat(route.pool()).isEqualTo("macos-large");
    assertThat(route.template()).isEqualTo(SEQUOIA.ref("beta"));
  }

  @Test
  void poolWithoutTagUsesTheCatalogDefaultAndATagLabelOverrides() {
    assertThat(router.route(List.of("macos")).template().tag()).isEqualTo("v3");
    assertThat(router.route(List.of("macos", "anka-template-tag:v1")).template().tag()).isEqualTo("v1");
  }

  @Test
  void poolNamesAreCaseSensitive() {
    assertThat(router.route(List.of("self-hosted", "MACOS")).decision()).isEqualTo(Decision.NOT_OURS);
  }

  @Test
  void templateLabelWinsOverPoolLabel() {
    Route route = router.route(List.of("macos", "anka-template:sequoia"));

    assertThat(route.template().id()).isEqualTo("sequoia");
  }

  @Test
  void noHangarLabelIsNotOurs() {
    assertThat(router.route(List.of("self-hosted", "macOS", "ARM64")).decision()).isEqualTo(Decision.NOT_OURS);
    assertThat(router.route(List.of("ubuntu-latest")).decision()).isEqualTo(Decision.NOT_OURS);
    assertThat(router.route(List.of()).decision()).isEqualTo(Decision.NOT_OURS);
    assertThat(router.route((List<String>) null).decision()).isEqualTo(Decision.NOT_OURS);
    assertThat(router.route(Arrays.asList("self-hosted", null)).decision()).isEqualTo(Decision.NOT_OURS);
  }

  @Test
  void hangarLabelsThatCannotBeServedAreUnknownTemplate() {
    assertThat(router.route(List.of("anka-template:sequoia", "anka-template:sonoma-xcode16")).decision())
        .isEqualTo(Decision.UNKNOWN_TEMPLATE);
    assertThat(router.route(List.of("anka-template:")).decision()).isEqualTo(Decision.UNKNOWN_TEMPLATE);
    assertThat(router.route(List.of("anka-template-tag:v1")).decision()).isEqualTo(Decision.UNKNOWN_TEMPLATE);
    assertThat(router.route(List.of("anka-template:sequoia", "anka-template-tag:")).decision())
        .isEqualTo(Decision.UNKNOWN_TEMPLATE);
    assertThat(
            router
                .route(List.of("anka-template:sequoia", "anka-template-tag:a", "anka-template-tag:b"))
                .decision())
        .isEqualTo(Decision.UNKNOWN_TEMPLATE);
  }

  @Test
  void duplicateLabelsAreHarmless() {
    assertThat(router.route(List.of("anka-template:sequoia", "anka-template:sequoia")).decision())
        .isEqualTo(Decision.SERVE);
  }

  @Test
  void poolWithUnknownTemplateIsRejectedNamingTheKey() {
    assertThatThrownBy(
            () ->
                new TemplateRouter(
                    CATALOG, List.of(new PoolSpec("macos", "sequoia", null, null), new PoolSpec("x", "ventura", null, null))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("hangar.pools[1].template")
        .hasMessageContaining("ventura");
  }

  @Test
  void poolConfigMistakesNameTheKey() {
    assertThatThrownBy(() -> new TemplateRouter(CATALOG, List.of(new PoolSpec(" ", "sequoia", null, null))))
        .hasMessageContaining("hangar.pools[0].name");
    assertThatThrownBy(() -> new TemplateRouter(CATALOG, List.of(new PoolSpec("p", null, null, null))))
        .hasMessageContaining("hangar.pools[0].template is required");
    assertThatThrownBy(
            () ->
                new TemplateRouter(
                    CATALOG, List.of(new PoolSpec("p", "sequoia", null, null), new PoolSpec("p", "sequoia", null, null))))
        .hasMessageContaining("hangar.pools[1].name 'p' is listed twice");
    assertThatThrownBy(() -> new TemplateRouter(CATALOG, List.of(new PoolSpec("anka-template:x", "sequoia", null, null))))
        .hasMessageContaining("hangar.pools[0].name");
  }

  @Test
  void routingActivityDelegatesToTheRouter() {
    assertThat(new RoutingActivitiesImpl(router).route(job("octo-org", "app", "macos")).pool()).isEqualTo("macos");
  }

  static JobRequest job(String owner, String repo, String... labels) {
    return new JobRequest(1, 10, 1, owner, repo, List.of(labels), "https://github.com/" + owner + "/" + repo, null);
  }
}
