package dev.hangar.gateway;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/**
 * The webhook gateway and orchestrator: receives GitHub's {@code workflow_job} webhooks, verifies
 * them and hands each to its job's workflow with signal-with-start; when {@code
 * hangar.orchestrator.workers-enabled}, it also runs the job workflows and the routing and GitHub
 * activities on the orchestrator task queue. See docs/webhook-gateway.md.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
public class WebhookGatewayApplication {

  public static void main(String[] args) {
    SpringApplication.run(WebhookGatewayApplication.class, args);
  }
}
