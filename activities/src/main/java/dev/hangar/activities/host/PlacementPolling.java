package dev.hangar.activities.host;

import dev.hangar.workflows.template.Resources;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps this host polling the placement queue of each size class exactly while it has room for
 * one more VM of that class, so that a claim never lands on a full host (except for a task a poll
 * already in flight may bring when another size class took the room meanwhile, which the claim
 * hands back at once as {@code NoCapacity}).
 *
 * <p>{@link #capacityChanged} re-evaluates every queue; call it after a claim, a deletion, and
 * periodically (which also releases expired reservations). After each evaluation it tells the
 * listener given to it (the claim slots of the placement workers, which hand out as many
 * concurrent claims as VMs fit). Thread-safe.
 */
public final class PlacementPolling implements CapacityListener {

  private static final Logger log = LoggerFactory.getLogger(PlacementPolling.class);

  private final CapacityLedger ledger;
  private final List<Queue> queues;
  private final CapacityListener then;
  private final Map<String, Boolean> applied = new LinkedHashMap<>();

  /**
   * One placement queue this host may poll.
   *
   * @param sizeClass the size class it serves
   * @param resources what one VM of the class needs
   * @param control turns the queue's polling on or off
   */
  public record Queue(String sizeClass, Resources resources, PollingSwitch control) {}

  public PlacementPolling(CapacityLedger ledger, List<Queue> queues) {
    this(ledger, queues, CapacityListener.none());
  }

  /**
   * @param then told after every evaluation, outside this object's lock
   */
  public PlacementPolling(CapacityLedger ledger, List<Queue> queues, CapacityListener then) {
    this.ledger = ledger;
    this.queues = List.copyOf(queues);
    this.then = then;
  }

  @Override
  public void capacityChanged() {
    evaluate();
    then.capacityChanged();
  }

  private synchronized void evaluate() {
    ledger.expire();
    for (Queue q : queues) {
      boolean want = ledger.hasRoom(q.resources());
      Boolean current = applied.get(q.sizeClass());
      if (current != null && current == want) {
        continue;
      }
      try {
        if (q.control().poll(want)) {
          applied.put(q.sizeClass(), want);
          log.info("{} placement queue of size class {}", want ? "polling" : "suspended", q.sizeClass());
        }
      } catch (RuntimeException e) {
        log.warn("could not {} the placement queue of {}", want ? "resume" : "suspend", q.sizeClass(), e);
      }
    }
  }

  /** Whether each size class's queue is being polled, as last set; absent until first set. */
  public synchronized Map<String, Boolean> polling() {
    return new LinkedHashMap<>(applied);
  }
}
