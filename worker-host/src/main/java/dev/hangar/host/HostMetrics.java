package dev.hangar.host;

import dev.hangar.activities.host.CapacityLedger;
import dev.hangar.activities.host.PlacementPolling;
import dev.hangar.activities.host.VmDriver;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.io.IOException;
import org.springframework.stereotype.Component;

/**
 * The host's gauges, at {@code /actuator/prometheus}: {@code hangar_host_running_vms} (VMs on the
 * host, as the driver lists them), {@code hangar_host_reserved_slots} (room claimed, started or
 * not), {@code hangar_host_max_running_vms}, and {@code hangar_host_placement_polling} (1 while
 * the placement queue of the {@code size_class} tag is polled), {@code hangar_host_draining} (1 once
 * the host drains).
 */
@Component
class HostMetrics implements MeterBinder {

  private final VmDriver driver;
  private final CapacityLedger ledger;
  private final PlacementPolling polling;
  private final HangarProperties properties;
  private final HostDrain drain;

  HostMetrics(
      VmDriver driver, CapacityLedger ledger, PlacementPolling polling, HangarProperties properties, HostDrain drain) {
    this.drain = drain;
    this.driver = driver;
    this.ledger = ledger;
    this.polling = polling;
    this.properties = properties;
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    Gauge.builder("hangar.host.running.vms", this, HostMetrics::runningVms)
        .description("VMs on this host")
        .register(registry);
    Gauge.builder("hangar.host.reserved.slots", ledger, CapacityLedger::reservedCount)
        .description("VM slots claimed on this host, started or not")
        .register(registry);
    Gauge.builder("hangar.host.max.running.vms", () -> properties.host().maxRunningVms())
        .description("Most VMs this host runs at once")
        .register(registry);
    Gauge.builder("hangar.host.draining", drain, HostDrain::drainingGauge)
        .description("1 once this host drains (takes no new work), else 0")
        .register(registry);
    for (String sizeClass : HostWorkers.sizeClasses(properties.catalog()).keySet()) {
      Gauge.builder("hangar.host.placement.polling", polling,
              p -> Boolean.TRUE.equals(p.polling().get(sizeClass)) ? 1 : 0)
          .description("1 while this host polls the placement queue of the size class")
          .tag("size_class", sizeClass)
          .register(registry);
    }
  }

  private double runningVms() {
    try {
      return driver.list().size();
    } catch (IOException e) {
      return Double.NaN;
    }
  }
}
