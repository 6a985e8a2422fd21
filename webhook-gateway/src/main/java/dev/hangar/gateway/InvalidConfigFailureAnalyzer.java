package dev.hangar.gateway;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Turns an {@link InvalidConfigException} into Spring Boot's "APPLICATION FAILED TO START" report:
 * one line saying which key is wrong and how to fix it, without a stack trace.
 */
public final class InvalidConfigFailureAnalyzer extends AbstractFailureAnalyzer<InvalidConfigException> {

  @Override
  protected FailureAnalysis analyze(Throwable rootFailure, InvalidConfigException cause) {
    return new FailureAnalysis(
        "Invalid Hangar configuration: " + cause.getMessage(),
        "Fix the key in application.yml or in the environment (relaxed binding: hangar.gateway.webhook-secret"
            + " is HANGAR_GATEWAY_WEBHOOK_SECRET), then start again. Every key is described in"
            + " docs/webhook-gateway.md.",
        cause);
  }
}
