package dev.hangar.workflows.job;

import java.time.Instant;

/**
 * What GitHub has said about the workflow's own job. Events may arrive twice or out of order; the
 * state only moves forward (queued → in_progress → completed).
 */
final class OwnJob {

  private boolean started;
  private boolean completed;
  private String runnerName;
  private String conclusion;
  private Instant startedAt;
  private Instant completedAt;

  void apply(JobEvent event) {
    switch (event.action()) {
      case IN_PROGRESS:
        if (!started && !completed) {
          started = true;
          runnerName = event.runnerName();
          startedAt = event.at();
        }
        break;
      case COMPLETED:
        if (!completed) {
          completed = true;
          conclusion = event.conclusion();
          completedAt = event.at();
          if (runnerName == null) {
            runnerName = event.runnerName();
          }
        }
        break;
      default:
        // queued and waiting change nothing: the workflow already waits for a runner.
        break;
    }
  }

  boolean started() {
    return started;
  }

  boolean completed() {
    return completed;
  }

  boolean startedOrCompleted() {
    return started || completed;
  }

  String runnerName() {
    return runnerName;
  }

  String conclusion() {
    return conclusion;
  }

  Instant startedAt() {
    return startedAt;
  }

  Instant completedAt() {
    return completedAt;
  }
}
