package dev.hangar.gateway;

import dev.hangar.workflows.job.JobPolicy;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The policy every new job workflow starts with ({@code hangar.job.*}). It is fixed in the
 * workflow's start arguments, so changing it affects new jobs only.
 *
 * @param maxAttempts VMs created for one job before Hangar gives up and cancels the run. Default 5.
 * @param registrationTimeout how long a registered runner may wait for GitHub to give it a job
 *     before its VM is replaced. Default 80s.
 * @param maxJobDuration how long a started job may run before Hangar cancels its run. Default 6h.
 * @param maxPlacementWait how long a job may wait for a host with room. Default 24h.
 * @param hostTimeout how long a claimed host may be silent before it is treated as lost. Default
 *     60s.
 * @param vmCheckInterval how often a busy VM is checked on its host, to notice a runner that exited
 *     or a host that is gone. Default 5m.
 * @param cancelRunOnManualCancel whether cancelling a job's workflow by hand also cancels the run on
 *     GitHub. Default true.
 */
@ConfigurationProperties("hangar.job")
public record JobProperties(
    Integer maxAttempts,
    Duration registrationTimeout,
    Duration maxJobDuration,
    Duration maxPlacementWait,
    Duration hostTimeout,
    Duration vmCheckInterval,
    Boolean cancelRunOnManualCancel) {

  public JobProperties {
    JobPolicy d = JobPolicy.defaults();
    maxAttempts = maxAttempts == null ? d.maxAttempts() : maxAttempts;
    registrationTimeout = registrationTimeout == null ? d.registrationTimeout() : registrationTimeout;
    maxJobDuration = maxJobDuration == null ? d.maxJobDuration() : maxJobDuration;
    maxPlacementWait = maxPlacementWait == null ? d.maxPlacementWait() : maxPlacementWait;
    hostTimeout = hostTimeout == null ? d.hostTimeout() : hostTimeout;
    vmCheckInterval = vmCheckInterval == null ? d.vmCheckInterval() : vmCheckInterval;
    cancelRunOnManualCancel = cancelRunOnManualCancel == null ? d.cancelRunOnManualCancel() : cancelRunOnManualCancel;
  }

  /**
   * The policy, validated.
   *
   * @throws InvalidConfigException naming the offending key
   */
  JobPolicy toPolicy() {
    if (maxAttempts < 1) {
      throw new InvalidConfigException("hangar.job.max-attempts", "must be at least 1, was " + maxAttempts);
    }
    positive("hangar.job.registration-timeout", registrationTimeout);
    positive("hangar.job.max-job-duration", maxJobDuration);
    positive("hangar.job.max-placement-wait", maxPlacementWait);
    positive("hangar.job.host-timeout", hostTimeout);
    positive("hangar.job.vm-check-interval", vmCheckInterval);
    if (maxJobDuration.toMillis() / vmCheckInterval.toMillis() > JobPolicy.MAX_VM_CHECKS) {
      throw new InvalidConfigException(
          "hangar.job.vm-check-interval",
          "is too short for hangar.job.max-job-duration " + maxJobDuration + ": at most "
              + JobPolicy.MAX_VM_CHECKS + " checks per job keep its history small; raise the interval");
    }
    return new JobPolicy(
        maxAttempts,
        registrationTimeout,
        maxJobDuration,
        maxPlacementWait,
        hostTimeout,
        vmCheckInterval,
        cancelRunOnManualCancel);
  }

  private static void positive(String key, Duration d) {
    if (d.isZero() || d.isNegative()) {
      throw new InvalidConfigException(key, "must be a positive duration, was " + d);
    }
  }
}
