package dev.hangar.host;

import dev.hangar.activities.host.CapacityLedger;
import dev.hangar.activities.host.HostActivitiesImpl;
import dev.hangar.activities.host.HostResourceProbe;
import dev.hangar.activities.host.PlacementActivitiesImpl;
import dev.hangar.activities.host.PlacementPolling;
import dev.hangar.activities.host.VmDriver;
import dev.hangar.activities.secrets.SecretSealer;
import dev.hangar.activities.templates.TemplateCatalog;
import dev.hangar.activities.templates.TemplateSpec;
import dev.hangar.workflows.TaskQueues;
import dev.hangar.workflows.template.Resources;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactory;
import io.temporal.worker.WorkerOptions;
import io.temporal.worker.tuning.CompositeTuner;
import io.temporal.worker.tuning.FixedSizeSlotSupplier;
import io.temporal.worker.tuning.PollerBehaviorSimpleMaximum;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Registers this host's workers on the Temporal starter's {@link WorkerFactory} while the context
 * starts; the starter starts the factory once the application is ready. One worker polls the
 * host's own queue; one worker per placement queue, for every size class of the catalog that could
 * ever fit this host, polled only while there is room ({@link PlacementPolling}) and running as
 * many claims at once as VMs of the class fit ({@link ClaimSlots}).
 */
@Configuration(proxyBeanMethods = false)
class HostWorkers {

  private static final Logger log = LoggerFactory.getLogger(HostWorkers.class);

  /**
   * The most polls a placement worker keeps in flight. A Mac runs two macOS VMs at most, so this
   * matters only for hosts configured for more (Linux hosts, simulated ones); each poll is a
   * connection the Temporal frontend holds open, and a claim is a few milliseconds of work, so a
   * handful of polls keeps a host claiming as fast as the queue hands out tasks.
   */
  static final int MAX_PLACEMENT_POLLERS = 8;

  @Bean
  PlacementPolling placementPolling(
      WorkerFactory factory,
      HangarProperties properties,
      TemplateCatalog catalog,
      CapacityLedger ledger,
      VmDriver driver,
      SecretSealer sealer,
      HostResourceProbe probe,
      HostVmEvents vmEvents) {
    HangarProperties.Host host = properties.host();
    long diskTotalGb = probe.snapshot().diskTotalGb();

    List<PlacementPolling.Queue> queues = new ArrayList<>();
    List<Worker> placementWorkers = new ArrayList<>();
    List<ClaimSlots> claimSlots = new ArrayList<>();
    for (Map.Entry<String, Resources> e : sizeClasses(catalog).entrySet()) {
      String sizeClass = e.getKey();
      Resources needs = e.getValue();
      boolean diskFits = host.skipCpuAndMemoryResourceChecks() || needs.diskGb() <= diskTotalGb;
      if (!ledger.fitsEver(needs) || !diskFits) {
        log.info("size class {} can never fit this host; not polling {}", sizeClass, TaskQueues.placement(sizeClass));
        continue;
      }
      ClaimSlots slots = new ClaimSlots(ledger, needs);
      Worker worker = factory.newWorker(TaskQueues.placement(sizeClass), placementOptions(slots));
      claimSlots.add(slots);
      placementWorkers.add(worker);
      queues.add(new PlacementPolling.Queue(sizeClass, needs, new WorkerPollingSwitch(factory, worker)));
    }
    if (queues.isEmpty()) {
      log.warn("no template of hangar.templates fits this host: it will never be given a VM");
    }
    PlacementPolling polling =
        new PlacementPolling(ledger, queues, () -> claimSlots.forEach(ClaimSlots::capacityChanged));
    PlacementActivitiesImpl placement = new PlacementActivitiesImpl(host.id(), ledger, polling, driver::templatePresent);
    placementWorkers.forEach(w -> w.registerActivitiesImplementations(placement));

    Worker own = factory.newWorker(TaskQueues.host(host.id()));
    own.registerActivitiesImplementations(new HostActivitiesImpl(
        host.id(), new ObservedVmDriver(driver, vmEvents), ledger, sealer, probe::snapshot, polling,
        host.diskFreeBufferPercent()));
    log.info("host {} polls {} and, while it has room, {}", host.id(), TaskQueues.host(host.id()),
        queues.stream().map(q -> TaskQueues.placement(q.sizeClass())).toList());
    return polling;
  }

  /**
   * A placement worker claims as many VMs at once as its slots allow: as many as fit now
   * ({@link ClaimSlots}), with up to {@link #MAX_PLACEMENT_POLLERS} polls in flight. Polls wait
   * for a slot, so a full host has none in flight, and polling is also suspended while it is full
   * ({@link PlacementPolling}).
   */
  static WorkerOptions placementOptions(ClaimSlots slots) {
    return WorkerOptions.newBuilder()
        .setWorkerTuner(new CompositeTuner(
            new FixedSizeSlotSupplier<>(2), slots, new FixedSizeSlotSupplier<>(1), new FixedSizeSlotSupplier<>(1)))
        .setActivityTaskPollersBehavior(
            new PollerBehaviorSimpleMaximum(Math.min(slots.maximum(), MAX_PLACEMENT_POLLERS)))
        .build();
  }

  /**
   * Each size class of the catalog with what one VM of it needs: its cores and memory, and the
   * smallest disk among its templates (the class fits if any of its templates can).
   */
  static Map<String, Resources> sizeClasses(TemplateCatalog catalog) {
    Map<String, Resources> classes = new LinkedHashMap<>();
    for (TemplateSpec t : catalog.all()) {
      Resources r = t.ref().resources();
      classes.merge(r.sizeClass(), r, (a, b) -> a.diskGb() <= b.diskGb() ? a : b);
    }
    return classes;
  }
}
