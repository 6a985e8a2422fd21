package dev.hangar.gateway;

import dev.hangar.workflows.job.JobEvent;
import dev.hangar.workflows.job.JobRequest;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Bounds a whole hand-over by {@code hangar.gateway.temporal-timeout}, whatever the dispatcher
 * underneath does, so GitHub (which gives up after 10 s) always gets an answer: the event was
 * handed over, or 503.
 */
final class TimeLimitedDispatcher implements JobDispatcher {

  /** A dispatcher call that may throw {@link DispatchUnavailableException}. */
  private interface Call<T> {
    T run() throws DispatchUnavailableException;
  }

  private final JobDispatcher delegate;
  private final Duration timeout;
  private final ExecutorService executor;

  /**
   * @param executor runs the hand-overs; it should be bounded, so that a stalled Temporal cannot
   *     make the gateway pile up threads (a full executor is answered with 503 at once)
   */
  TimeLimitedDispatcher(JobDispatcher delegate, Duration timeout, ExecutorService executor) {
    this.delegate = delegate;
    this.timeout = timeout;
    this.executor = executor;
  }

  @Override
  public DispatchResult dispatch(JobRequest job, JobEvent event) throws DispatchUnavailableException {
    return bounded(() -> delegate.dispatch(job, event));
  }

  @Override
  public String notifyRunnerOwner(JobEvent event) throws DispatchUnavailableException {
    return bounded(() -> delegate.notifyRunnerOwner(event));
  }

  @Override
  public String notifyJobIfRunning(JobEvent event) throws DispatchUnavailableException {
    return bounded(() -> delegate.notifyJobIfRunning(event));
  }

  private <T> T bounded(Call<T> call) throws DispatchUnavailableException {
    Future<T> future;
    try {
      future = executor.submit(call::run);
    } catch (RejectedExecutionException e) {
      throw new DispatchUnavailableException("too many hand-overs to Temporal in flight", e);
    }
    try {
      return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      future.cancel(true);
      throw new DispatchUnavailableException("Temporal did not take the event within " + timeout, e);
    } catch (InterruptedException e) {
      future.cancel(true);
      Thread.currentThread().interrupt();
      throw new DispatchUnavailableException("interrupted while handing the event to Temporal", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof DispatchUnavailableException u) {
        throw u;
      }
      throw new DispatchUnavailableException("handing the event to Temporal failed: " + e.getCause(), e.getCause());
    }
  }
}
