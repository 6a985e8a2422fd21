package dev.hangar.emulator;

/** No runner holds this JIT configuration: it was never registered, or it has been removed. */
final class UnknownRunnerException extends IllegalArgumentException {

  private static final long serialVersionUID = 1L;

  UnknownRunnerException(String message) {
    super(message);
  }

  UnknownRunnerException() {
    super("no runner has this JIT configuration");
  }
}
