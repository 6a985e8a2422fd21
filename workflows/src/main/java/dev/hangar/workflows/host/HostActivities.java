package dev.hangar.workflows.host;

import dev.hangar.workflows.github.SealedSecret;
import dev.hangar.workflows.routing.TrustPolicy;
import dev.hangar.workflows.template.TemplateRef;
import io.temporal.activity.ActivityInterface;

/**
 * The VM work of one Mac, on that host's own queue ({@link dev.hangar.workflows.TaskQueues#host}).
 * Every method is idempotent: a retry after a crash finds the work done and says so.
 */
@ActivityInterface
public interface HostActivities {

  /** Makes sure the template (at its tag) is on this host, pulling it if needed. Heartbeats. */
  void ensureTemplate(TemplateRef template);

  /** Clones a fresh VM from the template and starts it. Reuses a VM of that name if one exists. */
  VmInfo startVm(String vmName, TemplateRef template);

  /**
   * Puts the single-use JIT runner configuration into the VM and starts the runner with it. The
   * secret travels sealed and is opened only here, written to a file inside the VM, never to a
   * process argument or a log.
   *
   * <p>With a trust policy, the VM gets a job-started hook generated from it that fails any job the
   * policy does not allow before its first step runs (docs/security.md).
   *
   * @param trust the pool's trust policy, or {@code null} for no hook (histories recorded before
   *     pools had one)
   */
  void startRunner(String vmName, SealedSecret jitConfig, TrustPolicy trust);

  /**
   * Looks at the VM and its runner and answers at once. The workflow calls it every
   * {@code vm-check-interval} while a job runs; a host that does not answer within the host
   * timeout is lost.
   */
  VmCheck checkVm(String vmName);

  /** Stops and deletes the VM and frees its reservation. Deleting a VM that is gone is a success. */
  void deleteVm(String vmName);
}
