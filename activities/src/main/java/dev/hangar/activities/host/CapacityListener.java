package dev.hangar.activities.host;

/** Told whenever a host's room may have changed: a claim, a deletion, an expired reservation. */
@FunctionalInterface
public interface CapacityListener {

  /** Re-evaluates whatever depends on the host's room. Cheap, thread-safe, never throws. */
  void capacityChanged();

  /** A listener that does nothing. */
  static CapacityListener none() {
    return () -> {};
  }
}
