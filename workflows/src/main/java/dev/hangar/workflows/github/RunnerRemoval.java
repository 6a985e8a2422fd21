package dev.hangar.workflows.github;

/** What became of a request to remove a runner. */
public enum RunnerRemoval {
  /** The runner was removed. */
  REMOVED,
  /** GitHub no longer knows the runner (an ephemeral runner removes itself after its job). */
  ALREADY_GONE,
  /** GitHub refused: the runner is running a job (HTTP 422). */
  BUSY
}
