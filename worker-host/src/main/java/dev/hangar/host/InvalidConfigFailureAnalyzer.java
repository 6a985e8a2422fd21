package dev.hangar.host;

import dev.hangar.boot.ConfigOrigin;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.core.Ordered;
import org.springframework.core.env.Environment;

/**
 * Turns an {@link InvalidConfigException} anywhere in a startup failure into Spring Boot's "APPLICATION
 * FAILED TO START" report: one line naming the key and the problem, one line saying where to fix
 * it, and no stack trace. Runs before Spring's own binding analyzers. Registered in {@code
 * META-INF/spring.factories}.
 */
final class InvalidConfigFailureAnalyzer extends AbstractFailureAnalyzer<InvalidConfigException>
    implements Ordered {

  private final Environment environment;

  /** Spring Boot passes the environment, to say where the wrong value came from. */
  InvalidConfigFailureAnalyzer(Environment environment) {
    this.environment = environment;
  }

  @Override
  protected FailureAnalysis analyze(Throwable rootFailure, InvalidConfigException cause) {
    return new FailureAnalysis(
        cause.getMessage() + ConfigOrigin.describe(environment, cause.key()),
        "Set " + cause.key() + " in application.yml, or with the environment variable "
            + cause.environmentVariable() + " or --" + cause.key() + "=... (see docs/worker-host.md).",
        cause);
  }

  @Override
  public int getOrder() {
    return Ordered.HIGHEST_PRECEDENCE;
  }
}
