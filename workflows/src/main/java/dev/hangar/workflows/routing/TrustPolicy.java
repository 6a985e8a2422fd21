package dev.hangar.workflows.routing;

import java.util.List;

/**
 * What a pool trusts, as the orchestrator resolved it for one job. The orchestrator checks the
 * repository before any VM exists; the VM's job-started hook checks everything again against the
 * job the runner actually got (GitHub may give a runner another queued job with the same labels),
 * plus what only the VM can see: the event and whether a pull request comes from a fork.
 *
 * <p>Patterns are {@code owner/repo} globs compared case-insensitively, with {@code *} (any run of
 * characters) and {@code ?} (one character); a deny pattern wins over an allow pattern. Nothing here
 * is secret; it is stored in the workflow's history and written to a file in the VM.
 *
 * @param owners the owners every job must come from (gateway-wide); empty: any owner
 * @param repositories the repositories the pool serves; empty: every repository
 * @param denyRepositories repositories the pool never serves, whatever {@code repositories} says
 * @param events the {@code GITHUB_EVENT_NAME}s the pool runs, for example {@code push}; empty: any
 * @param allowForkPullRequests whether jobs of pull requests from forks may run
 * @param onUntrusted what happens to a job whose repository the pool does not trust
 */
public record TrustPolicy(
    List<String> owners,
    List<String> repositories,
    List<String> denyRepositories,
    List<String> events,
    boolean allowForkPullRequests,
    OnUntrusted onUntrusted) {

  /** What happens to a job the orchestrator refuses. */
  public enum OnUntrusted {
    /** The run is cancelled on GitHub, so nothing waits for a runner that never comes. */
    CANCEL,
    /** The job is left queued for other runners that carry the same labels. */
    LEAVE
  }

  public TrustPolicy {
    owners = owners == null ? List.of() : List.copyOf(owners);
    repositories = repositories == null ? List.of() : List.copyOf(repositories);
    denyRepositories = denyRepositories == null ? List.of() : List.copyOf(denyRepositories);
    events = events == null ? List.of() : List.copyOf(events);
    onUntrusted = onUntrusted == null ? OnUntrusted.CANCEL : onUntrusted;
  }
}
