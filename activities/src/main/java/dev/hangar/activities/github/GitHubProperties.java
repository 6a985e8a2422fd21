package dev.hangar.activities.github;

import java.time.Duration;

/**
 * How the orchestrator talks to GitHub. A plain record: the gateway binds it from its Spring
 * configuration ({@code hangar.github.*}).
 *
 * @param apiUrl the REST API root: {@code https://api.github.com}, or
 *     {@code https://HOST/api/v3} for GitHub Enterprise Server; {@code null} means github.com
 * @param token a personal access token (fine-grained: "Administration" read/write and "Actions"
 *     read/write on the repositories); never logged
 * @param runnerGroupId the runner group JIT runners join; {@code null} means 1, the default group
 * @param requestTimeout the timeout of one HTTP request; {@code null} means 10 seconds
 * @param userAgent the User-Agent of every request; {@code null} means {@code hangar}
 */
public record GitHubProperties(
    String apiUrl, String token, Long runnerGroupId, Duration requestTimeout, String userAgent) {

  /** The API root of github.com. */
  public static final String GITHUB_COM = "https://api.github.com";

  public GitHubProperties {
    apiUrl = apiUrl == null || apiUrl.isBlank() ? GITHUB_COM : stripSlash(apiUrl.trim());
    runnerGroupId = runnerGroupId == null ? 1L : runnerGroupId;
    requestTimeout = requestTimeout == null ? Duration.ofSeconds(10) : requestTimeout;
    userAgent = userAgent == null || userAgent.isBlank() ? "hangar" : userAgent;
  }

  /** github.com with a token and every other setting at its default. */
  public static GitHubProperties withToken(String token) {
    return new GitHubProperties(null, token, null, null, null);
  }

  /** The same against another API root (GHES, or the emulator). */
  public GitHubProperties withApiUrl(String url) {
    return new GitHubProperties(url, token, runnerGroupId, requestTimeout, userAgent);
  }

  /** The same with another request timeout. */
  public GitHubProperties withRequestTimeout(Duration timeout) {
    return new GitHubProperties(apiUrl, token, runnerGroupId, timeout, userAgent);
  }

  @Override
  public String toString() {
    return "GitHubProperties[apiUrl=" + apiUrl + ", token=" + (token == null ? "unset" : "***")
        + ", runnerGroupId=" + runnerGroupId + ", requestTimeout=" + requestTimeout
        + ", userAgent=" + userAgent + "]";
  }

  private static String stripSlash(String url) {
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }
}
