package dev.hangar.activities.templates;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The templates Hangar knows, by id. The orchestrator uses it to route labels to a template and its
 * size class; a host uses it to know which placement queues exist.
 */
public final class TemplateCatalog {

  private final Map<String, TemplateSpec> byId = new LinkedHashMap<>();

  /**
   * @throws IllegalArgumentException naming the offending entry when an id is missing or repeated,
   *     or a size is not positive
   */
  public TemplateCatalog(Collection<TemplateSpec> templates) {
    int i = 0;
    for (TemplateSpec t : templates) {
      String key = "hangar.templates[" + i + "]";
      if (t.id() == null || t.id().isBlank()) {
        throw new IllegalArgumentException(key + ".id is required");
      }
      if (t.cpuCores() <= 0) {
        throw new IllegalArgumentException(key + ".cpu-cores must be positive, was " + t.cpuCores());
      }
      if (t.memoryMb() <= 0) {
        throw new IllegalArgumentException(key + ".memory-mb must be positive, was " + t.memoryMb());
      }
      if (t.diskGb() < 0) {
        throw new IllegalArgumentException(key + ".disk-gb must not be negative, was " + t.diskGb());
      }
      if (byId.putIfAbsent(t.id(), t) != null) {
        throw new IllegalArgumentException(key + ".id '" + t.id() + "' is listed twice");
      }
      i++;
    }
  }

  public Optional<TemplateSpec> find(String id) {
    return Optional.ofNullable(byId.get(id));
  }

  public List<TemplateSpec> all() {
    return new ArrayList<>(byId.values());
  }

  /** Every size class in the catalog, in catalog order. */
  public Set<String> sizeClasses() {
    Set<String> classes = new LinkedHashSet<>();
    byId.values().forEach(t -> classes.add(t.ref().sizeClass()));
    return classes;
  }
}
