package dev.hangar.activities.github;

import java.util.List;
import java.util.Map;

/**
 * GitHub answered a {@link RunnersClient} call with an error status. Carries what the activity
 * needs to decide on a retry: the status, GitHub's message and the response headers (rate limit,
 * {@code retry-after}). Never carries a request body, so never a secret.
 */
public final class GitHubApiException extends RuntimeException {

  private final int status;
  private final String gitHubMessage;
  private final transient Map<String, List<String>> headers;

  GitHubApiException(String operation, int status, String gitHubMessage, Map<String, List<String>> headers) {
    super(operation + ": GitHub answered " + status + (gitHubMessage == null ? "" : " " + gitHubMessage));
    this.status = status;
    this.gitHubMessage = gitHubMessage;
    this.headers = Map.copyOf(headers);
  }

  /** The HTTP status. */
  public int status() {
    return status;
  }

  /** GitHub's {@code message}, or {@code null}. */
  public String gitHubMessage() {
    return gitHubMessage;
  }

  /** The response headers. */
  public Map<String, List<String>> headers() {
    return headers;
  }
}
