package dev.hangar.gateway;

/** Temporal did not take an event, or not within {@code hangar.gateway.temporal-timeout}. */
final class DispatchUnavailableException extends Exception {

  private static final long serialVersionUID = 1L;

  DispatchUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
