package dev.hangar.activities.host;

import dev.hangar.workflows.template.Resources;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The room a host has promised, one reservation per VM name. A reservation is made when a host
 * claims an attempt, marked started when the VM is created, and released when the VM is deleted,
 * or after the TTL if no VM was ever started (the workflow that claimed it went away).
 *
 * <p>Room for one more VM means: fewer than {@code maxRunningVms} reservations (Apple's licence
 * allows two macOS VMs per Mac) and, unless resource checks are skipped, the reserved cores and
 * memory plus the new VM's fit within the host's. Thread-safe.
 */
public final class CapacityLedger {

  private static final Logger log = LoggerFactory.getLogger(CapacityLedger.class);

  private final Limits limits;
  private final Clock clock;
  private final Map<String, Reservation> reservations = new LinkedHashMap<>();
  private volatile boolean draining;

  public CapacityLedger(Limits limits, Clock clock) {
    this.limits = limits;
    this.clock = clock;
  }

  /**
   * What a host may hold.
   *
   * @param maxRunningVms most VMs at once, reserved or running
   * @param cpuCores the host's cores
   * @param memoryMb the host's memory, in MiB
   * @param skipResourceChecks whether to count VMs only, ignoring cores and memory
   * @param reservationTtl how long a reservation may wait for its VM to start
   */
  public record Limits(
      int maxRunningVms, int cpuCores, long memoryMb, boolean skipResourceChecks, Duration reservationTtl) {

    public Limits {
      if (maxRunningVms < 1) {
        throw new IllegalArgumentException("maxRunningVms must be at least 1, was " + maxRunningVms);
      }
      if (reservationTtl == null || reservationTtl.isNegative() || reservationTtl.isZero()) {
        throw new IllegalArgumentException("reservationTtl must be positive, was " + reservationTtl);
      }
    }
  }

  /**
   * Room held for one VM.
   *
   * @param vmName the VM it is for
   * @param resources what the VM needs
   * @param reservedAt when it was made
   * @param startedAt when the VM was started, or {@code null} while it has not been
   */
  public record Reservation(String vmName, Resources resources, Instant reservedAt, Instant startedAt) {

    public boolean started() {
      return startedAt != null;
    }
  }

  /**
   * Stops this host from taking new work for good: from now on there is no room for any new VM
   * ({@link #hasRoom} is false, {@link #reserve} refuses every VM that does not hold a reservation
   * yet). VMs already reserved or started are not touched and are released as usual.
   */
  public void startDraining() {
    if (!draining) {
      draining = true;
      log.info("draining: no new VM will be reserved on this host");
    }
  }

  /** Whether {@link #startDraining} was called. */
  public boolean draining() {
    return draining;
  }

  /** The limits this ledger enforces. */
  public Limits limits() {
    return limits;
  }

  /** Whether a VM of this size could ever run here, on an empty host. */
  public boolean fitsEver(Resources r) {
    return limits.skipResourceChecks()
        || (r.cpuCores() <= limits.cpuCores() && r.memoryMb() <= limits.memoryMb());
  }

  /** Whether one more VM of this size fits now. Releases expired reservations first. */
  public synchronized boolean hasRoom(Resources r) {
    expire();
    return fits(r);
  }

  /**
   * How many more VMs of this size fit now, side by side: 0 when there is no room. Releases
   * expired reservations first.
   */
  public synchronized int roomFor(Resources r) {
    expire();
    return room(r, reservations.values());
  }

  /** How many VMs of this size fit side by side on this host when it holds nothing. */
  public int roomEver(Resources r) {
    return fitting(r, limits.maxRunningVms(), 0, 0);
  }

  /**
   * Reserves room for the VM. Reserving again for a VM that already holds a reservation succeeds
   * and changes nothing.
   *
   * @return whether the VM holds a reservation now
   */
  public synchronized boolean reserve(String vmName, Resources r) {
    expire();
    if (reservations.containsKey(vmName)) {
      return true;
    }
    if (!fits(r)) {
      return false;
    }
    reservations.put(vmName, new Reservation(vmName, r, clock.instant(), null));
    return true;
  }

  /**
   * Marks the VM started, so its reservation no longer expires. A VM with no reservation (this
   * host restarted since it claimed the VM) gets one, even over the limits: the VM exists.
   */
  public synchronized void markStarted(String vmName, Resources r) {
    Reservation existing = reservations.get(vmName);
    Instant now = clock.instant();
    if (existing == null) {
      reservations.put(vmName, new Reservation(vmName, r, now, now));
    } else if (!existing.started()) {
      reservations.put(vmName, new Reservation(vmName, existing.resources(), existing.reservedAt(), now));
    }
  }

  /** Frees the VM's reservation. @return whether it held one */
  public synchronized boolean release(String vmName) {
    return reservations.remove(vmName) != null;
  }

  /**
   * Releases every reservation whose VM was not started within the TTL.
   *
   * @return the names of the VMs whose reservations were released
   */
  public synchronized List<String> expire() {
    Instant cutoff = clock.instant().minus(limits.reservationTtl());
    List<String> expired = new ArrayList<>();
    for (Iterator<Reservation> it = reservations.values().iterator(); it.hasNext(); ) {
      Reservation r = it.next();
      if (!r.started() && !r.reservedAt().isAfter(cutoff)) {
        it.remove();
        expired.add(r.vmName());
      }
    }
    if (!expired.isEmpty()) {
      log.info("released reservations never started within {}: {}", limits.reservationTtl(), expired);
    }
    return expired;
  }

  /** The reservation of a VM, if it holds one. */
  public synchronized Optional<Reservation> find(String vmName) {
    return Optional.ofNullable(reservations.get(vmName));
  }

  /** Every reservation held now, started or not: one consistent view. */
  public synchronized List<Reservation> reservations() {
    return List.copyOf(reservations.values());
  }

  /** How many reservations are held, started or not. */
  public synchronized int reservedCount() {
    return reservations.size();
  }

  /** How many reservations belong to started VMs. */
  public synchronized int startedCount() {
    return (int) reservations.values().stream().filter(Reservation::started).count();
  }

  private boolean fits(Resources r) {
    return room(r, reservations.values()) > 0;
  }

  private int room(Resources r, Collection<Reservation> held) {
    if (draining) {
      return 0;
    }
    long cores = 0;
    long memory = 0;
    for (Reservation h : held) {
      cores += h.resources().cpuCores();
      memory += h.resources().memoryMb();
    }
    return fitting(r, limits.maxRunningVms() - held.size(), cores, memory);
  }

  /** How many VMs of size r fit beside what is held, in at most {@code slots} more VMs. */
  private int fitting(Resources r, int slots, long coresHeld, long memoryHeld) {
    long n = Math.max(0, slots);
    if (!limits.skipResourceChecks()) {
      n = Math.min(n, Math.max(0, (limits.cpuCores() - coresHeld) / r.cpuCores()));
      n = Math.min(n, Math.max(0, (limits.memoryMb() - memoryHeld) / r.memoryMb()));
    }
    return (int) n;
  }
}
