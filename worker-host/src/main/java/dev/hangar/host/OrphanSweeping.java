package dev.hangar.host;

import dev.hangar.activities.host.CapacityLedger;
import dev.hangar.activities.host.PlacementPolling;
import dev.hangar.activities.host.VmDriver;
import dev.hangar.activities.templates.TemplateCatalog;
import dev.hangar.workflows.template.Resources;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowNotFoundException;
import java.util.Comparator;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.stereotype.Component;

/** Runs the {@link OrphanSweeper} at startup and every {@code hangar.host.orphan-sweep-interval}. */
@Component
class OrphanSweeping implements ApplicationListener<ApplicationReadyEvent>, DisposableBean {

  private static final Logger log = LoggerFactory.getLogger(OrphanSweeping.class);

  private final OrphanSweeper sweeper;
  private final long intervalMillis;
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "orphan-sweep");
    t.setDaemon(true);
    return t;
  });

  OrphanSweeping(
      VmDriver driver,
      CapacityLedger ledger,
      PlacementPolling polling,
      WorkflowClient client,
      TemplateCatalog catalog,
      HangarProperties properties) {
    Resources largest = catalog.all().stream()
        .map(t -> t.ref().resources())
        .max(Comparator.comparingInt(Resources::cpuCores).thenComparingLong(Resources::memoryMb))
        .orElseThrow();
    this.sweeper = new OrphanSweeper(driver, ledger, polling, id -> ownerOf(client, id), largest);
    this.intervalMillis = properties.host().orphanSweepInterval().toMillis();
  }

  @Override
  public void onApplicationEvent(ApplicationReadyEvent event) {
    timer.scheduleWithFixedDelay(this::sweep, 0, intervalMillis, TimeUnit.MILLISECONDS);
  }

  private void sweep() {
    try {
      sweeper.sweep();
    } catch (RuntimeException e) {
      log.warn("orphan sweep failed; trying again in {} ms", intervalMillis, e);
    }
  }

  static OrphanSweeper.Owner ownerOf(WorkflowClient client, String workflowId) {
    try {
      WorkflowExecutionStatus status = client.newUntypedWorkflowStub(workflowId).describe().getStatus();
      return status == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING
          ? OrphanSweeper.Owner.RUNNING
          : OrphanSweeper.Owner.CLOSED_OR_UNKNOWN;
    } catch (WorkflowNotFoundException e) {
      return OrphanSweeper.Owner.CLOSED_OR_UNKNOWN;
    } catch (StatusRuntimeException e) {
      return e.getStatus().getCode() == Status.Code.NOT_FOUND
          ? OrphanSweeper.Owner.CLOSED_OR_UNKNOWN
          : OrphanSweeper.Owner.UNREACHABLE;
    } catch (RuntimeException e) {
      log.debug("cannot describe workflow {}", workflowId, e);
      return OrphanSweeper.Owner.UNREACHABLE;
    }
  }

  @Override
  public void destroy() {
    timer.shutdownNow();
  }
}
