package dev.hangar.host;

import dev.hangar.activities.host.PlacementPolling;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.stereotype.Component;

/**
 * Re-evaluates the placement queues every {@code hangar.host.capacity-check-interval} once the
 * application is ready: this releases expired reservations and applies the polling state the
 * workers could not take before the factory started.
 */
@Component
class PlacementRecheck implements ApplicationListener<ApplicationReadyEvent>, DisposableBean {

  private static final Logger log = LoggerFactory.getLogger(PlacementRecheck.class);

  private final PlacementPolling polling;
  private final long intervalMillis;
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "placement-recheck");
    t.setDaemon(true);
    return t;
  });

  PlacementRecheck(PlacementPolling polling, HangarProperties properties) {
    this.polling = polling;
    this.intervalMillis = properties.host().capacityCheckInterval().toMillis();
  }

  @Override
  public void onApplicationEvent(ApplicationReadyEvent event) {
    timer.scheduleWithFixedDelay(this::recheck, 0, intervalMillis, TimeUnit.MILLISECONDS);
  }

  private void recheck() {
    try {
      polling.capacityChanged();
    } catch (RuntimeException e) {
      log.warn("placement re-evaluation failed; trying again in {} ms", intervalMillis, e);
    }
  }

  @Override
  public void destroy() {
    timer.shutdownNow();
  }
}
