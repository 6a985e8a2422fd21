package dev.hangar.gateway;

import dev.hangar.activities.secrets.SecretSealer;
import dev.hangar.emulator.GitHubEmulator;
import dev.hangar.emulator.JobInfo;
import dev.hangar.workflows.Failures;
import dev.hangar.workflows.TaskQueues;
import dev.hangar.workflows.github.SealedSecret;
import dev.hangar.workflows.host.Claim;
import dev.hangar.workflows.host.ClaimRequest;
import dev.hangar.workflows.host.HostActivities;
import dev.hangar.workflows.host.PlacementActivities;
import dev.hangar.workflows.host.VmCheck;
import dev.hangar.workflows.host.VmInfo;
import dev.hangar.workflows.routing.TrustPolicy;
import dev.hangar.workflows.template.TemplateRef;
import io.temporal.failure.ApplicationFailure;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * One in-process host whose VMs are map entries and whose runners speak the GitHub emulator's
 * runner protocol, as an ephemeral runner does: it opens its sealed JIT configuration, polls for a
 * job until GitHub gives it one (or removes it), runs the job for its plan, finishes it and exits.
 * GitHub's webhooks about that job then go to the gateway, closing the loop.
 */
final class LoopHost implements HostActivities {

  static final String ID = "loop-1";

  final List<String> created = new CopyOnWriteArrayList<>();
  final List<String> deleted = new CopyOnWriteArrayList<>();
  final List<String> claims = new CopyOnWriteArrayList<>();
  private final Map<String, String> vms = new ConcurrentHashMap<>();
  private final GitHubEmulator github;
  private final SecretSealer sealer;
  private final ExecutorService runners = Executors.newCachedThreadPool();

  LoopHost(GitHubEmulator github, SecretSealer sealer) {
    this.github = github;
    this.sealer = sealer;
  }

  /** The placement side: every claim is granted to this host. */
  final class Placement implements PlacementActivities {
    @Override
    public Claim claimHost(ClaimRequest request) {
      claims.add(request.vmName());
      return new Claim(ID, TaskQueues.host(ID));
    }
  }

  /** The VMs on this host now. */
  List<String> vms() {
    return List.copyOf(vms.keySet());
  }

  @Override
  public void ensureTemplate(TemplateRef template) {
    // Every template is present.
  }

  @Override
  public VmInfo startVm(String vmName, TemplateRef template) {
    if (vms.putIfAbsent(vmName, "running") == null) {
      created.add(vmName);
    }
    return new VmInfo(vmName, ID, null);
  }

  /** The loop's runners do not run job hooks, so a trust policy changes nothing here. */
  @Override
  public void startRunner(String vmName, SealedSecret jitConfig, TrustPolicy trust) {
    if (!vms.containsKey(vmName)) {
      throw ApplicationFailure.newNonRetryableFailure("no VM " + vmName, Failures.VM_GONE);
    }
    String config = sealer.open(jitConfig);
    if (vms.replace(vmName, "running", "runner")) {
      runners.execute(() -> runner(vmName, config));
    }
  }

  /** The runner's life: poll for a job while the VM exists, run it, finish it, exit. */
  private void runner(String vmName, String config) {
    try {
      Optional<JobInfo> job = Optional.empty();
      while (job.isEmpty()) {
        if (!vms.containsKey(vmName)) {
          return;
        }
        job = github.claim(config);
        if (job.isEmpty()) {
          Thread.sleep(100);
        }
      }
      Thread.sleep(job.get().plan().duration().toMillis());
      github.finish(config, job.get().plan().conclusion());
      vms.computeIfPresent(vmName, (k, v) -> "finished");
    } catch (IllegalArgumentException removed) {
      // GitHub removed the runner: it exits, as a real one does.
      vms.computeIfPresent(vmName, (k, v) -> "finished");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public VmCheck checkVm(String vmName) {
    String state = vms.get(vmName);
    if (state == null) {
      return new VmCheck(VmCheck.State.VM_GONE, "no VM " + vmName);
    }
    return "finished".equals(state)
        ? new VmCheck(VmCheck.State.RUNNER_FINISHED, "runner exited 0")
        : new VmCheck(VmCheck.State.RUNNING, "runner up");
  }

  @Override
  public void deleteVm(String vmName) {
    if (vms.remove(vmName) != null) {
      deleted.add(vmName);
    }
  }

  void close() {
    runners.shutdownNow();
  }
}
