package dev.hangar.gateway;

import java.net.URI;
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
    github = github == null ? new GitHub(null, null, null) : github;
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
   * {@code hangar.github.*}.
   *
   * @param apiUrl the REST API's base URL. Default {@code https://api.github.com}; for GitHub
   *     Enterprise Server {@code https://HOST/api/v3}.
   * @param token a personal access token allowed to manage the repositories' self-hosted runners and
   *     cancel their runs. Env: {@code HANGAR_GITHUB_TOKEN}.
   * @param runnerGroupId the runner group JIT runners join. Default 1 (the default group).
   */
  public record GitHub(URI apiUrl, String token, Long runnerGroupId) {
    public GitHub {
      apiUrl = apiUrl == null ? URI.create("https://api.github.com") : apiUrl;
      runnerGroupId = runnerGroupId == null ? 1L : runnerGroupId;
    }

    @Override
    public String toString() {
      return "GitHub[apiUrl=" + apiUrl + ", token=" + (token == null || token.isEmpty() ? "(unset)" : "(set)")
          + ", runnerGroupId=" + runnerGroupId + "]";
    }
  }
}
