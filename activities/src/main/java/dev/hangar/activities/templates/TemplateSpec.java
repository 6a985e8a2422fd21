package dev.hangar.activities.templates;

import dev.hangar.workflows.template.Resources;
import dev.hangar.workflows.template.TemplateRef;

/**
 * One template of the catalog, as configured under {@code hangar.templates[*]}.
 *
 * @param id the template's identifier (Anka UUID, Tart image, or a simulated name)
 * @param name a human name, for logs and the Web UI; defaults to the id
 * @param tag the default tag to use, or {@code null} for the latest
 * @param cpuCores virtual cores one VM takes
 * @param memoryMb memory one VM takes, in MiB
 * @param diskGb disk the template takes on a host, in GiB
 */
public record TemplateSpec(String id, String name, String tag, int cpuCores, long memoryMb, long diskGb) {

  /** The template at its default tag. */
  public TemplateRef ref() {
    return ref(tag);
  }

  /** The template at the given tag. */
  public TemplateRef ref(String withTag) {
    return new TemplateRef(id, withTag, new Resources(cpuCores, memoryMb, diskGb));
  }
}
