package dev.hangar.gateway;

import dev.hangar.activities.routing.PoolSpec;
import dev.hangar.activities.templates.TemplateSpec;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The templates and pools the orchestrator routes jobs to ({@code hangar.templates} and {@code
 * hangar.pools}).
 *
 * @param templates every template Hangar may run: {@code id}, {@code name}, {@code tag} (default
 *     tag, optional), {@code cpu-cores}, {@code memory-mb}, {@code disk-gb}. Default: none.
 * @param pools named pools: {@code name} (the runner label that selects it), {@code template} (an
 *     id from {@code hangar.templates}) and {@code tag} (optional). Default: none.
 */
@ConfigurationProperties("hangar")
public record CatalogProperties(List<TemplateSpec> templates, List<PoolSpec> pools) {

  public CatalogProperties {
    templates = templates == null ? List.of() : List.copyOf(templates);
    pools = pools == null ? List.of() : List.copyOf(pools);
  }
}
