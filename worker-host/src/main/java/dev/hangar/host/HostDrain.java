package dev.hangar.host;

import dev.hangar.activities.host.CapacityLedger;
import dev.hangar.activities.host.PlacementPolling;
import dev.hangar.activities.host.VmDriver;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Drains this host: it stops taking new work at once (the ledger refuses every new reservation, so
 * every placement worker is suspended and a claim that slips in fails with {@code NoCapacity}),
 * while the host queue keeps serving {@code checkVm} / {@code deleteVm} for the VMs already there.
 * The host is {@code DRAINED} once no VM and no reservation is left; no VM is ever deleted by a
 * drain.
 *
 * <p>Started by {@code POST /drain} ({@link DrainController}), or by SIGTERM: as a {@link
 * SmartLifecycle} of the highest phase, {@link #stop()} runs first when the context closes, before
 * the web server stops and before the Temporal worker factory is shut down, and waits until the
 * host is drained or {@code hangar.host.drain-timeout} has passed.
 */
@Component
class HostDrain implements SmartLifecycle {

  private static final Logger log = LoggerFactory.getLogger(HostDrain.class);
  private static final long WATCH_MILLIS = 1000;

  /** Where the host is. */
  enum State {
    /** Taking new work while it has room. */
    ACCEPTING,
    /** Taking no new work; VMs are still there. */
    DRAINING,
    /** Taking no new work; no VM and no reservation left. */
    DRAINED
  }

  /** What to do when drained: nothing, or exit the process. */
  interface Exit {
    void exit();
  }

  private final CapacityLedger ledger;
  private final PlacementPolling polling;
  private final VmDriver driver;
  private final Duration timeout;
  private final Exit exit;
  private final Clock clock;
  private final ScheduledExecutorService watcher = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "host-drain");
    t.setDaemon(true);
    return t;
  });

  private volatile boolean running;
  private volatile Instant drainingSince;
  private volatile boolean exitWhenDrained;
  private volatile boolean exitRequested;
  private volatile boolean watching;

  @Autowired
  HostDrain(
      CapacityLedger ledger,
      PlacementPolling polling,
      VmDriver driver,
      HangarProperties properties,
      Exit exit,
      Clock clock) {
    this(ledger, polling, driver, properties.host().drainTimeout(), exit, clock);
  }

  HostDrain(CapacityLedger ledger, PlacementPolling polling, VmDriver driver, Duration timeout, Exit exit, Clock clock) {
    this.ledger = ledger;
    this.polling = polling;
    this.driver = driver;
    this.timeout = timeout;
    this.exit = exit;
    this.clock = clock;
  }

  /**
   * Starts draining (again: nothing changes but {@code exitWhenDrained}, which can only be turned
   * on).
   *
   * @param exitWhenDrained whether the process exits once the host is drained
   */
  synchronized void drain(boolean exitWhenDrained) {
    if (exitWhenDrained) {
      this.exitWhenDrained = true;
    }
    if (drainingSince == null) {
      drainingSince = clock.instant();
      ledger.startDraining();
      log.info("draining host: no new work is taken; {} VM(s) and {} reservation(s) left{}",
          vmCount(), ledger.reservedCount(), this.exitWhenDrained ? "; exits when drained" : "");
    }
    polling.capacityChanged(); // suspends every placement worker now
    if (!watching) {
      watching = true;
      watcher.scheduleWithFixedDelay(this::watch, 0, WATCH_MILLIS, TimeUnit.MILLISECONDS);
    }
  }

  /** The current state. */
  State state() {
    if (drainingSince == null) {
      return State.ACCEPTING;
    }
    return drained() ? State.DRAINED : State.DRAINING;
  }

  /** The state and what is left, for {@code GET /drain} and the health details. */
  Map<String, Object> status() {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("state", state().name());
    s.put("draining", drainingSince != null);
    if (drainingSince != null) {
      s.put("drainingSince", drainingSince.toString());
      s.put("exitWhenDrained", exitWhenDrained);
    }
    s.put("vms", vmNames());
    s.put("reservedSlots", ledger.reservedCount());
    return s;
  }

  /** 1 while draining or drained, for the {@code hangar_host_draining} gauge. */
  double drainingGauge() {
    return drainingSince == null ? 0 : 1;
  }

  private void watch() {
    try {
      polling.capacityChanged(); // keeps every placement queue suspended; expires stale reservations
      if (exitWhenDrained && !exitRequested && drained()) {
        exitRequested = true;
        log.info("host drained: no VM left; exiting");
        Thread t = new Thread(exit::exit, "host-drain-exit");
        t.start();
      }
    } catch (RuntimeException e) {
      log.warn("drain check failed; trying again", e);
    }
  }

  /** No VM on the host and no reservation held. A VM that cannot be listed counts as present. */
  private boolean drained() {
    return ledger.reservedCount() == 0 && vmCount() == 0;
  }

  private int vmCount() {
    List<String> vms = vmNames();
    return vms == null ? Integer.MAX_VALUE : vms.size();
  }

  private List<String> vmNames() {
    try {
      return driver.list();
    } catch (IOException e) {
      log.debug("cannot list VMs", e);
      return null;
    }
  }

  @Override
  public void start() {
    running = true;
  }

  /**
   * Runs when the context closes (SIGTERM), before the web server and the Temporal workers stop:
   * drains and waits, up to {@code hangar.host.drain-timeout}, until no VM is left.
   */
  @Override
  public void stop() {
    try {
      if (!running) {
        return;
      }
      drain(false);
      Instant deadline = clock.instant().plus(timeout);
      log.info("shutting down: waiting up to {} for the host's VMs to be deleted by their workflows", timeout);
      while (!drained()) {
        if (!clock.instant().isBefore(deadline)) {
          log.warn("drain timeout {} passed with VMs {} and {} reservation(s) left; shutting down anyway"
              + " (the orphan sweep or their workflows clean them up later)", timeout, vmNames(), ledger.reservedCount());
          break;
        }
        try {
          Thread.sleep(WATCH_MILLIS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          log.warn("interrupted while draining; shutting down");
          break;
        }
        polling.capacityChanged();
      }
      log.info("host drained; stopping the Temporal workers");
    } finally {
      running = false;
      watcher.shutdownNow();
    }
  }

  @Override
  public boolean isRunning() {
    return running;
  }

  /** Stopped first: before the web server (so /drain answers) and before the Temporal workers. */
  @Override
  public int getPhase() {
    return Integer.MAX_VALUE;
  }
}
