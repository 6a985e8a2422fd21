package dev.hangar.gateway;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.springframework.stereotype.Component;

/**
 * Counts deliveries by outcome ({@code hangar_webhook_deliveries_total{outcome}}) and times the
 * answers ({@code hangar_webhook_answer_seconds{outcome}}, a histogram). Every outcome is
 * registered at start-up, so each series exists from zero. docs/metrics.md lists every metric.
 */
@Component
class DeliveryMetrics {

  static final String NAME = "hangar.webhook.deliveries";
  static final String ANSWER = "hangar.webhook.answer";

  private final Map<Outcome, Counter> counters = new EnumMap<>(Outcome.class);
  private final Map<Outcome, Timer> timers = new EnumMap<>(Outcome.class);

  DeliveryMetrics(MeterRegistry registry) {
    for (Outcome o : Outcome.values()) {
      counters.put(
          o,
          Counter.builder(NAME)
              .description("GitHub webhook deliveries received, by outcome")
              .tag("outcome", o.label())
              .register(registry));
      timers.put(
          o,
          Timer.builder(ANSWER)
              .description("Time from receiving a webhook delivery to answering it, by outcome")
              .tag("outcome", o.label())
              .serviceLevelObjectives(
                  Duration.ofMillis(10), Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250),
                  Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(5),
                  Duration.ofSeconds(10))
              .register(registry));
    }
  }

  void record(Outcome outcome) {
    counters.get(outcome).increment();
  }

  void record(Outcome outcome, long elapsedNanos) {
    record(outcome);
    timers.get(outcome).record(Math.max(0, elapsedNanos), TimeUnit.NANOSECONDS);
  }
}
