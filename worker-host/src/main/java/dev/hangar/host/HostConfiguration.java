package dev.hangar.host;

import dev.hangar.activities.host.CapacityLedger;
import dev.hangar.activities.host.HostResourceProbe;
import dev.hangar.activities.host.HostResources;
import dev.hangar.activities.host.SimulatedVmDriver;
import dev.hangar.activities.host.VmDriver;
import dev.hangar.activities.host.anka.AnkaHostInfo;
import dev.hangar.activities.host.anka.AnkaUnusableException;
import dev.hangar.activities.host.anka.AnkaVmDriver;
import dev.hangar.activities.host.tart.TartUnusableException;
import dev.hangar.activities.host.tart.TartVmDriver;
import dev.hangar.activities.secrets.SecretSealer;
import dev.hangar.activities.templates.TemplateCatalog;
import dev.hangar.activities.templates.TemplateSpec;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.file.Path;
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

  /**
   * The VM driver {@code hangar.host.driver} names: {@code simulated}, {@code anka} or {@code
   * tart}. The Anka driver is returned only once Anka has answered {@code version} and shown a
   * licence that can run Hangar's VMs, the Tart driver once {@code tart --version} answered;
   * otherwise the host stops at startup with one line naming the key to fix.
   */
  @Bean
  VmDriver vmDriver(HangarProperties properties, TemplateCatalog catalog) throws IOException {
    if ("anka".equals(properties.host().driver())) {
      return verifiedAnka(properties.host().anka());
    }
    if ("tart".equals(properties.host().driver())) {
      return verifiedTart(properties.host().tart());
    }
    HangarProperties.Simulated sim = properties.host().simulated();
    Set<String> registry = catalog.all().stream().map(TemplateSpec::id).collect(Collectors.toUnmodifiableSet());
    log.info("simulated VM driver in {}", sim.root());
    return new SimulatedVmDriver(sim.root(), sim.pullDelay(), registry::contains, sim.runnerCommand());
  }

  static AnkaVmDriver verifiedAnka(HangarProperties.Anka anka) {
    AnkaVmDriver driver = new AnkaVmDriver(anka.settings());
    try {
      AnkaHostInfo info = driver.verify();
      log.info("Anka VM driver: anka {} ({}), registry {}", info.version(), anka.executable(),
          anka.registry() == null ? "default" : anka.registry());
      return driver;
    } catch (AnkaUnusableException e) {
      if (e.reason() == AnkaUnusableException.Reason.LICENCE) {
        throw new InvalidConfigException("hangar.host.driver",
            "hangar.host.driver is anka but " + e.getMessage());
      }
      throw new InvalidConfigException("hangar.host.anka.executable",
          "hangar.host.anka.executable '" + anka.executable() + "' is not a working anka: " + e.getMessage());
    }
  }

  static TartVmDriver verifiedTart(HangarProperties.Tart tart) {
    TartVmDriver driver = new TartVmDriver(tart.settings());
    try {
      String version = driver.verify();
      log.info("Tart VM driver: tart {} ({}), images from {}", version, tart.executable(), tart.registry());
      return driver;
    } catch (TartUnusableException e) {
      throw new InvalidConfigException("hangar.host.tart.executable",
          "hangar.host.tart.executable '" + tart.executable() + "' is not a working tart: " + e.getMessage());
    }
  }

  /**
   * Measures the disk that holds VMs: the simulated driver's root, or for Anka and Tart the home
   * directory of the user running the host (Anka keeps its library, Tart its {@code ~/.tart},
   * under it by default).
   */
  @Bean
  HostResourceProbe hostResourceProbe(HangarProperties properties, VmDriver driver) {
    Path diskRoot = driver instanceof AnkaVmDriver || driver instanceof TartVmDriver
        ? Path.of(System.getProperty("user.home"))
        : properties.host().simulated().root();
    return new HostResourceProbe(diskRoot);
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
