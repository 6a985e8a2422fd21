package dev.hangar.emulator;

/** The order in which held webhook deliveries are released. */
public enum DeliveryOrder {
  /** As they were made. */
  IN_ORDER,
  /** Newest first. */
  REVERSED,
  /** Randomly. */
  SHUFFLED
}
