package dev.hangar.activities.github;

import dev.hangar.workflows.Failures;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The runner group id JIT runners join: the configured id, or the id of the group named in the
 * {@link RunnerScope}, looked up the first time an organisation (or the enterprise) needs it and
 * then cached, so that a group name costs no call per job.
 */
final class RunnerGroups {

  private final RunnersClient runners;
  private final RunnerScope scope;
  private final Map<String, Long> ids = new ConcurrentHashMap<>();

  RunnerGroups(RunnersClient runners, RunnerScope scope) {
    this.runners = runners;
    this.scope = scope;
  }

  /**
   * The group id for a job of {@code context}'s repository.
   *
   * @throws ApplicationFailure non-retryable {@link Failures#GITHUB_REFUSED} if the named group does
   *     not exist
   */
  long idFor(RepoContext context) throws IOException {
    if (scope.groupName() == null) {
      return scope.groupId() == null ? 1L : scope.groupId();
    }
    String key = ownerOf(context).toLowerCase(Locale.ROOT);
    Long cached = ids.get(key);
    if (cached != null) {
      return cached;
    }
    OptionalLong found = runners.runnerGroupId(context, scope);
    if (found.isEmpty()) {
      throw ApplicationFailure.newBuilder()
          .setType(Failures.GITHUB_REFUSED)
          .setMessage("runner group '" + scope.groupName() + "' does not exist in " + ownerOf(context)
              + " (hangar.github.runner-group)")
          .setNonRetryable(true)
          .build();
    }
    ids.put(key, found.getAsLong());
    return found.getAsLong();
  }

  /** Forgets a looked-up id (GitHub answered 404: the group may have been deleted and made again). */
  void forget(RepoContext context) {
    if (scope.groupName() != null) {
      ids.remove(ownerOf(context).toLowerCase(Locale.ROOT));
    }
  }

  private String ownerOf(RepoContext context) {
    return scope.level() == RunnerScope.Level.ENTERPRISE
        ? "enterprise " + scope.enterprise()
        : "organisation " + context.owner();
  }
}
