package dev.hangar.activities.host;

import dev.hangar.activities.host.VmDriver.RunnerState;
import dev.hangar.activities.host.hooks.TrustHook;
import dev.hangar.activities.secrets.SecretSealer;
import dev.hangar.workflows.Failures;
import dev.hangar.workflows.github.SealedSecret;
import dev.hangar.workflows.host.HostActivities;
import dev.hangar.workflows.host.VmCheck;
import dev.hangar.workflows.host.VmInfo;
import dev.hangar.workflows.routing.TrustPolicy;
import dev.hangar.workflows.template.TemplateRef;
import io.temporal.activity.Activity;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
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
  private final int diskFreeBufferPercent;
  /** One template pull at a time on this host, whatever the driver. */
  private final ReentrantLock pullLock = new ReentrantLock();
  /** Clones read templates; evictions delete them: never both at once. */
  private final ReentrantReadWriteLock templateUse = new ReentrantReadWriteLock();

  /** The default {@link #HostActivitiesImpl(String, VmDriver, CapacityLedger, SecretSealer, Supplier, CapacityListener, int)} buffer. */
  public static final int DEFAULT_DISK_FREE_BUFFER_PERCENT = 10;

  /** As the full constructor, with a free-disk buffer of {@value #DEFAULT_DISK_FREE_BUFFER_PERCENT}%. */
  public HostActivitiesImpl(
      String hostId,
      VmDriver driver,
      CapacityLedger ledger,
      SecretSealer sealer,
      Supplier<HostResources> resources,
      CapacityListener listener) {
    this(hostId, driver, ledger, sealer, resources, listener, DEFAULT_DISK_FREE_BUFFER_PERCENT);
  }

  /**
   * @param hostId this host's id
   * @param driver the VM driver
   * @param ledger this host's reservations
   * @param sealer opens the sealed JIT configurations
   * @param resources the host's resources now, to refuse templates whose disk can never fit
   * @param listener told after a VM is deleted, so that the host polls for work again
   * @param diskFreeBufferPercent the share of the disk, in percent, a pull must leave free; least
   *     recently used templates no VM is cloned from are deleted to keep it (0-90)
   */
  public HostActivitiesImpl(
      String hostId,
      VmDriver driver,
      CapacityLedger ledger,
      SecretSealer sealer,
      Supplier<HostResources> resources,
      CapacityListener listener,
      int diskFreeBufferPercent) {
    if (diskFreeBufferPercent < 0 || diskFreeBufferPercent > 90) {
      throw new IllegalArgumentException("diskFreeBufferPercent must be 0-90, was " + diskFreeBufferPercent);
    }
    this.diskFreeBufferPercent = diskFreeBufferPercent;
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
        deleteHeartbeating(vmName);
        exists = false;
      }
      VmDriver.Vm vm = null;
      for (int attempt = 0; vm == null; attempt++) {
        if (!exists && !driver.templatePresent(template)) {
          pull(template);
        }
        templateUse.readLock().lock(); // no template is evicted while a VM is cloned
        try {
          if (exists || driver.templatePresent(template) || attempt >= 2) {
            vm = Heartbeats.during("starting VM", () -> driver.cloneAndStart(vmName, template));
          }
        } finally {
          templateUse.readLock().unlock();
        }
      }
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
  public void startRunner(String vmName, SealedSecret jitConfig, TrustPolicy trust) {
    SafeNames.require("VM name", vmName);
    String plaintext = sealer.open(jitConfig);
    try {
      if (driver.runnerState(vmName) == RunnerState.NO_VM) {
        throw vmGone(vmName);
      }
      Heartbeats.during("starting runner", () -> {
        driver.startRunner(vmName, plaintext, TrustHook.files(trust));
        return null;
      });
      log.info("runner started in VM {} on {}{}", vmName, hostId, trust == null ? " without a trust hook" : "");
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
      deleteHeartbeating(vmName);
    } catch (IOException e) {
      throw ApplicationFailure.newFailureWithCause(
          "could not delete VM " + vmName + " on " + hostId + ": " + e.getMessage(), Failures.HOST_IO, e);
    }
    ledger.release(vmName);
    listener.capacityChanged();
  }

  private void deleteHeartbeating(String vmName) throws IOException {
    Heartbeats.during("deleting VM", () -> {
      driver.delete(vmName);
      return null;
    });
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

  /**
   * Pulls the template if it is missing: one pull at a time on this host (a caller waiting for
   * another pull heartbeats), after making room for it on the disk.
   */
  private void pull(TemplateRef template) throws IOException {
    acquirePullLock(template);
    try {
      if (driver.templatePresent(template)) {
        return; // pulled while this one waited
      }
      makeRoom(template);
      boolean found = driver.ensureTemplate(template, () -> Activity.getExecutionContext().heartbeat("pulling"));
      if (!found) {
        throw ApplicationFailure.newNonRetryableFailure(
            "template " + template + " is in no registry and not on host " + hostId, Failures.TEMPLATE_NOT_FOUND);
      }
    } finally {
      pullLock.unlock();
    }
  }

  private void acquirePullLock(TemplateRef template) {
    try {
      while (!pullLock.tryLock(1, TimeUnit.SECONDS)) {
        Activity.getExecutionContext().heartbeat("waiting for another pull");
        log.debug("template {} waits for another pull on {}", template, hostId);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw ApplicationFailure.newFailure("interrupted while waiting to pull " + template, Failures.HOST_IO);
    }
  }

  /**
   * Makes sure the template fits with {@code diskFreeBufferPercent} of the disk left free, deleting
   * the least recently used templates no VM is cloned from if needed. A template that cannot fit
   * even on an empty disk fails with the non-retryable {@code TemplateTooLarge}; one that does not
   * fit now (VMs and templates in use hold the space) fails retryably. Not checked when resource
   * checks are skipped.
   */
  private void makeRoom(TemplateRef template) throws IOException {
    if (ledger.limits().skipResourceChecks()) {
      return;
    }
    long needGb = template.resources().diskGb();
    HostResources r = resources.get();
    long bufferGb = (r.diskTotalGb() * diskFreeBufferPercent + 99) / 100;
    if (needGb + bufferGb > r.diskTotalGb()) {
      throw ApplicationFailure.newNonRetryableFailure(
          "template " + template + " needs " + needGb + " GiB; with " + diskFreeBufferPercent
              + "% of the disk kept free, host " + hostId + " has at most " + (r.diskTotalGb() - bufferGb) + " GiB",
          Failures.TEMPLATE_TOO_LARGE);
    }
    if (r.diskFreeGb() - needGb >= bufferGb) {
      return;
    }
    List<VmDriver.TemplateInfo> evictable = driver.templates().stream()
        .filter(t -> !t.inUse())
        .filter(t -> !(t.id().equals(template.id()) && Objects.equals(t.tag(), template.tag())))
        .sorted(Comparator.comparing(VmDriver.TemplateInfo::lastUsed))
        .toList();
    for (VmDriver.TemplateInfo t : evictable) {
      templateUse.writeLock().lock();
      try {
        if (driver.templates().stream().anyMatch(now -> now.inUse()
            && now.id().equals(t.id()) && Objects.equals(now.tag(), t.tag()))) {
          continue; // cloned from since it was listed
        }
        log.info("deleting template {}{} (last used {}, {} MiB) to make room for {} on {}", t.id(),
            t.tag() == null ? "" : "@" + t.tag(), t.lastUsed(), t.sizeBytes() / (1024 * 1024), template, hostId);
        driver.deleteTemplate(t.id(), t.tag());
      } finally {
        templateUse.writeLock().unlock();
      }
      Activity.getExecutionContext().heartbeat("making room");
      r = resources.get();
      if (r.diskFreeGb() - needGb >= bufferGb) {
        return;
      }
    }
    throw ApplicationFailure.newFailure(
        "not enough disk on host " + hostId + " for template " + template + ": " + r.diskFreeGb()
            + " GiB free, " + needGb + " GiB needed plus " + bufferGb + " GiB (" + diskFreeBufferPercent
            + "%) kept free; the rest is held by VMs and templates in use",
        Failures.HOST_IO);
  }

  private static ApplicationFailure vmGone(String vmName) {
    return ApplicationFailure.newNonRetryableFailure(
        "VM " + vmName + " is no longer on this host", Failures.VM_GONE);
  }
}
