package dev.hangar.host;

import dev.hangar.activities.host.PollingSwitch;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactory;

/**
 * Suspends and resumes a Temporal worker's polling. A worker ignores suspension before its factory
 * starts (its poller does not exist yet), so until then this refuses, and {@link
 * dev.hangar.activities.host.PlacementPolling} tries again on its next evaluation.
 */
final class WorkerPollingSwitch implements PollingSwitch {

  private final WorkerFactory factory;
  private final Worker worker;

  WorkerPollingSwitch(WorkerFactory factory, Worker worker) {
    this.factory = factory;
    this.worker = worker;
  }

  @Override
  public boolean poll(boolean on) {
    if (!factory.isStarted() || factory.isShutdown()) {
      return false;
    }
    if (on) {
      worker.resumePolling();
    } else {
      worker.suspendPolling();
    }
    return true;
  }
}
