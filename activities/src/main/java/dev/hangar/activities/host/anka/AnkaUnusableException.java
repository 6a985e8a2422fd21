package dev.hangar.activities.host.anka;

/**
 * Anka cannot be used on this host at all: the executable does not run, or its licence is invalid,
 * expired or allows a single VM. The message is one line an operator can act on.
 */
public final class AnkaUnusableException extends IllegalStateException {

  private static final long serialVersionUID = 1L;

  /** What is wrong. */
  public enum Reason {
    /** The executable could not be run, or did not answer {@code version} or {@code license show}. */
    NOT_RUNNABLE,
    /** The licence is invalid, expired, or allows a single VM. */
    LICENCE
  }

  private final Reason reason;

  public AnkaUnusableException(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  public AnkaUnusableException(Reason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = reason;
  }

  /** What is wrong: the executable or the licence. */
  public Reason reason() {
    return reason;
  }
}
