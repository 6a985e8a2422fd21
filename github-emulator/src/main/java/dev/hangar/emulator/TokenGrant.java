package dev.hangar.emulator;

import java.util.Set;

/**
 * Which repositories a token may see. A repository outside the grant answers 404, as GitHub does
 * for a private repository the token cannot see.
 *
 * @param allRepositories every repository, public or private
 * @param publicOnly only repositories that are not private
 * @param repositories further repositories by {@code owner/name}
 */
public record TokenGrant(boolean allRepositories, boolean publicOnly, Set<String> repositories) {

  public TokenGrant {
    repositories = Set.copyOf(repositories);
  }

  /** Every repository (a token of an owner of all of them). */
  public static TokenGrant all() {
    return new TokenGrant(true, false, Set.of());
  }

  /** Public repositories only. */
  public static TokenGrant publicRepositories() {
    return new TokenGrant(false, true, Set.of());
  }

  /** These repositories ({@code owner/name}) only. */
  public static TokenGrant repositories(String... fullNames) {
    return new TokenGrant(false, false, Set.of(fullNames));
  }

  boolean sees(String fullName, boolean isPrivate) {
    return allRepositories || (publicOnly && !isPrivate) || repositories.contains(fullName);
  }
}
