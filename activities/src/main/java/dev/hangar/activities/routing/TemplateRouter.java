package dev.hangar.activities.routing;

import dev.hangar.activities.templates.TemplateCatalog;
import dev.hangar.activities.templates.TemplateSpec;
import dev.hangar.workflows.routing.Route;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Maps a job's {@code runs-on} labels to a template. Pure: no I/O, no clock, so the webhook gateway
 * and the workflow's routing activity decide the same way.
 *
 * <p>Rules, in order:
 *
 * <ol>
 *   <li>{@code anka-template:<id>} selects that template from the catalog, at the tag of an {@code
 *       anka-template-tag:<tag>} label if there is one, otherwise at the catalog's default tag. An id
 *       the catalog does not have is {@link Route.Decision#UNKNOWN_TEMPLATE}.
 *   <li>A label equal to a configured pool's name selects that pool's template (and its tag, unless
 *       an {@code anka-template-tag:} label overrides it). The first such label wins.
 *   <li>With no Hangar label at all the job is {@link Route.Decision#NOT_OURS}. Other labels, such as
 *       {@code self-hosted} or {@code macOS}, are ignored.
 * </ol>
 *
 * <p>Labels, template ids and pool names are compared case-sensitively. A Hangar label that cannot
 * be served (two different templates, an empty id, a tag without a template) is {@link
 * Route.Decision#UNKNOWN_TEMPLATE}: the job was meant for Hangar, so its run is cancelled rather
 * than left queued forever.
 */
public final class TemplateRouter {

  /** Label prefix that names a template by id. */
  public static final String TEMPLATE_PREFIX = "anka-template:";

  /** Label prefix that names the template's tag. */
  public static final String TAG_PREFIX = "anka-template-tag:";

  private final TemplateCatalog catalog;
  private final Map<String, PoolSpec> pools = new LinkedHashMap<>();

  /**
   * @param catalog the known templates
   * @param pools the configured pools, in configuration order
   * @throws IllegalArgumentException naming the offending {@code hangar.pools[i]} key when a pool
   *     has no name, a repeated name, no template, or a template the catalog does not have
   */
  public TemplateRouter(TemplateCatalog catalog, Collection<PoolSpec> pools) {
    this.catalog = catalog;
    int i = 0;
    for (PoolSpec pool : pools) {
      String key = "hangar.pools[" + i + "]";
      if (pool.name() == null || pool.name().isBlank()) {
        throw new IllegalArgumentException(key + ".name is required");
      }
      if (pool.name().startsWith(TEMPLATE_PREFIX) || pool.name().startsWith(TAG_PREFIX)) {
        throw new IllegalArgumentException(
            key + ".name '" + pool.name() + "' must not start with " + TEMPLATE_PREFIX + " or " + TAG_PREFIX);
      }
      if (pool.template() == null || pool.template().isBlank()) {
        throw new IllegalArgumentException(key + ".template is required");
      }
      if (catalog.find(pool.template()).isEmpty()) {
        throw new IllegalArgumentException(
            key + ".template '" + pool.template() + "' is not the id of any entry in hangar.templates");
      }
      if (this.pools.putIfAbsent(pool.name(), pool) != null) {
        throw new IllegalArgumentException(key + ".name '" + pool.name() + "' is listed twice");
      }
      i++;
    }
  }

  /** The route for these labels. Never {@code null}; a {@code null} list is treated as empty. */
  public Route route(List<String> labels) {
    Set<String> templateIds = new LinkedHashSet<>();
    Set<String> tags = new LinkedHashSet<>();
    PoolSpec pool = null;
    for (String label : labels == null ? List.<String>of() : labels) {
      if (label == null) {
        continue;
      }
      if (label.startsWith(TEMPLATE_PREFIX)) {
        templateIds.add(label.substring(TEMPLATE_PREFIX.length()));
      } else if (label.startsWith(TAG_PREFIX)) {
        tags.add(label.substring(TAG_PREFIX.length()));
      } else if (pool == null && pools.containsKey(label)) {
        pool = pools.get(label);
      }
    }
    if (templateIds.isEmpty() && tags.isEmpty() && pool == null) {
      return Route.notOurs("no " + TEMPLATE_PREFIX + " label and no label naming a Hangar pool");
    }
    if (tags.size() > 1) {
      return Route.unknownTemplate("the labels name more than one tag: " + tags);
    }
    Optional<String> tag = tags.stream().findFirst();
    if (tag.isPresent() && tag.get().isEmpty()) {
      return Route.unknownTemplate("the label " + TAG_PREFIX + " names no tag");
    }
    if (!templateIds.isEmpty()) {
      return byTemplateLabel(templateIds, tag);
    }
    if (pool == null) {
      return Route.unknownTemplate("a " + TAG_PREFIX + " label without an " + TEMPLATE_PREFIX + " label or pool");
    }
    TemplateSpec spec = catalog.find(pool.template()).orElseThrow();
    String chosenTag = tag.orElse(pool.tag() != null ? pool.tag() : spec.tag());
    return Route.serve(pool.name(), spec.ref(chosenTag));
  }

  private Route byTemplateLabel(Set<String> templateIds, Optional<String> tag) {
    if (templateIds.size() > 1) {
      return Route.unknownTemplate("the labels name more than one template: " + new ArrayList<>(templateIds));
    }
    String id = templateIds.iterator().next();
    if (id.isEmpty()) {
      return Route.unknownTemplate("the label " + TEMPLATE_PREFIX + " names no template");
    }
    Optional<TemplateSpec> spec = catalog.find(id);
    if (spec.isEmpty()) {
      return Route.unknownTemplate("template '" + id + "' is not in the catalog");
    }
    return new Route(
        Route.Decision.SERVE,
        null,
        spec.get().ref(tag.orElse(spec.get().tag())),
        "template " + id + " named by label " + TEMPLATE_PREFIX + id);
  }
}
