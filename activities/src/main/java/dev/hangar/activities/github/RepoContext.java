package dev.hangar.activities.github;

/**
 * The repository a GitHub call concerns, and the GitHub App installation that covers it when known.
 * With App credentials this decides which installation token authorises the call; with a personal
 * access token it does not matter.
 *
 * @param installationId the installation, as a webhook names it; {@code null} if unknown
 * @param owner the repository's owner (user or organisation); {@code null} if the call concerns none
 * @param repo the repository's name; {@code null} if the call concerns none
 */
public record RepoContext(Long installationId, String owner, String repo) {

  /** A call for an installation, not about one repository. */
  public static RepoContext installation(Long installationId) {
    return new RepoContext(installationId, null, null);
  }
}
