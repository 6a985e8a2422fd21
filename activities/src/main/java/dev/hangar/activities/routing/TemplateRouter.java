package dev.hangar.activities.routing;

import dev.hangar.activities.templates.TemplateCatalog;
import dev.hangar.activities.templates.TemplateSpec;
import dev.hangar.workflows.job.JobRequest;
import dev.hangar.workflows.routing.Route;
import dev.hangar.workflows.routing.TrustPolicy;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

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
 *
 * <p>Trust ({@link #route(JobRequest)}, docs/security.md): a job whose owner is not in {@code
 * hangar.allowed-owners} (when set) is {@link Route.Decision#NOT_OURS}. A job whose repository the
 * pool's trust policy ({@code hangar.pools[n].trust}, or {@code hangar.trust} for pools without one
 * and for jobs that name a template by label) does not allow, or denies, is {@link
 * Route.Decision#UNTRUSTED}. Every other route carries the policy, for the VM's job-started hook.
 */
public final class TemplateRouter {

  /** Label prefix that names a template by id. */
  public static final String TEMPLATE_PREFIX = "anka-template:";

  /** Label prefix that names the template's tag. */
  public static final String TAG_PREFIX = "anka-template-tag:";

  private static final Pattern OWNER = Pattern.compile("[A-Za-z0-9._-]+");
  private static final Pattern EVENT = Pattern.compile("[a-z_]+");

  private final TemplateCatalog catalog;
  private final Map<String, PoolSpec> pools = new LinkedHashMap<>();
  private final Map<String, Trust> trustByPool = new LinkedHashMap<>();
  private final Trust defaultTrust;
  private final List<String> owners;

  /** A router whose pools trust every repository and event, but no fork pull request. */
  public TemplateRouter(TemplateCatalog catalog, Collection<PoolSpec> pools) {
    this(catalog, pools, TrustSpec.DEFAULT, List.of());
  }

  /**
   * @param catalog the known templates
   * @param pools the configured pools, in configuration order
   * @param defaultTrust {@code hangar.trust}: what pools without their own policy, and jobs that
   *     name a template by label, trust
   * @param allowedOwners {@code hangar.allowed-owners}: the only owners whose jobs Hangar serves;
   *     empty: any owner
   * @throws IllegalArgumentException naming the offending key when a pool has no name, a repeated
   *     name, no template, or a template the catalog does not have, or when a trust pattern, event
   *     or owner is malformed
   */
  public TemplateRouter(
      TemplateCatalog catalog, Collection<PoolSpec> pools, TrustSpec defaultTrust, List<String> allowedOwners) {
    this.catalog = catalog;
    this.defaultTrust = Trust.of(defaultTrust == null ? TrustSpec.DEFAULT : defaultTrust, "hangar.trust");
    List<String> ownerList = allowedOwners == null ? List.of() : allowedOwners;
    for (int o = 0; o < ownerList.size(); o++) {
      if (ownerList.get(o) == null || !OWNER.matcher(ownerList.get(o)).matches()) {
        throw new IllegalArgumentException(
            "hangar.allowed-owners[" + o + "] '" + ownerList.get(o) + "' is not a GitHub user or organisation name");
      }
    }
    this.owners = List.copyOf(ownerList);
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
      if (pool.trust() != null) {
        trustByPool.put(pool.name(), Trust.of(pool.trust(), key + ".trust"));
      }
      i++;
    }
  }

  /**
   * The route for this job: its labels' route, refused if the job's owner or repository is not
   * trusted, otherwise carrying the trust policy its VMs enforce. Never {@code null}.
   */
  public Route route(JobRequest job) {
    Route byLabels = route(job.labels());
    if (byLabels.decision() == Route.Decision.NOT_OURS) {
      return byLabels;
    }
    if (!owners.isEmpty() && owners.stream().noneMatch(o -> o.equalsIgnoreCase(job.owner()))) {
      return Route.notOurs("owner " + job.owner() + " is not in hangar.allowed-owners");
    }
    Trust trust = byLabels.pool() == null ? defaultTrust : trustByPool.getOrDefault(byLabels.pool(), defaultTrust);
    TrustPolicy policy = trust.spec().toPolicy(owners);
    String refusal = trust.refusal(job.fullName());
    if (refusal != null) {
      String pool = byLabels.pool() == null ? "the default pool" : "pool " + byLabels.pool();
      return Route.untrusted(byLabels.pool(), pool + " does not trust " + job.fullName() + ": " + refusal, policy);
    }
    return new Route(byLabels.decision(), byLabels.pool(), byLabels.template(), byLabels.reason(), policy);
  }

  /**
   * The route for these labels alone, without trust: enough to tell whether a job is Hangar's.
   * Never {@code null}; a {@code null} list is treated as empty.
   */
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

  /** A trust policy with its patterns compiled, and the key it was configured under. */
  private record Trust(TrustSpec spec, String key, List<RepositoryPattern> allow, List<RepositoryPattern> deny) {

    static Trust of(TrustSpec spec, String key) {
      List<RepositoryPattern> allow = patterns(spec.repositories(), key + ".repositories");
      List<RepositoryPattern> deny = patterns(spec.denyRepositories(), key + ".deny-repositories");
      for (int e = 0; e < spec.events().size(); e++) {
        String event = spec.events().get(e);
        if (event == null || !EVENT.matcher(event).matches()) {
          throw new IllegalArgumentException(
              key + ".events[" + e + "] '" + event + "' is not a GitHub event name such as push or workflow_dispatch");
        }
      }
      return new Trust(spec, key, allow, deny);
    }

    private static List<RepositoryPattern> patterns(List<String> globs, String key) {
      List<RepositoryPattern> out = new ArrayList<>();
      for (int p = 0; p < globs.size(); p++) {
        out.add(RepositoryPattern.parse(globs.get(p), key + "[" + p + "]"));
      }
      return List.copyOf(out);
    }

    /** Why {@code fullName} is refused, naming the key, or {@code null} if it is trusted. */
    String refusal(String fullName) {
      for (RepositoryPattern p : deny) {
        if (p.matches(fullName)) {
          return "denied by " + key + ".deny-repositories (" + p + ")";
        }
      }
      if (!allow.isEmpty() && allow.stream().noneMatch(p -> p.matches(fullName))) {
        return "not in " + key + ".repositories";
      }
      return null;
    }
  }
}
