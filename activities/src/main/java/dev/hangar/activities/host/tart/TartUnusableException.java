package dev.hangar.activities.host.tart;

/** Tart cannot be used on this host: the executable does not run. The message is one line. */
public final class TartUnusableException extends IllegalStateException {

  private static final long serialVersionUID = 1L;

  public TartUnusableException(String message, Throwable cause) {
    super(message, cause);
  }
}
