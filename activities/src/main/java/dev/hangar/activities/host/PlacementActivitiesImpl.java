package dev.hangar.activities.host;

import dev.hangar.workflows.Failures;
import dev.hangar.workflows.TaskQueues;
import dev.hangar.workflows.host.Claim;
import dev.hangar.workflows.host.ClaimRequest;
import dev.hangar.workflows.host.PlacementActivities;
import dev.hangar.workflows.template.TemplateRef;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Claims room on this host for a VM. Registered on every placement queue this host serves, by
 * workers that run as many claims at once as VMs of the queue's size class fit (the ledger decides
 * every claim, so concurrent claims never hold more than the host has).
 */
public final class PlacementActivitiesImpl implements PlacementActivities {

  private static final Logger log = LoggerFactory.getLogger(PlacementActivitiesImpl.class);

  /** How soon a claim handed back is offered again (Temporal needs a positive delay). */
  static final Duration HAND_BACK_DELAY = Duration.ofMillis(50);

  private final String hostId;
  private final CapacityLedger ledger;
  private final CapacityListener listener;
  private final TemplateLookup templates;

  /** Whether a template, at its tag, is on this host; {@link VmDriver#templatePresent} is one. */
  @FunctionalInterface
  public interface TemplateLookup {
    boolean present(TemplateRef template) throws IOException;
  }

  /**
   * @param hostId this host's id, which names its own queue
   * @param ledger this host's reservations
   * @param listener told after every claim, so that a full host stops polling (PlacementPolling)
   * @param templates looks for the template when a claim is granted, so that a VM whose template
   *     is here skips the ensureTemplate round trip
   */
  public PlacementActivitiesImpl(
      String hostId, CapacityLedger ledger, CapacityListener listener, TemplateLookup templates) {
    this.hostId = SafeNames.require("host id", hostId);
    this.ledger = ledger;
    this.listener = listener;
    this.templates = templates;
  }

  @Override
  public Claim claimHost(ClaimRequest request) {
    String vmName = SafeNames.require("VM name", request.vmName());
    TemplateRef template = request.template();
    SafeNames.require("template id", template.id());
    SafeNames.requireOptional("template tag", template.tag());
    try {
      if (!ledger.fitsEver(template.resources())) {
        throw ApplicationFailure.newNonRetryableFailure(
            "template " + template + " needs " + template.resources() + ", more than host " + hostId
                + " has",
            Failures.TEMPLATE_TOO_LARGE);
      }
      if (!ledger.reserve(vmName, template.resources())) {
        if (ledger.draining()) {
          log.info("host {} is draining; handing the claim for {} back", hostId, vmName);
          throw handBack("host " + hostId + " is draining and takes no new VM");
        }
        log.info("no room for {} ({}) on {}; handing the claim back", vmName, template.sizeClass(), hostId);
        throw handBack("host " + hostId + " has no room for a " + template.sizeClass() + " VM any more");
      }
      log.info("claimed room for {} ({}) for {}", vmName, template, request.workflowId());
      return new Claim(hostId, TaskQueues.host(hostId), templatePresent(template));
    } finally {
      listener.capacityChanged();
    }
  }

  /**
   * Whether the template is here now. A host that cannot tell says no: the workflow then ensures
   * the template as before, and a template evicted after this look is pulled again by the VM start.
   */
  private boolean templatePresent(TemplateRef template) {
    try {
      return templates.present(template);
    } catch (IOException | RuntimeException e) {
      log.warn("could not tell whether template {} is on {}: {}; the VM will ensure it", template, hostId,
          e.getMessage());
      return false;
    }
  }

  /**
   * A claim this host cannot grant, as a retryable {@code NoCapacity} whose next attempt is due
   * after {@link #HAND_BACK_DELAY} rather than after the claim's retry backoff: the task goes back
   * on the placement queue at once, for a host with room. This host does not take it again while
   * it has no room, because it polls only while it has.
   */
  private static ApplicationFailure handBack(String message) {
    return ApplicationFailure.newBuilder()
        .setMessage(message)
        .setType(Failures.NO_CAPACITY)
        .setNextRetryDelay(HAND_BACK_DELAY)
        .build();
  }
}
