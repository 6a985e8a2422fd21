package dev.hangar.host;

import dev.hangar.activities.host.CapacityLedger;
import dev.hangar.activities.host.HostResourceProbe;
import dev.hangar.activities.host.HostResources;
import dev.hangar.activities.host.SimulatedVmDriver;
import dev.hangar.activities.host.VmDriver;
import dev.hangar.activities.secrets.SecretSealer;
import dev.hangar.activities.templates.TemplateCatalog;
import dev.hangar.activities.templates.TemplateSpec;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.time.Clock;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.actuate.autoconfigure.metrics.MeterRegistryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The host's parts, built from {@link HangarProperties}. */
@Configuration(proxyBeanMethods = false)
class HostConfiguration {

  private static final Logger log = LoggerFactory.getLogger(HostConfiguration.class);

  @Bean
  Clock clock() {
    return Clock.systemUTC();
  }

  @Bean
  TemplateCatalog templateCatalog(HangarProperties properties) {
    return properties.catalog();
  }

  @Bean
  SecretSealer secretSealer(HangarProperties properties) {
    return SecretSealer.fromBase64(properties.secrets().key());
  }

  @Bean
  SimulatedVmDriver vmDriver(HangarProperties properties, TemplateCatalog catalog) throws IOException {
    HangarProperties.Simulated sim = properties.host().simulated();
    Set<String> registry = catalog.all().stream().map(TemplateSpec::id).collect(Collectors.toUnmodifiableSet());
    log.info("simulated VM driver in {}", sim.root());
    return new SimulatedVmDriver(sim.root(), sim.pullDelay(), registry::contains, sim.runnerCommand());
  }

  @Bean
  HostResourceProbe hostResourceProbe(HangarProperties properties, VmDriver driver) {
    return new HostResourceProbe(properties.host().simulated().root());
  }

  @Bean
  CapacityLedger capacityLedger(HangarProperties properties, HostResourceProbe probe, Clock clock) {
    HangarProperties.Host host = properties.host();
    HostResources now = probe.snapshot();
    CapacityLedger.Limits limits = new CapacityLedger.Limits(
        host.maxRunningVms(),
        now.cpuCores(),
        now.memoryTotalMb(),
        host.skipCpuAndMemoryResourceChecks(),
        host.reservationTtl());
    log.info("host {}: {}; at most {} VMs{}", host.id(), now, host.maxRunningVms(),
        host.skipCpuAndMemoryResourceChecks() ? ", cores and memory not checked" : "");
    return new CapacityLedger(limits, clock);
  }

  @Bean
  MeterRegistryCustomizer<MeterRegistry> hostTag(HangarProperties properties) {
    return registry -> registry.config().commonTags("host", properties.host().id());
  }
}
