package dev.hangar.activities.host;

import dev.hangar.activities.host.VmDriver.RunnerState;
import dev.hangar.activities.secrets.SecretSealer;
import dev.hangar.workflows.Failures;
import dev.hangar.workflows.github.SealedSecret;
import dev.hangar.workflows.host.HostActivities;
import dev.hangar.workflows.host.VmCheck;
import dev.hangar.workflows.host.VmInfo;
import dev.hangar.workflows.template.TemplateRef;
import io.temporal.activity.Activity;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The VM work of this host, on its own queue. Every method is idempotent. Failures the workflow
 * must not retry are non-retryable {@link ApplicationFailure}s typed from {@link Failures}; I/O
 * problems are retryable.
 */
public final class HostActivitiesImpl implements HostActivities {

  private static final Logger log = LoggerFactory.getLogger(HostActivitiesImpl.class);

  private final String hostId;
  private final VmDriver driver;
  private final CapacityLedger ledger;
  private final SecretSealer sealer;
  private final Supplier<HostResources> resources;
  private final CapacityListener listener;

  /**
   * @param hostId this host's id
   * @param driver the VM driver
   * @param ledger this host's reservations
   * @param sealer opens the sealed JIT configurations
   * @param resources the host's resources now, to refuse templates whose disk can never fit
   * @param listener told after a VM is deleted, so that the host polls for work again
   */
  public HostActivitiesImpl(
      String hostId,
      VmDriver driver,
      CapacityLedger ledger,
      SecretSealer sealer,
      Supplier<HostResources> resources,
      CapacityListener listener) {
    this.hostId = SafeNames.require("host id", hostId);
    this.driver = driver;
    this.ledger = ledger;
    this.sealer = sealer;
    this.resources = resources;
    this.listener = listener;
  }

  @Override
  public void ensureTemplate(TemplateRef template) {
    checkTemplate(template);
    try {
      pull(template);
    } catch (IOException e) {
      throw ApplicationFailure.newFailureWithCause(
          "could not pull template " + template + " on " + hostId + ": " + e.getMessage(), Failures.HOST_IO, e);
    }
  }

  @Override
  public VmInfo startVm(String vmName, TemplateRef template) {
    SafeNames.require("VM name", vmName);
    checkTemplate(template);
    ledger.markStarted(vmName, template.resources());
    try {
      boolean exists = driver.list().contains(vmName);
      if (exists && driver.runnerState(vmName) == RunnerState.NO_VM) {
        log.info("VM {} exists but is not running (the host restarted?); cloning it afresh", vmName);
        driver.delete(vmName);
        exists = false;
      }
      if (!exists && !driver.templatePresent(template)) {
        pull(template);
      }
      VmDriver.Vm vm = driver.cloneAndStart(vmName, template);
      return new VmInfo(vm.name(), hostId, vm.address());
    } catch (VmDriver.VmLimitException e) {
      throw ApplicationFailure.newFailureWithCause(
          "host " + hostId + " cannot start VM " + vmName + ": " + e.getMessage(), Failures.VM_LIMIT, e);
    } catch (IOException e) {
      throw ApplicationFailure.newFailureWithCause(
          "could not start VM " + vmName + " on " + hostId + ": " + e.getMessage(), Failures.HOST_IO, e);
    }
  }

  @Override
  public void startRunner(String vmName, SealedSecret jitConfig) {
    SafeNames.require("VM name", vmName);
    String plaintext = sealer.open(jitConfig);
    try {
      if (driver.runnerState(vmName) == RunnerState.NO_VM) {
        throw vmGone(vmName);
      }
      driver.startRunner(vmName, plaintext);
      log.info("runner started in VM {} on {}", vmName, hostId);
    } catch (VmDriver.VmMissingException e) {
      throw vmGone(vmName);
    } catch (IOException e) {
      throw ApplicationFailure.newFailure(
          "could not start the runner in VM " + vmName + " on " + hostId + ": " + e.getMessage(),
          Failures.HOST_IO);
    }
  }

  @Override
  public VmCheck checkVm(String vmName) {
    SafeNames.require("VM name", vmName);
    RunnerState state;
    try {
      state = driver.runnerState(vmName);
    } catch (IOException e) {
      throw ApplicationFailure.newFailureWithCause(
          "could not look at VM " + vmName + " on " + hostId + ": " + e.getMessage(), Failures.HOST_IO, e);
    }
    switch (state) {
      case RUNNING:
        return new VmCheck(VmCheck.State.RUNNING, "runner in " + vmName + " is up");
      case EXITED_OK:
        return new VmCheck(VmCheck.State.RUNNER_FINISHED, "runner in " + vmName + " exited normally");
      case EXITED_FAILED:
        return new VmCheck(VmCheck.State.RUNNER_FAILED, "runner in " + vmName + " exited with an error");
      case NOT_STARTED:
        return new VmCheck(VmCheck.State.RUNNER_FAILED, "no runner was started in " + vmName);
      case NO_VM:
      default:
        return new VmCheck(VmCheck.State.VM_GONE, "VM " + vmName + " is no longer on host " + hostId);
    }
  }

  @Override
  public void deleteVm(String vmName) {
    SafeNames.require("VM name", vmName);
    try {
      driver.delete(vmName);
    } catch (IOException e) {
      throw ApplicationFailure.newFailureWithCause(
          "could not delete VM " + vmName + " on " + hostId + ": " + e.getMessage(), Failures.HOST_IO, e);
    }
    ledger.release(vmName);
    listener.capacityChanged();
  }

  private void checkTemplate(TemplateRef template) {
    SafeNames.require("template id", template.id());
    SafeNames.requireOptional("template tag", template.tag());
    boolean cpuMemoryFit = ledger.fitsEver(template.resources());
    boolean diskFits = ledger.limits().skipResourceChecks()
        || template.resources().diskGb() <= resources.get().diskTotalGb();
    if (!cpuMemoryFit || !diskFits) {
      throw ApplicationFailure.newNonRetryableFailure(
          "template " + template + " needs " + template.resources() + ", more than host " + hostId + " has",
          Failures.TEMPLATE_TOO_LARGE);
    }
  }

  private void pull(TemplateRef template) throws IOException {
    boolean found = driver.ensureTemplate(template, () -> Activity.getExecutionContext().heartbeat("pulling"));
    if (!found) {
      throw ApplicationFailure.newNonRetryableFailure(
          "template " + template + " is in no registry and not on host " + hostId, Failures.TEMPLATE_NOT_FOUND);
    }
  }

  private static ApplicationFailure vmGone(String vmName) {
    return ApplicationFailure.newNonRetryableFailure(
        "VM " + vmName + " is no longer on this host", Failures.VM_GONE);
  }
}
