package dev.hangar.gateway;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.Map;
import org.springframework.stereotype.Component;

/**
 * Counts deliveries by outcome: {@code hangar_webhook_deliveries_total{outcome="..."}} in Prometheus.
 * Every outcome is registered at start-up, so each series exists from zero.
 */
@Component
class DeliveryMetrics {

  static final String NAME = "hangar.webhook.deliveries";

  private final Map<Outcome, Counter> counters = new EnumMap<>(Outcome.class);

  DeliveryMetrics(MeterRegistry registry) {
    for (Outcome o : Outcome.values()) {
      counters.put(
          o,
          Counter.builder(NAME)
              .description("GitHub webhook deliveries received, by outcome")
              .tag("outcome", o.label())
              .register(registry));
    }
  }

  void record(Outcome outcome) {
    counters.get(outcome).increment();
  }
}
