package dev.hangar.workflows.job;

import java.time.Duration;

/**
 * The policy a job workflow follows, fixed when the workflow starts so that a configuration change
 * never alters a running job's history.
 *
 * @param maxAttempts VMs created for a job before Hangar gives up and cancels the run
 * @param registrationTimeout how long a registered runner may wait for GitHub to start a job on it
 *     before its VM is torn down and a new one tried (actions/runner#3621)
 * @param maxJobDuration how long a started job may run before Hangar cancels its run
 * @param maxPlacementWait how long a job may wait for a host with room before Hangar gives up
 * @param hostTimeout how long a claimed host may take to pick up its next activity, or go without
 *     a heartbeat, before Hangar treats it as lost and moves the attempt on
 * @param vmCheckInterval how often a busy VM is checked on its host, to notice a runner that
 *     exited or a host that is gone
 * @param cancelRunOnManualCancel whether a manual {@code temporal workflow cancel} also cancels the
 *     run on GitHub
 */
public record JobPolicy(
    int maxAttempts,
    Duration registrationTimeout,
    Duration maxJobDuration,
    Duration maxPlacementWait,
    Duration hostTimeout,
    Duration vmCheckInterval,
    boolean cancelRunOnManualCancel) {

  /**
   * The defaults: 5 attempts, 80 s registration, 6 h job, 24 h placement, 60 s host timeout, a VM
   * check every 5 minutes.
   */
  public static JobPolicy defaults() {
    return new JobPolicy(
        5,
        Duration.ofSeconds(80),
        Duration.ofHours(6),
        Duration.ofHours(24),
        Duration.ofSeconds(60),
        Duration.ofMinutes(5),
        true);
  }

  public JobPolicy {
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be at least 1, was " + maxAttempts);
    }
    requirePositive("registrationTimeout", registrationTimeout);
    requirePositive("maxJobDuration", maxJobDuration);
    requirePositive("maxPlacementWait", maxPlacementWait);
    requirePositive("hostTimeout", hostTimeout);
    requirePositive("vmCheckInterval", vmCheckInterval);
    long checks = maxJobDuration.toMillis() / vmCheckInterval.toMillis();
    if (checks > MAX_VM_CHECKS) {
      throw new IllegalArgumentException(
          "vmCheckInterval " + vmCheckInterval + " is too short for maxJobDuration " + maxJobDuration
              + ": a job would be checked " + checks + " times, at most " + MAX_VM_CHECKS
              + " keep its history far below Temporal's limits");
    }
  }

  /**
   * The most VM checks one job's maximum duration may take: each adds about a dozen history events,
   * and Temporal warns at 10,240 events per workflow.
   */
  public static final long MAX_VM_CHECKS = 500;

  private static void requirePositive(String name, Duration d) {
    if (d == null || d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(name + " must be a positive duration, was " + d);
    }
  }
}
