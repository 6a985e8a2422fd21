package dev.hangar.workflows.job;

import dev.hangar.workflows.Failures;
import dev.hangar.workflows.github.SealedSecret;
import dev.hangar.workflows.host.HostActivities;
import dev.hangar.workflows.host.VmCheck;
import dev.hangar.workflows.host.VmInfo;
import dev.hangar.workflows.routing.TrustPolicy;
import dev.hangar.workflows.template.TemplateRef;
import io.temporal.failure.ApplicationFailure;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An in-memory host: VMs are map entries, the runner "finishes" when a test says so. A test may
 * override a call to make it misbehave.
 */
class FakeHost implements HostActivities {

  final String hostId;
  final Map<String, String> vms = new ConcurrentHashMap<>();
  final List<String> created = new CopyOnWriteArrayList<>();
  final List<String> deleted = new CopyOnWriteArrayList<>();
  final List<String> runnersStarted = new CopyOnWriteArrayList<>();
  /** The trust policy each runner was started with. */
  final Map<String, TrustPolicy> trustByVm = new ConcurrentHashMap<>();
  final AtomicInteger checks = new AtomicInteger();
  /** The template ids ensureTemplate was called with, once per call. */
  final List<String> ensured = new CopyOnWriteArrayList<>();
  /** Whether every VM start fails, as a clone on a full disk would. */
  volatile boolean startsFail;
  volatile int peakVms;
  /** Runs before each VM start, outside the host's lock: a test may make starts slow. */
  volatile java.util.function.Consumer<String> beforeStart = vmName -> {};

  FakeHost(String hostId) {
    this.hostId = hostId;
  }

  @Override
  public void ensureTemplate(TemplateRef template) {
    ensured.add(template.id());
    if (template.id().equals("nowhere")) {
      throw ApplicationFailure.newNonRetryableFailure("no such template", Failures.TEMPLATE_NOT_FOUND);
    }
  }

  @Override
  public VmInfo startVm(String vmName, TemplateRef template) {
    beforeStart.accept(vmName);
    synchronized (this) {
      return startVmNow(vmName);
    }
  }

  private VmInfo startVmNow(String vmName) {
    if (startsFail) {
      throw ApplicationFailure.newFailure(
          "could not start VM " + vmName + " on " + hostId + ": No space left on device", Failures.HOST_IO);
    }
    if (vms.putIfAbsent(vmName, "running") == null) {
      created.add(vmName);
      peakVms = Math.max(peakVms, vms.size());
    }
    return new VmInfo(vmName, hostId, null);
  }

  @Override
  public void startRunner(String vmName, SealedSecret jitConfig, TrustPolicy trust) {
    if (!vms.containsKey(vmName)) {
      throw ApplicationFailure.newNonRetryableFailure("no VM " + vmName, Failures.VM_GONE);
    }
    runnersStarted.add(vmName);
    if (trust != null) {
      trustByVm.put(vmName, trust);
    }
  }

  @Override
  public VmCheck checkVm(String vmName) {
    checks.incrementAndGet();
    String state = vms.get(vmName);
    if (state == null) {
      return new VmCheck(VmCheck.State.VM_GONE, "no VM " + vmName);
    }
    if (state.equals("finished")) {
      return new VmCheck(VmCheck.State.RUNNER_FINISHED, "runner exited 0");
    }
    return new VmCheck(VmCheck.State.RUNNING, "runner up");
  }

  @Override
  public synchronized void deleteVm(String vmName) {
    if (vms.remove(vmName) != null) {
      deleted.add(vmName);
    }
  }

  /** The runner in the VM ran its job and exited, as an ephemeral runner does. */
  void finishRunner(String vmName) {
    vms.computeIfPresent(vmName, (k, v) -> "finished");
  }
}
