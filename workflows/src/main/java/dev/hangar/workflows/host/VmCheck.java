package dev.hangar.workflows.host;

/**
 * What a host saw when it looked at a VM.
 *
 * @param state the runner's state
 * @param detail a short explanation for the job's history
 */
public record VmCheck(State state, String detail) {

  /** The state of a VM's runner. */
  public enum State {
    /** The runner is up (idle or running a job). */
    RUNNING,
    /** The ephemeral runner exited normally after running its one job. */
    RUNNER_FINISHED,
    /** The runner exited with an error or never started. */
    RUNNER_FAILED,
    /** The VM is no longer on the host. */
    VM_GONE;

    /** Whether the VM can still serve a job. */
    public boolean alive() {
      return this == RUNNING;
    }
  }
}
