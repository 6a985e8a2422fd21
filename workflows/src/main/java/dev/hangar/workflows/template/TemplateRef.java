package dev.hangar.workflows.template;

import java.util.Objects;

/**
 * A VM template a job runs on.
 *
 * @param id the template's identifier (Anka UUID, Tart image name, or the simulated driver's name)
 * @param tag the template version to use, or {@code null} for the registry's latest
 * @param resources what one VM of it needs
 */
public record TemplateRef(String id, String tag, Resources resources) {

  public TemplateRef {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(resources, "resources");
  }

  /** The size class, which names the placement queue. */
  public String sizeClass() {
    return resources.sizeClass();
  }

  @Override
  public String toString() {
    return tag == null ? id : id + ":" + tag;
  }
}
