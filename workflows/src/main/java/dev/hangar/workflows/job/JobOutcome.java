package dev.hangar.workflows.job;

/**
 * How a job workflow ended.
 *
 * @param result the kind of ending
 * @param conclusion GitHub's conclusion for the job, when GitHub reported one
 * @param vmsCreated how many VMs were created for it
 * @param detail a short explanation
 */
public record JobOutcome(Result result, String conclusion, int vmsCreated, String detail) {

  /** The kinds of ending. */
  public enum Result {
    /** GitHub reported the job completed (with whatever conclusion). */
    COMPLETED,
    /** No pool serves the job's labels; nothing was done. */
    NOT_OURS,
    /** The labels name a template that does not exist; the run was cancelled on GitHub. */
    UNKNOWN_TEMPLATE,
    /**
     * The pool does not trust the job's repository: no VM was made; the run was cancelled or left
     * for other runners, as the pool says.
     */
    UNTRUSTED,
    /** Every attempt failed, or no host had room in time; the run was cancelled on GitHub. */
    GAVE_UP,
    /** The job ran past the maximum job duration; the run was cancelled on GitHub. */
    TIMED_OUT
  }
}
