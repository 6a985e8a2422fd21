package dev.hangar.host;

import dev.hangar.activities.host.CapacityLedger;
import dev.hangar.activities.host.HostResourceProbe;
import dev.hangar.activities.host.HostResources;
import dev.hangar.activities.host.PlacementPolling;
import dev.hangar.activities.host.VmDriver;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.function.ToDoubleFunction;
import org.springframework.stereotype.Component;

/**
 * The host's gauges, at {@code /actuator/prometheus}: {@code hangar_host_running_vms} (VMs on the
 * host, as the driver lists them), {@code hangar_host_reserved_slots} (room claimed, started or
 * not), {@code hangar_host_max_running_vms}, and {@code hangar_host_placement_polling} (1 while
 * the placement queue of the {@code size_class} tag is polled), {@code hangar_host_draining} (1 once
 * the host drains), and the host's memory and the disk holding its VMs (total, available, used,
 * used percent), read with OSHI and the file system at each scrape. CPU is Spring Boot's {@code
 * system_cpu_usage} and {@code system_cpu_count}.
 */
@Component
class HostMetrics implements MeterBinder {

  private static final double MIB = 1024.0 * 1024;
  private static final double GIB = MIB * 1024;

  private final VmDriver driver;
  private final CapacityLedger ledger;
  private final PlacementPolling polling;
  private final HangarProperties properties;
  private final HostDrain drain;
  private final HostResourceProbe probe;

  HostMetrics(
      VmDriver driver,
      CapacityLedger ledger,
      PlacementPolling polling,
      HangarProperties properties,
      HostDrain drain,
      HostResourceProbe probe) {
    this.drain = drain;
    this.probe = probe;
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
    bindResources(registry);
  }

  private void bindResources(MeterRegistry registry) {
    resource(registry, "hangar.host.memory.total", "bytes", "Physical memory of this host", r -> r.memoryTotalMb() * MIB);
    resource(registry, "hangar.host.memory.available", "bytes", "Memory available now", r -> r.memoryAvailableMb() * MIB);
    resource(registry, "hangar.host.memory.used", "bytes", "Memory in use now",
        r -> (r.memoryTotalMb() - r.memoryAvailableMb()) * MIB);
    resource(registry, "hangar.host.memory.used.percent", "percent", "Memory in use now, in percent of the total",
        r -> percent(r.memoryTotalMb() - r.memoryAvailableMb(), r.memoryTotalMb()));
    resource(registry, "hangar.host.disk.total", "bytes", "Size of the file system holding the VMs, to the GiB",
        r -> r.diskTotalGb() * GIB);
    resource(registry, "hangar.host.disk.available", "bytes", "Space usable now on that file system, to the GiB",
        r -> r.diskFreeGb() * GIB);
    resource(registry, "hangar.host.disk.used", "bytes", "Space not usable now on that file system, to the GiB",
        r -> (r.diskTotalGb() - r.diskFreeGb()) * GIB);
    resource(registry, "hangar.host.disk.used.percent", "percent", "Space not usable now, in percent of the total",
        r -> percent(r.diskTotalGb() - r.diskFreeGb(), r.diskTotalGb()));
  }

  private void resource(
      MeterRegistry registry, String name, String unit, String description, ToDoubleFunction<HostResources> value) {
    Gauge.builder(name, this, m -> m.resources(value))
        .description(description)
        .baseUnit(unit)
        .register(registry);
  }

  private double resources(ToDoubleFunction<HostResources> value) {
    try {
      return value.applyAsDouble(probe.snapshot());
    } catch (UncheckedIOException e) {
      return Double.NaN;
    }
  }

  private static double percent(long part, long total) {
    return total <= 0 ? Double.NaN : 100.0 * part / total;
  }

  private double runningVms() {
    try {
      return driver.list().size();
    } catch (IOException e) {
      return Double.NaN;
    }
  }
}
