package dev.hangar.activities.github;

import org.kohsuke.github.authorization.AuthorizationProvider;

/**
 * Where the {@code Authorization} header of a call comes from. Both clients (github-api and
 * {@link RunnersClient}) use the same provider, so a call is authorised the same way whichever
 * client makes it. A personal access token now; GitHub App installations later, which is why the
 * installation id is passed.
 */
public interface GitHubCredentials {

  /**
   * The authorization for calls on behalf of an App installation, or for the token when
   * {@code installationId} is {@code null}.
   */
  AuthorizationProvider authorizationFor(Long installationId);

  /** A personal access token, sent as {@code token <PAT>}, for every installation. */
  static GitHubCredentials personalAccessToken(String token) {
    if (token == null || token.isBlank()) {
      throw new IllegalArgumentException("the GitHub token is empty");
    }
    String header = "token " + token.trim();
    // A plain provider, not github-api's user provider: that one calls GET /user to learn the login.
    AuthorizationProvider provider = () -> header;
    return installationId -> provider;
  }
}
