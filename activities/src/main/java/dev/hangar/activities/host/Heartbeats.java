package dev.hangar.activities.host;

import io.temporal.activity.Activity;
import io.temporal.activity.ActivityExecutionContext;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Heartbeats the current activity from a background thread while a driver call that reports no
 * progress of its own runs (a clone and boot, starting a runner, a deletion). The workflow gives
 * these activities a heartbeat timeout of the host timeout, so a task the host never received, or
 * a host that died while working, is retried after that timeout instead of after the activity's
 * whole start-to-close timeout. A pull is not wrapped: it heartbeats on progress, so a pull that
 * stalls goes silent.
 */
final class Heartbeats {

  private static final Logger log = LoggerFactory.getLogger(Heartbeats.class);

  /** How often; Temporal sends at most one heartbeat per 80% of the heartbeat timeout anyway. */
  static final Duration INTERVAL = Duration.ofSeconds(5);

  private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "activity-heartbeats");
    t.setDaemon(true);
    return t;
  });

  /** A blocking driver call. */
  @FunctionalInterface
  interface Call<T> {
    T run() throws IOException;
  }

  private Heartbeats() {}

  /** Runs the call on this (the activity's) thread, heartbeating {@code detail} at once and every {@link #INTERVAL}. */
  static <T> T during(String detail, Call<T> call) throws IOException {
    ActivityExecutionContext context = Activity.getExecutionContext();
    context.heartbeat(detail);
    ScheduledFuture<?> beats = TIMER.scheduleAtFixedRate(
        () -> beat(context, detail), INTERVAL.toMillis(), INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
    try {
      return call.run();
    } finally {
      beats.cancel(false);
    }
  }

  private static void beat(ActivityExecutionContext context, String detail) {
    try {
      context.heartbeat(detail);
    } catch (RuntimeException e) {
      // cancelled or timed out: the activity's own thread learns it when it returns
      log.debug("heartbeat '{}' not accepted: {}", detail, e.toString());
    }
  }
}
