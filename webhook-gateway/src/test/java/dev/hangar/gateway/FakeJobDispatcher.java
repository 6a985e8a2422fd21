package dev.hangar.gateway;

import dev.hangar.workflows.Names;
import dev.hangar.workflows.job.JobEvent;
import dev.hangar.workflows.job.JobRequest;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A dispatcher that records what it was given and can be made slow, down or "already finished". */
final class FakeJobDispatcher implements JobDispatcher {

  /** One call. */
  record Call(String method, JobRequest job, JobEvent event) {}

  final List<Call> calls = new CopyOnWriteArrayList<>();
  volatile Duration delay = Duration.ZERO;
  volatile boolean down;
  volatile boolean finished;

  void reset() {
    calls.clear();
    delay = Duration.ZERO;
    down = false;
    finished = false;
  }

  @Override
  public DispatchResult dispatch(JobRequest job, JobEvent event) throws DispatchUnavailableException {
    calls.add(new Call("dispatch", job, event));
    behave();
    String owner = Names.ownerJobOfRunner(event.runnerName())
        .filter(o -> o != job.jobId())
        .map(Names::workflowId)
        .orElse(null);
    return new DispatchResult(finished, Names.workflowId(job.jobId()), finished ? null : "run-1", owner);
  }

  @Override
  public String notifyRunnerOwner(JobEvent event) throws DispatchUnavailableException {
    calls.add(new Call("notifyRunnerOwner", null, event));
    behave();
    return Names.ownerJobOfRunner(event.runnerName()).map(Names::workflowId).orElse(null);
  }

  @Override
  public String notifyJobIfRunning(JobEvent event) throws DispatchUnavailableException {
    calls.add(new Call("notifyJobIfRunning", null, event));
    behave();
    return finished ? null : Names.workflowId(event.jobId());
  }

  private void behave() throws DispatchUnavailableException {
    if (down) {
      throw new DispatchUnavailableException("connection refused", null);
    }
    if (!delay.isZero()) {
      try {
        Thread.sleep(delay.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
