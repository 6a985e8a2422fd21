package dev.hangar.workflows.routing;

import dev.hangar.workflows.template.TemplateRef;

/**
 * Which template, if any, serves a job's labels.
 *
 * @param decision what Hangar does with the job
 * @param pool the pool that matched, or {@code null}
 * @param template the template to run on, for {@link Decision#SERVE} only
 * @param reason a short human-readable explanation, for logs and the job's outcome
 */
public record Route(Decision decision, String pool, TemplateRef template, String reason) {

  /** What Hangar does with a job. */
  public enum Decision {
    /** A pool serves the labels with a known template. */
    SERVE,
    /** No pool serves the labels: another runner system's job. Nothing is done, nothing is called. */
    NOT_OURS,
    /** The labels ask for a template Hangar cannot find anywhere: the run is cancelled. */
    UNKNOWN_TEMPLATE
  }

  public static Route serve(String pool, TemplateRef template) {
    return new Route(Decision.SERVE, pool, template, "served by pool " + pool);
  }

  public static Route notOurs(String reason) {
    return new Route(Decision.NOT_OURS, null, null, reason);
  }

  public static Route unknownTemplate(String reason) {
    return new Route(Decision.UNKNOWN_TEMPLATE, null, null, reason);
  }
}
