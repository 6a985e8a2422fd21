package dev.hangar.host;

import dev.hangar.activities.host.VmDriver.RunnerState;
import java.time.Clock;
import java.time.Instant;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * What this host's VMs are doing, as its activities drive them through {@link ObservedVmDriver},
 * and how their lives ended: the source of the status, last success/failure and run metrics
 * ({@link HostStatusMetrics}). Only VMs started through this process are known. Thread-safe.
 */
@Component
class HostVmEvents {

  /** How a VM's life on this host ended. */
  enum Outcome {
    /** Its runner ran and exited normally before the VM was deleted (it served a job). */
    SUCCESS,
    /** The VM could not be made or its runner could not start, or the runner exited with an error. */
    FAILED,
    /** Deleted while its runner was up or not started yet: released unused, timed out or cancelled. */
    CANCELLED;

    String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /**
   * What one template is doing on this host now.
   *
   * @param preparing VMs of it being cloned and started, runner not up yet
   * @param runnersUp VMs of it whose runner is up (waiting for or running a job)
   * @param pulling whether it is being pulled
   */
  record Activity(int preparing, int runnersUp, boolean pulling) {}

  private record Vm(String template, boolean runnerUp, boolean failed) {}

  private final Clock clock;
  private final Map<String, Vm> vms = new HashMap<>();
  private final Map<String, Integer> pulls = new HashMap<>();
  private final Map<String, Instant> lastSuccess = new HashMap<>();
  private final Map<String, Instant> lastFailure = new HashMap<>();
  private final Map<String, Map<Outcome, Long>> runs = new HashMap<>();

  HostVmEvents(Clock clock) {
    this.clock = clock;
  }

  synchronized void pullStarted(String template) {
    pulls.merge(template, 1, Integer::sum);
  }

  synchronized void pullEnded(String template, boolean ok) {
    pulls.computeIfPresent(template, (t, n) -> n <= 1 ? null : n - 1);
    if (!ok) {
      lastFailure.put(template, clock.instant());
    }
  }

  /** A VM of the template is being cloned and started (again, after a retry). */
  synchronized void preparing(String vmName, String template) {
    Vm known = vms.get(vmName);
    vms.put(vmName, new Vm(template, false, known != null && known.failed()));
  }

  synchronized void runnerUp(String vmName) {
    vms.computeIfPresent(vmName, (n, vm) -> new Vm(vm.template(), true, vm.failed()));
  }

  /** Cloning, starting or putting the runner in failed; the VM's life ends as failed. */
  synchronized void failed(String vmName) {
    Vm vm = vms.get(vmName);
    if (vm != null) {
      vms.put(vmName, new Vm(vm.template(), vm.runnerUp(), true));
      lastFailure.put(vm.template(), clock.instant());
    }
  }

  /**
   * The VM is deleted; its life is counted by how its runner was found just before.
   *
   * @param runner the runner's state before the deletion, or {@code null} if it could not be told
   *     (the VM is forgotten, not counted)
   */
  synchronized void deleted(String vmName, RunnerState runner) {
    Vm vm = vms.remove(vmName);
    if (vm == null || runner == null) {
      return;
    }
    Outcome outcome;
    if (runner == RunnerState.EXITED_OK) {
      outcome = Outcome.SUCCESS;
    } else if (vm.failed() || runner == RunnerState.EXITED_FAILED) {
      outcome = Outcome.FAILED;
    } else {
      outcome = Outcome.CANCELLED;
    }
    runs.computeIfAbsent(vm.template(), t -> new EnumMap<>(Outcome.class)).merge(outcome, 1L, Long::sum);
    if (outcome == Outcome.SUCCESS) {
      lastSuccess.put(vm.template(), clock.instant());
    } else if (outcome == Outcome.FAILED) {
      lastFailure.put(vm.template(), clock.instant());
    }
  }

  /** Whether a VM of this name was started through this process and not deleted since. */
  synchronized boolean knows(String vmName) {
    return vms.containsKey(vmName);
  }

  /** Each template with a VM or a pull on this host now. */
  synchronized Map<String, Activity> activity() {
    Map<String, Activity> byTemplate = new HashMap<>();
    for (Vm vm : vms.values()) {
      Activity a = byTemplate.getOrDefault(vm.template(), new Activity(0, 0, false));
      byTemplate.put(vm.template(), vm.runnerUp()
          ? new Activity(a.preparing(), a.runnersUp() + 1, a.pulling())
          : new Activity(a.preparing() + 1, a.runnersUp(), a.pulling()));
    }
    for (String template : pulls.keySet()) {
      Activity a = byTemplate.getOrDefault(template, new Activity(0, 0, false));
      byTemplate.put(template, new Activity(a.preparing(), a.runnersUp(), true));
    }
    return byTemplate;
  }

  /** VM lives of the template that ended with the outcome, since this process started. */
  synchronized long runs(String template, Outcome outcome) {
    return runs.getOrDefault(template, Map.of()).getOrDefault(outcome, 0L);
  }

  synchronized Optional<Instant> lastSuccess(String template) {
    return Optional.ofNullable(lastSuccess.get(template));
  }

  synchronized Optional<Instant> lastFailure(String template) {
    return Optional.ofNullable(lastFailure.get(template));
  }

  /** The latest success of any template. */
  synchronized Optional<Instant> lastSuccess() {
    return lastSuccess.values().stream().max(Instant::compareTo);
  }

  /** The latest failure of any template. */
  synchronized Optional<Instant> lastFailure() {
    return lastFailure.values().stream().max(Instant::compareTo);
  }
}
