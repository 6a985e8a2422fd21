package dev.hangar.host;

import dev.hangar.activities.host.CapacityLedger;
import dev.hangar.activities.host.CapacityListener;
import dev.hangar.workflows.template.Resources;
import io.temporal.worker.tuning.ActivitySlotInfo;
import io.temporal.worker.tuning.SlotMarkUsedContext;
import io.temporal.worker.tuning.SlotPermit;
import io.temporal.worker.tuning.SlotReleaseContext;
import io.temporal.worker.tuning.SlotReserveContext;
import io.temporal.worker.tuning.SlotSupplier;
import io.temporal.worker.tuning.SlotSupplierFuture;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The activity slots of one placement worker. A Temporal worker polls only with a slot in hand,
 * and keeps it while the task it brings runs; here a slot is handed out only while the ledger has
 * room for one more VM of the queue's size class than there are slots out. So a host with room
 * for several VMs polls for and runs several claims at once, fewer as its room shrinks, none when
 * it is full; within one size class the polls in flight never bring more tasks than the host has
 * room for. Room another size class takes meanwhile can still make a claim find no room: the
 * claim then hands its task back at once ({@code PlacementActivitiesImpl}).
 *
 * <p>A claim counts twice while it finishes (its slot and its reservation), which only delays the
 * next poll until the slot is released. Waiting reservations are looked at again when a slot is
 * released and when the host's room changes ({@link #capacityChanged}). Thread-safe.
 */
final class ClaimSlots implements SlotSupplier<ActivitySlotInfo>, CapacityListener {

  private final CapacityLedger ledger;
  private final Resources needs;
  private final int maximum;
  private final Deque<CompletableFuture<SlotPermit>> waiting = new ArrayDeque<>();
  private int issued;

  /**
   * @param ledger the host's reservations: the truth about its room
   * @param needs what one VM of the size class needs
   */
  ClaimSlots(CapacityLedger ledger, Resources needs) {
    this.ledger = ledger;
    this.needs = needs;
    this.maximum = Math.max(1, ledger.roomEver(needs));
  }

  @Override
  public SlotSupplierFuture reserveSlot(SlotReserveContext<ActivitySlotInfo> context) {
    CompletableFuture<SlotPermit> granted = new CompletableFuture<>();
    synchronized (this) {
      if (waiting.isEmpty() && issuable()) {
        issued++;
        return SlotSupplierFuture.completedFuture(new SlotPermit());
      }
      waiting.add(granted);
    }
    return SlotSupplierFuture.fromCompletableFuture(granted, () -> abandon(granted));
  }

  @Override
  public synchronized Optional<SlotPermit> tryReserveSlot(SlotReserveContext<ActivitySlotInfo> context) {
    if (waiting.isEmpty() && issuable()) {
      issued++;
      return Optional.of(new SlotPermit());
    }
    return Optional.empty();
  }

  @Override
  public void markSlotUsed(SlotMarkUsedContext<ActivitySlotInfo> context) {
    // a slot is counted from its reservation to its release, used or not
  }

  @Override
  public void releaseSlot(SlotReleaseContext<ActivitySlotInfo> context) {
    synchronized (this) {
      issued--;
    }
    capacityChanged();
  }

  @Override
  public Optional<Integer> getMaximumSlots() {
    return Optional.of(maximum);
  }

  /** Hands slots to waiting pollers while there is room for them. */
  @Override
  public void capacityChanged() {
    List<CompletableFuture<SlotPermit>> granted = new ArrayList<>();
    synchronized (this) {
      while (!waiting.isEmpty() && issuable()) {
        granted.add(waiting.poll());
        issued++;
      }
    }
    granted.forEach(f -> f.complete(new SlotPermit()));
  }

  /** Slots out now: polls in flight and claims running. */
  synchronized int issued() {
    return issued;
  }

  /** The most slots this worker can ever have: VMs of the class an empty host fits. */
  int maximum() {
    return maximum;
  }

  /** A poller gave up waiting (the worker shuts down); a slot granted meanwhile is returned. */
  private void abandon(CompletableFuture<SlotPermit> reservation) {
    synchronized (this) {
      if (waiting.remove(reservation)) {
        return;
      }
      issued--;
    }
    capacityChanged();
  }

  private boolean issuable() {
    return issued < Math.min(maximum, ledger.roomFor(needs));
  }
}
