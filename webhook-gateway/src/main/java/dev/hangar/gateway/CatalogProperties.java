package dev.hangar.gateway;

import dev.hangar.activities.routing.PoolSpec;
import dev.hangar.activities.routing.TrustSpec;
import dev.hangar.activities.templates.TemplateSpec;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The templates and pools the orchestrator routes jobs to, and whom it trusts ({@code
 * hangar.templates}, {@code hangar.pools}, {@code hangar.trust}, {@code hangar.allowed-owners}).
 * See docs/configuration.md and docs/security.md.
 *
 * @param templates every template Hangar may run: {@code id}, {@code name}, {@code tag} (default
 *     tag, optional), {@code cpu-cores}, {@code memory-mb}, {@code disk-gb}. Default: none.
 * @param pools named pools: {@code name} (the runner label that selects it), {@code template} (an
 *     id from {@code hangar.templates}), {@code tag} (optional) and {@code trust} (optional, a whole
 *     trust policy as under {@code hangar.trust}, replacing it for this pool). Default: none.
 * @param trust the trust policy of pools without their own and of jobs that name a template by
 *     label: {@code repositories} and {@code deny-repositories} ({@code owner/repo} globs, deny
 *     wins; default: every repository, none denied), {@code events} (allowed {@code
 *     GITHUB_EVENT_NAME}s; default: any), {@code allow-fork-pull-requests} (default {@code false})
 *     and {@code on-untrusted} ({@code cancel}, the default, or {@code leave}). Env: {@code
 *     HANGAR_TRUST_REPOSITORIES}, {@code HANGAR_TRUST_DENY_REPOSITORIES}, {@code HANGAR_TRUST_EVENTS}
 *     (comma-separated), {@code HANGAR_TRUST_ALLOW_FORK_PULL_REQUESTS}, {@code
 *     HANGAR_TRUST_ON_UNTRUSTED}.
 * @param allowedOwners the only repository owners (users or organisations) whose jobs Hangar
 *     serves; other owners' jobs are not Hangar's and nothing is done for them. Default: empty, any
 *     owner. Env: {@code HANGAR_ALLOWED_OWNERS} (comma-separated).
 */
@ConfigurationProperties("hangar")
public record CatalogProperties(
    List<TemplateSpec> templates, List<PoolSpec> pools, TrustSpec trust, List<String> allowedOwners) {

  public CatalogProperties {
    templates = templates == null ? List.of() : List.copyOf(templates);
    pools = pools == null ? List.of() : List.copyOf(pools);
    trust = trust == null ? TrustSpec.DEFAULT : trust;
    allowedOwners = allowedOwners == null ? List.of() : List.copyOf(allowedOwners);
  }
}
