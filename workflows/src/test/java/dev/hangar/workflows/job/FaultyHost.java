package dev.hangar.workflows.job;

import dev.hangar.workflows.Failures;
import dev.hangar.workflows.github.SealedSecret;
import dev.hangar.workflows.host.HostActivities;
import dev.hangar.workflows.host.VmCheck;
import dev.hangar.workflows.host.VmInfo;
import dev.hangar.workflows.routing.TrustPolicy;
import dev.hangar.workflows.template.TemplateRef;
import io.temporal.failure.ApplicationFailure;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link FakeHost} whose disk or hypervisor fails on demand, as a real host's would: a pull that
 * finds the disk full, a VM delete that keeps failing. Failures are retryable, typed as the real
 * host activities type I/O problems.
 */
final class FaultyHost implements HostActivities {

  final FakeHost host;
  /** Pulls that still fail with a full disk. */
  final AtomicInteger fullDiskPulls = new AtomicInteger();
  /** Whether every VM delete fails. */
  volatile boolean deletesFail;
  final AtomicInteger failedDeletes = new AtomicInteger();

  FaultyHost(String hostId) {
    host = new FakeHost(hostId);
  }

  @Override
  public void ensureTemplate(TemplateRef template) {
    if (fullDiskPulls.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      throw ApplicationFailure.newFailure(
          "could not pull template " + template + " on " + host.hostId + ": No space left on device", Failures.HOST_IO);
    }
    host.ensureTemplate(template);
  }

  @Override
  public VmInfo startVm(String vmName, TemplateRef template) {
    return host.startVm(vmName, template);
  }

  @Override
  public void startRunner(String vmName, SealedSecret jitConfig, TrustPolicy trust) {
    host.startRunner(vmName, jitConfig, trust);
  }

  @Override
  public VmCheck checkVm(String vmName) {
    return host.checkVm(vmName);
  }

  @Override
  public void deleteVm(String vmName) {
    if (deletesFail) {
      failedDeletes.incrementAndGet();
      throw ApplicationFailure.newFailure(
          "could not delete VM " + vmName + " on " + host.hostId + ": anka delete exited 1", Failures.HOST_IO);
    }
    host.deleteVm(vmName);
  }
}
