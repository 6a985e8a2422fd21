package dev.hangar.activities.github;

import java.nio.file.Path;
import org.kohsuke.github.authorization.AuthorizationProvider;

/**
 * Where the {@code Authorization} header of a call comes from. Both clients (github-api and
 * {@link RunnersClient}) use the same provider for the same account, so a call is authorised the
 * same way whichever client makes it, and an App installation token is minted once for both.
 */
public interface GitHubCredentials {

  /**
   * Which account a call is made as. Calls with equal keys share one {@link AuthorizationProvider}
   * (and so one cached installation token).
   *
   * @throws IllegalStateException if the credentials cannot tell whom to act as
   */
  String accountKey(RepoContext context);

  /** A new provider for the account of {@code context}; called once per {@link #accountKey}. */
  AuthorizationProvider newAuthorization(RepoContext context);

  /**
   * Whether the authorization is a token these credentials buy (and can buy again if GitHub
   * refuses it before it should expire), rather than a fixed one.
   */
  default boolean buysTokens() {
    return false;
  }

  /** A personal access token, sent as {@code token <PAT>}, for every repository. */
  static GitHubCredentials personalAccessToken(String token) {
    if (token == null || token.isBlank()) {
      throw new IllegalArgumentException("the GitHub token is empty");
    }
    String header = "token " + token.trim();
    // A plain provider, not github-api's user provider: that one calls GET /user to learn the login.
    AuthorizationProvider provider = () -> header;
    return new GitHubCredentials() {
      @Override
      public String accountKey(RepoContext context) {
        return "token";
      }

      @Override
      public AuthorizationProvider newAuthorization(RepoContext context) {
        return provider;
      }

      @Override
      public String toString() {
        return "personal access token (***)";
      }
    };
  }

  /**
   * A GitHub App: {@code appId} and its private key (PEM, PKCS#1 or PKCS#8) sign JWTs, which buy
   * installation tokens. The installation is the one a job's webhook names, else
   * {@code installationId}, else looked up by the repository's owner.
   *
   * @throws IllegalArgumentException if the key file cannot be read or holds no RSA private key
   *     (the message names the file, never its content)
   */
  static GitHubCredentials app(long appId, Path privateKeyFile, Long installationId) {
    return new AppCredentials(appId, PrivateKeys.read(privateKeyFile), installationId);
  }
}
