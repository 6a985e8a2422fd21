package dev.hangar.workflows.routing;

import dev.hangar.workflows.template.TemplateRef;

/**
 * Which template, if any, serves a job's labels, and whether the pool trusts the job.
 *
 * @param decision what Hangar does with the job
 * @param pool the pool that matched, or {@code null}
 * @param template the template to run on, for {@link Decision#SERVE} only
 * @param reason a short human-readable explanation, for logs and the job's outcome
 * @param trust the pool's trust policy, for {@link Decision#SERVE} (what the VM checks) and {@link
 *     Decision#UNTRUSTED} (what to do with the job); {@code null} in histories recorded before
 *     pools had one
 */
public record Route(Decision decision, String pool, TemplateRef template, String reason, TrustPolicy trust) {

  /** What Hangar does with a job. */
  public enum Decision {
    /** A pool serves the labels with a known template. */
    SERVE,
    /** No pool serves the labels: another runner system's job. Nothing is done, nothing is called. */
    NOT_OURS,
    /** The labels ask for a template Hangar cannot find anywhere: the run is cancelled. */
    UNKNOWN_TEMPLATE,
    /**
     * A pool serves the labels but does not trust the job's repository: no VM, no runner; the run
     * is cancelled or left for other runners, as {@link TrustPolicy#onUntrusted()} says.
     */
    UNTRUSTED
  }

  /** A route without a trust policy. */
  public Route(Decision decision, String pool, TemplateRef template, String reason) {
    this(decision, pool, template, reason, null);
  }

  public static Route serve(String pool, TemplateRef template) {
    return serve(pool, template, null);
  }

  public static Route serve(String pool, TemplateRef template, TrustPolicy trust) {
    return new Route(Decision.SERVE, pool, template, "served by pool " + pool, trust);
  }

  public static Route notOurs(String reason) {
    return new Route(Decision.NOT_OURS, null, null, reason);
  }

  public static Route unknownTemplate(String reason) {
    return new Route(Decision.UNKNOWN_TEMPLATE, null, null, reason);
  }

  public static Route untrusted(String pool, String reason, TrustPolicy trust) {
    return new Route(Decision.UNTRUSTED, pool, null, reason, trust);
  }
}
