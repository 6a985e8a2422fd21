package dev.hangar.workflows.host;

import io.temporal.activity.ActivityInterface;

/**
 * Runs on a placement queue ({@link dev.hangar.workflows.TaskQueues#placement}). Only hosts with
 * room for the size class poll that queue, so whichever host picks the task up can take the VM.
 */
@ActivityInterface
public interface PlacementActivities {

  /**
   * Reserves room for one VM on the polling host and names the host's own queue. The reservation
   * is keyed by VM name, so a retried claim on the same host reserves nothing twice; it is freed by
   * {@link HostActivities#deleteVm} or, if no VM ever appears, after the host's reservation TTL.
   */
  Claim claimHost(ClaimRequest request);
}
