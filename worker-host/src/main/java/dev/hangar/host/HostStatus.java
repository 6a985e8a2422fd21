package dev.hangar.host;

import java.time.Instant;
import java.util.Locale;

/**
 * A host's or a template's status, as {@code hangar_host_status} and {@code hangar_template_status}
 * show it (docs/metrics.md), and since when it holds. Thread-safe.
 */
final class HostStatus {

  /** The statuses, with the Prometheus label value of each. */
  enum Status {
    /** The host's Temporal workers are not polling: starting up or shut down. */
    STOPPED,
    /** The host takes no new work and waits for its VMs to go. */
    DRAINING,
    /** No room for one more VM (of the template's size class, for a template). */
    LIMIT_PAUSED,
    /** At least one runner is up in a VM (waiting for or running its job). */
    IN_PROGRESS,
    /** VMs are claimed, pulled, cloned or started; no runner is up yet. */
    RUNNING,
    /** Nothing to do and room for more. */
    IDLE;

    String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private Status status;
  private Instant since;

  HostStatus(Status status, Instant since) {
    this.status = status;
    this.since = since;
  }

  /** Moves to the status; the since-time changes only if the status does. @return whether it did */
  synchronized boolean set(Status next, Instant now) {
    if (next == status) {
      return false;
    }
    status = next;
    since = now;
    return true;
  }

  synchronized Status status() {
    return status;
  }

  /** 1 if the status is {@code s}, else 0. */
  synchronized double is(Status s) {
    return status == s ? 1 : 0;
  }

  /** When the current status began, in Unix seconds. */
  synchronized double sinceEpochSeconds() {
    return since.toEpochMilli() / 1000.0;
  }
}
