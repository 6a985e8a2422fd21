package dev.hangar.gateway;

import dev.hangar.activities.dispatch.JobSignals;
import dev.hangar.workflows.job.JobEvent;
import dev.hangar.workflows.job.JobRequest;
import io.grpc.Context;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Hands events to Temporal with {@link JobSignals} (the reconciler hands over its repairs the same
 * way). Each call runs in a gRPC context whose deadline is the hand-over timeout, so an abandoned
 * call stops retrying once the gateway has answered.
 */
final class TemporalJobDispatcher implements JobDispatcher {

  private final JobSignals signals;
  private final Duration deadline;
  private final ScheduledExecutorService deadlineTimer;

  TemporalJobDispatcher(JobSignals signals, Duration deadline, ScheduledExecutorService deadlineTimer) {
    this.signals = signals;
    this.deadline = deadline;
    this.deadlineTimer = deadlineTimer;
  }

  @Override
  public DispatchResult dispatch(JobRequest job, JobEvent event) throws DispatchUnavailableException {
    JobSignals.Handover handover = withDeadline(() -> signals.signalWithStart(job, event));
    return new DispatchResult(handover.closed(), handover.workflowId(), handover.runId(), handover.ownerWorkflowId());
  }

  @Override
  public String notifyRunnerOwner(JobEvent event) throws DispatchUnavailableException {
    return withDeadline(() -> signals.signalRunnerOwner(event, event.jobId()));
  }

  @Override
  public String notifyJobIfRunning(JobEvent event) throws DispatchUnavailableException {
    return withDeadline(() -> signals.signalJobIfRunning(event));
  }

  /**
   * Runs the calls of one hand-over in a gRPC context with one deadline for all of them; anything
   * that fails is "Temporal did not take the event".
   */
  private <T> T withDeadline(Callable<T> call) throws DispatchUnavailableException {
    Context.CancellableContext context =
        Context.current().withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS, deadlineTimer);
    try {
      return context.call(call);
    } catch (Exception e) {
      throw new DispatchUnavailableException("Temporal did not take the event: " + e.getMessage(), e);
    } finally {
      context.cancel(null);
    }
  }
}
