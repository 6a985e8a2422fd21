package dev.hangar.activities.routing;

import dev.hangar.workflows.routing.TrustPolicy;
import java.util.List;

/**
 * What a pool trusts, as configured under {@code hangar.trust} (the default, also for jobs that
 * name a template by label) or {@code hangar.pools[n].trust} (which replaces the default as a
 * whole). See docs/security.md.
 *
 * @param repositories {@code owner/repo} globs of the repositories served, for example {@code
 *     my-org/*}; empty (the default): every repository
 * @param denyRepositories {@code owner/repo} globs never served, even if {@code repositories}
 *     matches: deny wins. Default: none
 * @param events the {@code GITHUB_EVENT_NAME}s a job may run for, for example {@code push} and
 *     {@code workflow_dispatch}; checked in the VM. Empty (the default): any event
 * @param allowForkPullRequests let jobs of pull requests from forks run; checked in the VM.
 *     Default {@code false}: a fork's code never runs on the pool
 * @param onUntrusted a job whose repository is not trusted: {@code cancel} its run (the default)
 *     or {@code leave} it queued for other runners
 */
public record TrustSpec(
    List<String> repositories,
    List<String> denyRepositories,
    List<String> events,
    boolean allowForkPullRequests,
    TrustPolicy.OnUntrusted onUntrusted) {

  /** Every repository and event, no fork pull request; untrusted runs are cancelled. */
  public static final TrustSpec DEFAULT = new TrustSpec(null, null, null, false, null);

  public TrustSpec {
    repositories = repositories == null ? List.of() : List.copyOf(repositories);
    denyRepositories = denyRepositories == null ? List.of() : List.copyOf(denyRepositories);
    events = events == null ? List.of() : List.copyOf(events);
    onUntrusted = onUntrusted == null ? TrustPolicy.OnUntrusted.CANCEL : onUntrusted;
  }

  /** The policy a job of this pool carries, with the gateway-wide owners. */
  TrustPolicy toPolicy(List<String> owners) {
    return new TrustPolicy(owners, repositories, denyRepositories, events, allowForkPullRequests, onUntrusted);
  }
}
