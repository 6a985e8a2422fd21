package dev.hangar.emulator;

import java.security.interfaces.RSAPublicKey;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A GitHub App the emulator knows: its id, the public half of its private key (JWTs must be RS256
 * signed with the private half) and its installations.
 *
 * @param appId the App id, the JWT's {@code iss}
 * @param slug the App's slug
 * @param publicKey verifies the App's JWTs
 * @param installations where the App is installed
 */
public record GitHubApp(long appId, String slug, RSAPublicKey publicKey, List<Installation> installations) {

  /** The permissions an installation token is given (Hangar needs self-hosted runners and runs). */
  public static final Map<String, String> PERMISSIONS =
      Map.of("actions", "write", "administration", "write", "metadata", "read",
          "organization_self_hosted_runners", "write");

  public GitHubApp {
    installations = List.copyOf(installations);
  }

  /**
   * One installation of the App on an account.
   *
   * @param id the installation id
   * @param account the user or organisation login it is installed on
   * @param organization whether {@code account} is an organisation (else a user)
   * @param repositories the repositories ({@code owner/name}) it covers; empty: all of the account's
   */
  public record Installation(long id, String account, boolean organization, Set<String> repositories) {

    public Installation {
      repositories = Set.copyOf(repositories);
    }

    /** Installed on every repository of an organisation. */
    public static Installation allOf(long id, String org) {
      return new Installation(id, org, true, Set.of());
    }

    /** Installed on these repositories ({@code owner/name}) of an organisation only. */
    public static Installation selected(long id, String org, String... fullNames) {
      return new Installation(id, org, true, Set.of(fullNames));
    }

    String repositorySelection() {
      return repositories.isEmpty() ? "all" : "selected";
    }

    boolean covers(String fullName) {
      return repositories.isEmpty() ? fullName.startsWith(account + "/") : repositories.contains(fullName);
    }
  }
}
