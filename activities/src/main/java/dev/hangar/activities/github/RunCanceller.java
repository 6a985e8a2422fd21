package dev.hangar.activities.github;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Cancels a workflow run the only way GitHub allows, whole: {@code POST …/runs/{id}/cancel}, then a
 * look at the run ({@code GET …/runs/{id}}) every {@code pollInterval} until it is {@code
 * completed}; a run still going after {@code forceCancelAfter} (a step that ignores the cancel) is
 * force-cancelled ({@code POST …/runs/{id}/force-cancel}), once. A run that completed before the
 * cancel (409) costs one call.
 */
final class RunCanceller {

  /** What became of a cancel. */
  enum Outcome {
    /** The run had completed already. */
    ALREADY_COMPLETED,
    /** The run stopped after the cancel. */
    STOPPED,
    /** The run had not stopped in time and was force-cancelled. */
    FORCE_CANCELLED
  }

  /** Waits between two looks at the run; a fake one in tests moves a fake clock. */
  @FunctionalInterface
  interface Pause {
    void sleep(Duration duration) throws InterruptedException;
  }

  private final GitHubTransport transport;
  private final RunnersClient.Authorizer authorizer;
  private final ObjectMapper mapper = new ObjectMapper();
  private final Clock clock;
  private final Pause pause;
  private final Duration forceCancelAfter;
  private final Duration pollInterval;

  RunCanceller(GitHubTransport transport, RunnersClient.Authorizer authorizer, Clock clock, Pause pause,
      Duration forceCancelAfter, Duration pollInterval) {
    this.transport = transport;
    this.authorizer = authorizer;
    this.clock = clock;
    this.pause = pause;
    this.forceCancelAfter = forceCancelAfter;
    this.pollInterval = pollInterval;
  }

  /**
   * Cancels run {@code runId} of {@code context}'s repository; {@code heartbeat} runs before each
   * wait. Error answers throw {@link GitHubApiException}.
   */
  Outcome cancel(RepoContext context, long runId, Runnable heartbeat) throws IOException {
    String run = "/repos/" + RunnerScope.name(context.owner()) + "/" + RunnerScope.name(context.repo())
        + "/actions/runs/" + runId;
    if (post(context, run + "/cancel", "cancel run " + runId)) {
      return Outcome.ALREADY_COMPLETED;
    }
    Instant forceAt = clock.instant().plus(forceCancelAfter);
    while (true) {
      GitHubTransport.Response response = transport.send("GET", run, authorizer.authorization(context), null);
      if (response.status() != 200) {
        throw RunnersClient.failure(response, "look at run " + runId);
      }
      if ("completed".equals(mapper.readTree(response.body()).path("status").asText())) {
        return Outcome.STOPPED;
      }
      Duration left = Duration.between(clock.instant(), forceAt);
      if (left.isZero() || left.isNegative()) {
        return post(context, run + "/force-cancel", "force-cancel run " + runId)
            ? Outcome.STOPPED : Outcome.FORCE_CANCELLED;
      }
      heartbeat.run();
      try {
        pause.sleep(left.compareTo(pollInterval) < 0 ? left : pollInterval);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while waiting for run " + runId + " to stop", e);
      }
    }
  }

  /** A cancel or force-cancel: {@code true} if GitHub says the run had completed (409). */
  private boolean post(RepoContext context, String path, String operation) throws IOException {
    GitHubTransport.Response response = transport.send("POST", path, authorizer.authorization(context), null);
    return switch (response.status()) {
      case 202 -> false;
      case 409 -> true;
      default -> throw RunnersClient.failure(response, operation);
    };
  }
}
