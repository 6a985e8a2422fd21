package dev.hangar.host;

import dev.hangar.activities.host.CapacityLedger;
import dev.hangar.activities.host.PlacementPolling;
import dev.hangar.activities.templates.TemplateCatalog;
import dev.hangar.activities.templates.TemplateSpec;
import dev.hangar.host.HostStatus.Status;
import dev.hangar.host.HostVmEvents.Activity;
import dev.hangar.host.HostVmEvents.Outcome;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.temporal.worker.WorkerFactory;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * The host's and each template's status with the time it began, the last success and failure, and
 * VM lives by outcome, at {@code /actuator/prometheus} (docs/metrics.md has the rules). Statuses
 * are re-evaluated every second.
 */
@Component
class HostStatusMetrics implements MeterBinder, InitializingBean, DisposableBean {

  private static final Logger log = LoggerFactory.getLogger(HostStatusMetrics.class);
  private static final long REFRESH_MILLIS = 1000;

  /**
   * What the statuses are computed from, besides the VM events.
   *
   * @param workersPolling whether the host's Temporal workers are started and not shut down
   * @param draining whether the host drains
   * @param polling each placement queue's size class and whether it is polled (room for one more)
   * @param reservedSlots VM slots claimed on the host, started or not
   */
  record Inputs(
      BooleanSupplier workersPolling,
      BooleanSupplier draining,
      Supplier<Map<String, Boolean>> polling,
      IntSupplier reservedSlots) {}

  private final HostVmEvents events;
  private final Inputs inputs;
  private final Clock clock;
  /** Template id to its size class, in catalog order. */
  private final Map<String, String> sizeClassOf = new LinkedHashMap<>();
  private final HostStatus host;
  private final Map<String, HostStatus> templates = new LinkedHashMap<>();
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "host-status");
    t.setDaemon(true);
    return t;
  });

  @Autowired
  HostStatusMetrics(
      HostVmEvents events,
      HostDrain drain,
      PlacementPolling polling,
      CapacityLedger ledger,
      TemplateCatalog catalog,
      WorkerFactory factory,
      Clock clock) {
    this(events,
        new Inputs(
            () -> factory.isStarted() && !factory.isShutdown(),
            () -> drain.state() != HostDrain.State.ACCEPTING,
            polling::polling,
            ledger::reservedCount),
        catalog,
        clock);
  }

  HostStatusMetrics(HostVmEvents events, Inputs inputs, TemplateCatalog catalog, Clock clock) {
    this.events = events;
    this.inputs = inputs;
    this.clock = clock;
    Instant now = clock.instant();
    this.host = new HostStatus(Status.STOPPED, now);
    for (TemplateSpec t : catalog.all()) {
      sizeClassOf.putIfAbsent(t.id(), t.ref().sizeClass());
      templates.putIfAbsent(t.id(), new HostStatus(Status.STOPPED, now));
    }
  }

  @Override
  public void afterPropertiesSet() {
    timer.scheduleWithFixedDelay(this::refreshQuietly, 0, REFRESH_MILLIS, TimeUnit.MILLISECONDS);
  }

  @Override
  public void destroy() {
    timer.shutdownNow();
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    refresh();
    statusGauges(registry, "hangar.host", host, Map.of());
    timestamp(registry, "hangar.host.last.success", "When a VM on this host last served a job to its end",
        events::lastSuccess, Map.of());
    timestamp(registry, "hangar.host.last.failure", "When a VM, runner or pull on this host last failed",
        events::lastFailure, Map.of());
    for (Map.Entry<String, HostStatus> t : templates.entrySet()) {
      String template = t.getKey();
      Map<String, String> tag = Map.of("template", template);
      statusGauges(registry, "hangar.template", t.getValue(), tag);
      timestamp(registry, "hangar.template.last.success", "When a VM of the template last served a job to its end",
          () -> events.lastSuccess(template), tag);
      timestamp(registry, "hangar.template.last.failure", "When a VM of the template or its pull last failed",
          () -> events.lastFailure(template), tag);
      for (Outcome outcome : Outcome.values()) {
        FunctionCounter.builder("hangar.host.vm.runs", events, e -> e.runs(template, outcome))
            .description("VM lives on this host that ended, by template and outcome")
            .tag("template", template)
            .tag("outcome", outcome.label())
            .register(registry);
      }
    }
  }

  /** Re-evaluates every status now. */
  void refresh() {
    Map<String, Activity> activity = events.activity();
    Map<String, Boolean> polling = inputs.polling().get();
    Instant now = clock.instant();
    Status before = host.status();
    if (host.set(hostStatus(activity, polling), now)) {
      log.info("host status {} -> {}", before.label(), host.status().label());
    }
    templates.forEach((template, status) -> status.set(templateStatus(template, activity, polling), now));
  }

  private Status hostStatus(Map<String, Activity> activity, Map<String, Boolean> polling) {
    if (!inputs.workersPolling().getAsBoolean()) {
      return Status.STOPPED;
    }
    if (inputs.draining().getAsBoolean()) {
      return Status.DRAINING;
    }
    if (!polling.isEmpty() && !polling.containsValue(Boolean.TRUE)) {
      return Status.LIMIT_PAUSED;
    }
    if (activity.values().stream().anyMatch(a -> a.runnersUp() > 0)) {
      return Status.IN_PROGRESS;
    }
    if (inputs.reservedSlots().getAsInt() > 0 || !activity.isEmpty()) {
      return Status.RUNNING;
    }
    return Status.IDLE;
  }

  private Status templateStatus(String template, Map<String, Activity> activity, Map<String, Boolean> polling) {
    if (!inputs.workersPolling().getAsBoolean()) {
      return Status.STOPPED;
    }
    if (inputs.draining().getAsBoolean()) {
      return Status.DRAINING;
    }
    Activity a = activity.get(template);
    if (a != null && a.runnersUp() > 0) {
      return Status.IN_PROGRESS;
    }
    if (a != null) {
      return Status.RUNNING;
    }
    if (Boolean.FALSE.equals(polling.get(sizeClassOf.get(template)))) {
      return Status.LIMIT_PAUSED;
    }
    return Status.IDLE;
  }

  private void refreshQuietly() {
    try {
      refresh();
    } catch (RuntimeException e) {
      log.warn("could not evaluate the host status; trying again", e);
    }
  }

  private static void statusGauges(MeterRegistry registry, String prefix, HostStatus status, Map<String, String> tags) {
    for (Status s : Status.values()) {
      Gauge.Builder<HostStatus> b = Gauge.builder(prefix + ".status", status, st -> st.is(s))
          .description("1 for the current status, 0 for the others")
          .tag("status", s.label());
      tags.forEach(b::tag);
      b.register(registry);
    }
    timestampGauge(registry, prefix + ".status.since", "When the current status began", status,
        HostStatus::sinceEpochSeconds, tags);
  }

  private static void timestamp(
      MeterRegistry registry, String name, String description, Supplier<Optional<Instant>> when, Map<String, String> tags) {
    timestampGauge(registry, name, description, when,
        w -> w.get().map(i -> i.toEpochMilli() / 1000.0).orElse(Double.NaN), tags);
  }

  private static <T> void timestampGauge(
      MeterRegistry registry,
      String name,
      String description,
      T source,
      ToDoubleFunction<T> value,
      Map<String, String> tags) {
    Gauge.Builder<T> b = Gauge.builder(name + ".timestamp", source, value)
        .description(description + ", in Unix seconds")
        .baseUnit("seconds")
        .strongReference(true); // the source may be a lambda no one else holds
    tags.forEach(b::tag);
    b.register(registry);
  }
}
