package dev.hangar.gateway;

import dev.hangar.activities.github.RunnerRegistrationMode;
import dev.hangar.activities.github.RunnerScope;
import java.net.URI;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.NestedConfigurationProperty;

/**
 * What the orchestrator side of the gateway needs: whether it runs workers, the secrets key and
 * the GitHub credentials ({@code hangar.orchestrator.*}, {@code hangar.secrets.*}, {@code
 * hangar.github.*}).
 *
 * @param orchestrator whether this process runs the orchestrator worker
 * @param secrets how JIT runner configurations are sealed
 * @param github how the GitHub API is reached
 */
@ConfigurationProperties("hangar")
public record OrchestratorProperties(
    @NestedConfigurationProperty Orchestrator orchestrator,
    @NestedConfigurationProperty Secrets secrets,
    @NestedConfigurationProperty GitHub github) {

  public OrchestratorProperties {
    orchestrator = orchestrator == null ? new Orchestrator(null) : orchestrator;
    secrets = secrets == null ? new Secrets(null) : secrets;
    github = github == null ? GitHub.defaults() : github;
  }

  /**
   * {@code hangar.orchestrator.*}.
   *
   * @param workersEnabled run the job workflows, routing and GitHub activities on the {@code
   *     hangar-orchestrator} task queue in this process. Default true; false makes a gateway that
   *     only receives webhooks.
   */
  public record Orchestrator(Boolean workersEnabled) {
    public Orchestrator {
      workersEnabled = workersEnabled == null || workersEnabled;
    }
  }

  /**
   * {@code hangar.secrets.*}.
   *
   * @param key base64 of 32 random bytes, the AES-256-GCM key that seals JIT runner configurations;
   *     the same value on the orchestrator and every host. Required when workers are enabled. Env:
   *     {@code HANGAR_SECRETS_KEY}.
   */
  public record Secrets(String key) {
    @Override
    public String toString() {
      return "Secrets[key=" + (key == null || key.isEmpty() ? "(unset)" : "(set)") + "]";
    }
  }

  /**
   * {@code hangar.github.*}: how the orchestrator reaches GitHub. Authenticate with a personal
   * access token ({@code token}) or as a GitHub App ({@code app-id} and {@code private-key-file}),
   * never both.
   *
   * @param apiUrl the REST API's base URL. Default {@code https://api.github.com}; for GitHub
   *     Enterprise Server {@code https://HOST/api/v3}. Env: {@code HANGAR_GITHUB_API_URL}.
   * @param token a personal access token allowed to manage the repositories' (or the
   *     organisation's, or the enterprise's) self-hosted runners and cancel their runs. No default.
   *     Env: {@code HANGAR_GITHUB_TOKEN}.
   * @param appId the GitHub App's id (not its client id). No default. Env: {@code
   *     HANGAR_GITHUB_APP_ID}.
   * @param privateKeyFile the path of the App's private key, the PEM file GitHub hands out (PKCS#1)
   *     or its PKCS#8 form. Read once at start-up. No default. Env: {@code
   *     HANGAR_GITHUB_PRIVATE_KEY_FILE}.
   * @param installationId the App installation to act as when a job's webhook names none (a
   *     repository or organisation webhook rather than the App's). No default: the installation is
   *     then looked up once per repository owner. Env: {@code HANGAR_GITHUB_INSTALLATION_ID}.
   * @param runnerScope where runners are registered: {@code repository} (default), {@code
   *     organization} or {@code enterprise}. Env: {@code HANGAR_GITHUB_RUNNER_SCOPE}.
   * @param enterprise the enterprise's slug; required with {@code runner-scope: enterprise}. No
   *     default. Env: {@code HANGAR_GITHUB_ENTERPRISE}.
   * @param runnerGroup the runner group JIT runners join, by name (organisation or enterprise scope
   *     only), looked up once per organisation. No default. Env: {@code HANGAR_GITHUB_RUNNER_GROUP}.
   * @param runnerGroupId the runner group JIT runners join, by id. Default 1 (the Default group)
   *     unless {@code runner-group} is set. Env: {@code HANGAR_GITHUB_RUNNER_GROUP_ID}.
   * @param runnerRegistration how runners are registered: {@code jit} (default; a configuration
   *     good for one runner) or {@code registration-token} (a token {@code config.sh} registers
   *     with, good for any number of runners for an hour; the runner group only by name). Env:
   *     {@code HANGAR_GITHUB_RUNNER_REGISTRATION}.
   * @param forceCancelAfter how long a run Hangar cancelled may go on before it is force-cancelled,
   *     between 0 and 5 minutes. Default 60s. Env: {@code HANGAR_GITHUB_FORCE_CANCEL_AFTER}.
   */
  public record GitHub(
      URI apiUrl,
      String token,
      Long appId,
      String privateKeyFile,
      Long installationId,
      RunnerScope.Level runnerScope,
      String enterprise,
      String runnerGroup,
      Long runnerGroupId,
      RunnerRegistrationMode runnerRegistration,
      Duration forceCancelAfter) {
    public GitHub {
      apiUrl = apiUrl == null ? URI.create("https://api.github.com") : apiUrl;
      runnerScope = runnerScope == null ? RunnerScope.Level.REPOSITORY : runnerScope;
      runnerGroupId = runnerGroupId == null && (runnerGroup == null || runnerGroup.isBlank()) ? 1L : runnerGroupId;
      runnerRegistration = runnerRegistration == null ? RunnerRegistrationMode.JIT : runnerRegistration;
      forceCancelAfter = forceCancelAfter == null ? Duration.ofSeconds(60) : forceCancelAfter;
    }

    static GitHub defaults() {
      return new GitHub(null, null, null, null, null, null, null, null, null, null, null);
    }

    /** Whether a personal access token is configured. */
    boolean hasToken() {
      return token != null && !token.isBlank();
    }

    /** Whether a GitHub App is (at least partly) configured. */
    boolean hasApp() {
      return appId != null || (privateKeyFile != null && !privateKeyFile.isBlank());
    }

    @Override
    public String toString() {
      return "GitHub[apiUrl=" + apiUrl + ", token=" + (hasToken() ? "(set)" : "(unset)")
          + ", appId=" + appId + ", privateKeyFile=" + privateKeyFile + ", installationId=" + installationId
          + ", runnerScope=" + runnerScope + ", enterprise=" + enterprise + ", runnerGroup=" + runnerGroup
          + ", runnerGroupId=" + runnerGroupId + ", runnerRegistration=" + runnerRegistration
          + ", forceCancelAfter=" + forceCancelAfter + "]";
    }
  }
}
