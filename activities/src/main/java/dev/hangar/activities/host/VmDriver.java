package dev.hangar.activities.host;

import dev.hangar.activities.host.hooks.HookFiles;
import dev.hangar.workflows.template.TemplateRef;
import java.io.IOException;
import java.util.List;

/**
 * The seam between Hangar and a virtualisation tool (simulated, Anka; Tart later). One
 * driver serves one host. Every method is safe to call again after a crash or a retry.
 *
 * <p>VM names and template ids reach a driver from untrusted input; implementations validate them
 * with {@link SafeNames} before they use them in a path, a command or a registry call.
 *
 * <p>I/O problems surface as {@link IOException} (the activity retries); a bad name surfaces as a
 * non-retryable {@code ApplicationFailure}.
 */
public interface VmDriver {

  /** Whether the template, at its tag, is already on this host. */
  boolean templatePresent(TemplateRef template) throws IOException;

  /**
   * Makes sure the template is on this host, pulling it from the registry if needed.
   *
   * @param progress called at least every second or so while a pull runs, so the caller can
   *     heartbeat; whatever it throws (a cancellation) stops the pull and propagates
   * @return {@code false} if the template is neither on this host nor in any registry
   */
  boolean ensureTemplate(TemplateRef template, Runnable progress) throws IOException;

  /**
   * Clones a fresh VM named {@code vmName} from the template (which must be present) and starts
   * it. If a VM of that name already exists, it is left as it is and described.
   *
   * @throws VmLimitException if the hypervisor runs as many VMs as it allows
   */
  Vm cloneAndStart(String vmName, TemplateRef template) throws IOException;

  /**
   * Writes the runner's single-use configuration to a file inside the VM, readable by its owner
   * only (0600), copies {@code hooks} (the pool's job-started hook, see {@link
   * dev.hangar.activities.host.hooks.TrustHook}) beside Hangar's scripts, and starts the runner. The
   * configuration never appears in a process argument, an environment variable or a log line. A
   * runner that is already running is left alone. Every driver must install the hooks: a runner
   * started without them would run jobs the pool does not trust.
   *
   * @throws VmMissingException if there is no such VM
   */
  void startRunner(String vmName, String jitConfig, HookFiles hooks) throws IOException;

  /** As {@link #startRunner(String, String, HookFiles)}, with no hooks. */
  default void startRunner(String vmName, String jitConfig) throws IOException {
    startRunner(vmName, jitConfig, HookFiles.NONE);
  }

  /** The state of the VM's runner. */
  RunnerState runnerState(String vmName) throws IOException;

  /** Stops and deletes the VM. Deleting a VM that does not exist does nothing. */
  void delete(String vmName) throws IOException;

  /** The names of every VM on this host, including ones no workflow owns any more. */
  List<String> list() throws IOException;

  /**
   * The templates on this host, for disk management: the host evicts the least recently used ones
   * that no VM is cloned from to make room for a pull. A driver that cannot list them returns an
   * empty list, and then nothing is ever evicted.
   */
  default List<TemplateInfo> templates() throws IOException {
    return List.of();
  }

  /**
   * Deletes a template from this host. Deleting a template that is not there does nothing.
   *
   * @throws IOException if the template cannot be deleted, for example because a VM is cloned from
   *     it
   */
  default void deleteTemplate(String id, String tag) throws IOException {
    throw new IOException("this driver cannot delete templates");
  }

  /**
   * A template on this host.
   *
   * @param id its id
   * @param tag its tag, or {@code null} if the driver does not tell or it is the only one
   * @param sizeBytes the disk it takes on the host, in bytes (0 if unknown)
   * @param lastUsed when a VM was last cloned from it, or when it was pulled
   * @param inUse whether a VM on this host is cloned from it (it must not be deleted then)
   */
  record TemplateInfo(String id, String tag, long sizeBytes, java.time.Instant lastUsed, boolean inUse) {}

  /**
   * A VM the driver started.
   *
   * @param name its name
   * @param address its network address, or {@code null} if the driver does not know one
   */
  record Vm(String name, String address) {}

  /** Where a VM's runner is in its life. */
  enum RunnerState {
    /** The VM is up; no runner has been started in it yet. */
    NOT_STARTED,
    /** The runner is running (idle or busy with its job). */
    RUNNING,
    /** The runner exited normally after its job. */
    EXITED_OK,
    /** The runner exited with an error, or died. */
    EXITED_FAILED,
    /** There is no such VM on this host, or it is no longer running. */
    NO_VM
  }

  /**
   * The hypervisor refused to start one more VM because the host already runs as many as Apple's
   * licence allows (two macOS VMs per Mac). Retryable: a slot frees when another VM stops.
   */
  final class VmLimitException extends IOException {
    private static final long serialVersionUID = 1L;

    public VmLimitException(String message) {
      super(message);
    }
  }

  /** The named VM does not exist on this host. */
  final class VmMissingException extends IOException {
    private static final long serialVersionUID = 1L;

    public VmMissingException(String vmName) {
      super("no VM named " + vmName + " on this host");
    }
  }
}
