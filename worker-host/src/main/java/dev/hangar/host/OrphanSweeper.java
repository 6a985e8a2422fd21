package dev.hangar.host;

import dev.hangar.activities.host.CapacityLedger;
import dev.hangar.activities.host.CapacityListener;
import dev.hangar.activities.host.VmDriver;
import dev.hangar.workflows.Names;
import dev.hangar.workflows.template.Resources;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds VMs no running workflow owns any more and deletes them. A VM's name ({@code
 * hangar-<jobId>-<n>}) names its owner ({@code hangar-job-<jobId>}); a VM whose owner has closed or
 * is unknown to Temporal is an orphan (its workflow's cleanup could not reach this host). A VM whose
 * owner cannot be asked about now is left for the next sweep; a VM whose name is not one of ours is
 * only reported.
 *
 * <p>It also adopts VMs the ledger does not know (this host restarted while they ran), counting
 * each as the largest template of the catalog, so that they are not overbooked.
 */
final class OrphanSweeper {

  private static final Logger log = LoggerFactory.getLogger(OrphanSweeper.class);

  /** What Temporal says about a VM's owning workflow. */
  enum Owner {
    RUNNING,
    CLOSED_OR_UNKNOWN,
    UNREACHABLE
  }

  private final VmDriver driver;
  private final CapacityLedger ledger;
  private final CapacityListener listener;
  private final Function<String, Owner> owners;
  private final Resources adoptedAs;

  /**
   * @param owners the state of a workflow, by workflow id
   * @param adoptedAs what a VM the ledger does not know is counted as
   */
  OrphanSweeper(
      VmDriver driver,
      CapacityLedger ledger,
      CapacityListener listener,
      Function<String, Owner> owners,
      Resources adoptedAs) {
    this.driver = driver;
    this.ledger = ledger;
    this.listener = listener;
    this.owners = owners;
    this.adoptedAs = adoptedAs;
  }

  /** One sweep. @return the VMs deleted */
  List<String> sweep() {
    List<String> vms;
    try {
      vms = driver.list();
    } catch (IOException e) {
      log.warn("orphan sweep: cannot list VMs", e);
      return List.of();
    }
    List<String> deleted = new ArrayList<>();
    for (String vm : vms) {
      Optional<Long> job = Names.ownerJobOfRunner(vm);
      if (job.isEmpty()) {
        log.warn("orphan sweep: VM {} is not named like a Hangar VM; leaving it alone", vm);
        continue;
      }
      String workflowId = Names.workflowId(job.get());
      Owner owner = owners.apply(workflowId);
      if (owner == Owner.RUNNING) {
        if (ledger.find(vm).isEmpty()) {
          log.info("orphan sweep: adopting VM {} of running workflow {}", vm, workflowId);
          ledger.markStarted(vm, adoptedAs);
        }
      } else if (owner == Owner.CLOSED_OR_UNKNOWN) {
        try {
          driver.delete(vm);
          ledger.release(vm);
          deleted.add(vm);
          log.info("orphan sweep: deleted VM {}: workflow {} is no longer running", vm, workflowId);
        } catch (IOException e) {
          log.warn("orphan sweep: could not delete VM {}", vm, e);
        }
      }
    }
    if (!deleted.isEmpty()) {
      listener.capacityChanged();
    }
    return deleted;
  }
}
