package dev.hangar.workflows;

/**
 * The stable names of Hangar's application failure types, with their retry decision.
 *
 * <p>An activity that fails for one of these reasons throws an {@code ApplicationFailure} whose
 * type is the constant below. Non-retryable ones are listed in the workflow's retry options (see
 * {@code JobWorkflowImpl}), so the decision is made once, here and there, not at each throw site.
 */
public final class Failures {

  /** The template is in no registry and on no host. Non-retryable: the run is cancelled. */
  public static final String TEMPLATE_NOT_FOUND = "TemplateNotFound";

  /** The template can never fit on this host (disk, cores or memory). Non-retryable for the attempt. */
  public static final String TEMPLATE_TOO_LARGE = "TemplateTooLarge";

  /** A host claimed work but no longer has room (a race with another claim). Retryable. */
  public static final String NO_CAPACITY = "NoCapacity";

  /** The VM is gone from its host (deleted, crashed, or the host lost it). Non-retryable. */
  public static final String VM_GONE = "VmGone";

  /** The runner process in the VM exited or could not start. Non-retryable for the attempt. */
  public static final String RUNNER_FAILED = "RunnerFailed";

  /**
   * GitHub's rate limit is spent. Retryable, but only after the reset time GitHub stated; the
   * activity sets the next retry delay explicitly.
   */
  public static final String RATE_LIMITED = "RateLimited";

  /** GitHub refused our credentials (401) or the resource is not visible to them (404). Non-retryable. */
  public static final String GITHUB_REFUSED = "GitHubRefused";

  /** A secret could not be opened: wrong or missing key. Non-retryable; an operator must fix the key. */
  public static final String SECRET_UNREADABLE = "SecretUnreadable";

  /**
   * A VM name or template id from outside is not safe to use as a path or CLI argument.
   * Non-retryable: the same name fails the same way.
   */
  public static final String INVALID_NAME = "InvalidName";

  /** GitHub answered 5xx, timed out, or could not be reached. Retryable with backoff. */
  public static final String GITHUB_UNAVAILABLE = "GitHubUnavailable";

  /** A host's disk or process work failed (clone, pull, start). Retryable on that host. */
  public static final String HOST_IO = "HostIoError";

  /**
   * The hypervisor refused to start one more macOS VM: Apple's licence allows two running macOS
   * VMs per Mac, and Virtualization.framework enforces it ("The maximum supported number of active
   * virtual machines has been reached"). Retryable: a slot frees when another VM stops, and the
   * host's own count may briefly disagree with the hypervisor's after a crash.
   */
  public static final String VM_LIMIT = "VmLimitExceeded";

  /** Failure types an activity retry can never fix. */
  public static final String[] NON_RETRYABLE = {
    TEMPLATE_NOT_FOUND,
    TEMPLATE_TOO_LARGE,
    VM_GONE,
    RUNNER_FAILED,
    GITHUB_REFUSED,
    SECRET_UNREADABLE,
    INVALID_NAME
  };

  private Failures() {}
}
