package dev.hangar.activities.github;

import java.security.PrivateKey;
import java.util.Locale;
import org.kohsuke.github.authorization.AppInstallationAuthorizationProvider;
import org.kohsuke.github.authorization.AuthorizationProvider;
import org.kohsuke.github.extras.authorization.JWTTokenProvider;

/**
 * GitHub App credentials, built on github-api's own providers: {@link JWTTokenProvider} signs the
 * App's JWTs (RS256, renewed before their 10 minutes run out), and one
 * {@link AppInstallationAuthorizationProvider} per installation buys its installation token and
 * buys a new one five minutes before it expires. A refresh costs three calls, all made with the JWT:
 * {@code GET /app}, the installation ({@code GET /app/installations/{id}}, or by owner
 * {@code GET /repos/{owner}/{repo}/installation} or {@code GET /orgs/{org}/installation}) and
 * {@code POST /app/installations/{id}/access_tokens}; once an hour per installation.
 *
 * <p>An App is installed at most once per account, so without an installation id the owner's login
 * is the cache key: every repository of one owner shares the token.
 */
final class AppCredentials implements GitHubCredentials {

  private final long appId;
  private final Long installationId;
  private final AuthorizationProvider jwt;

  AppCredentials(long appId, PrivateKey privateKey, Long installationId) {
    if (appId <= 0) {
      throw new IllegalArgumentException("the GitHub App id must be positive, was " + appId);
    }
    this.appId = appId;
    this.installationId = installationId;
    this.jwt = new JWTTokenProvider(String.valueOf(appId), privateKey);
  }

  @Override
  public String accountKey(RepoContext context) {
    Long id = installationOf(context);
    if (id != null) {
      return "installation " + id;
    }
    if (context.owner() == null) {
      throw new IllegalStateException("GitHub App " + appId + ": no installation id came with the call,"
          + " none is configured and there is no repository owner to look it up by");
    }
    return "owner " + context.owner().toLowerCase(Locale.ROOT);
  }

  @Override
  public AuthorizationProvider newAuthorization(RepoContext context) {
    Long id = installationOf(context);
    String owner = context.owner();
    String repo = context.repo();
    AppInstallationAuthorizationProvider.AppInstallationProvider lookup;
    if (id != null) {
      lookup = app -> app.getInstallationById(id);
    } else if (repo != null) {
      lookup = app -> app.getInstallationByRepository(owner, repo);
    } else {
      lookup = app -> app.getInstallationByOrganization(owner);
    }
    return new AppInstallationAuthorizationProvider(lookup, jwt);
  }

  @Override
  public boolean buysTokens() {
    return true;
  }

  private Long installationOf(RepoContext context) {
    return context.installationId() != null ? context.installationId() : installationId;
  }

  @Override
  public String toString() {
    return "GitHub App " + appId + " (installation " + (installationId == null ? "by owner" : installationId)
        + ", private key ***)";
  }
}
