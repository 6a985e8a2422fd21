package dev.hangar.emulator;

/**
 * Who made a request: a configured token ({@code grant}), an installation token
 * ({@code installation}) or the App itself with a JWT ({@code app}).
 */
record Caller(TokenGrant grant, GitHubApp.Installation installation, GitHubApp app) {

  static Caller token(TokenGrant grant) {
    return new Caller(grant, null, null);
  }

  static Caller installation(GitHubApp.Installation installation) {
    return new Caller(null, installation, null);
  }

  static Caller app(GitHubApp app) {
    return new Caller(null, null, app);
  }

  boolean isApp() {
    return app != null;
  }

  /** Whether a repository is visible to this caller; the App itself sees none through the REST API. */
  boolean sees(EmulatorState.Repo repo) {
    if (grant != null) {
      return grant.sees(repo.fullName(), repo.isPrivate);
    }
    return installation != null && installation.covers(repo.fullName());
  }

  /**
   * Whether this caller may manage an organisation (or, {@code org} null, an enterprise): a token
   * that sees everything, or the organisation's installation.
   */
  boolean seesOrg(String org) {
    if (grant != null) {
      return grant.allRepositories();
    }
    return org != null && installation != null && installation.organization() && installation.account().equals(org);
  }
}
