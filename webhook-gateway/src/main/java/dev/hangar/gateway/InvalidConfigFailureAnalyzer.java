package dev.hangar.gateway;

import dev.hangar.boot.ConfigOrigin;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.core.env.Environment;

/**
 * Turns an {@link InvalidConfigException} into Spring Boot's "APPLICATION FAILED TO START" report:
 * one line saying which key is wrong and how to fix it, without a stack trace.
 */
public final class InvalidConfigFailureAnalyzer extends AbstractFailureAnalyzer<InvalidConfigException> {

  private final Environment environment;

  /** Spring Boot passes the environment, to say where the wrong value came from. */
  public InvalidConfigFailureAnalyzer(Environment environment) {
    this.environment = environment;
  }

  @Override
  protected FailureAnalysis analyze(Throwable rootFailure, InvalidConfigException cause) {
    String key = cause.key() != null ? cause.key() : leadingKey(cause.getMessage());
    return new FailureAnalysis(
        "Invalid Hangar configuration: " + cause.getMessage() + ConfigOrigin.describe(environment, key),
        "Fix the key in application.yml or in the environment (relaxed binding: hangar.gateway.webhook-secret"
            + " is HANGAR_GATEWAY_WEBHOOK_SECRET), then start again. Every key is described in"
            + " docs/webhook-gateway.md.",
        cause);
  }

  /** The key a message starts with, as validating constructors word them ("hangar.x must ..."). */
  private static String leadingKey(String message) {
    if (message == null || !message.startsWith("hangar.")) {
      return null;
    }
    int space = message.indexOf(' ');
    return space < 0 ? message : message.substring(0, space);
  }
}
