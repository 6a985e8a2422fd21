package dev.hangar.gateway;

import dev.hangar.activities.github.GitHubActivitiesImpl;
import dev.hangar.activities.github.GitHubApi;
import dev.hangar.activities.github.GitHubCredentials;
import dev.hangar.activities.github.GitHubProperties;
import dev.hangar.activities.routing.RoutingActivitiesImpl;
import dev.hangar.activities.routing.TemplateRouter;
import dev.hangar.activities.secrets.SecretSealer;
import dev.hangar.workflows.TaskQueues;
import dev.hangar.workflows.job.JobMetrics;
import dev.hangar.workflows.job.JobWorkflowImpl;
import io.micrometer.core.instrument.config.MeterFilter;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The orchestrator: one worker on {@link TaskQueues#ORCHESTRATOR} with the job workflow, the
 * routing activity and the GitHub activities, registered on the Temporal Spring Boot starter's
 * {@link WorkerFactory}.
 *
 * <p>The starter creates its {@code WorkerFactory} bean only when {@code spring.temporal.workers} or
 * {@code spring.temporal.workers-auto-discovery} is configured; application.yml sets {@code
 * workers-auto-discovery.enabled: false}, which makes the factory without discovering anything.
 * The starter starts the factory on {@code ApplicationReadyEvent}, after every bean is built and
 * every {@code CommandLineRunner} has returned, so the registration below, done while the context
 * is built, always comes first. {@code spring.temporal.start-workers} follows {@code
 * hangar.orchestrator.workers-enabled}, so a gateway without workers never polls.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "hangar.orchestrator.workers-enabled", havingValue = "true", matchIfMissing = true)
class OrchestratorWorkerConfiguration {

  private static final Logger log = LoggerFactory.getLogger(OrchestratorWorkerConfiguration.class);

  @Bean
  SecretSealer secretSealer(OrchestratorProperties properties) {
    String key = properties.secrets().key();
    if (key == null || key.isBlank()) {
      throw new InvalidConfigException(
          "hangar.secrets.key",
          "is not set: the orchestrator seals JIT runner configurations with it; set it (env HANGAR_SECRETS_KEY)"
              + " to the same base64 32-byte key as the hosts, or set hangar.orchestrator.workers-enabled=false");
    }
    try {
      return SecretSealer.fromBase64(key);
    } catch (IllegalArgumentException e) {
      throw new InvalidConfigException("hangar.secrets.key", "is invalid: " + e.getMessage());
    }
  }

  @Bean
  GitHubApi gitHubApi(OrchestratorProperties properties) {
    OrchestratorProperties.GitHub github = properties.github();
    if (github.token() == null || github.token().isBlank()) {
      throw new InvalidConfigException(
          "hangar.github.token",
          "is not set: the orchestrator registers runners and cancels runs with it; set it (env"
              + " HANGAR_GITHUB_TOKEN), or set hangar.orchestrator.workers-enabled=false");
    }
    try {
      GitHubProperties gitHub =
          new GitHubProperties(github.apiUrl().toString(), github.token(), github.runnerGroupId(), null, null);
      return GitHubApi.create(gitHub, GitHubCredentials.personalAccessToken(gitHub.token()));
    } catch (IllegalArgumentException e) {
      throw new InvalidConfigException("hangar.github", "is invalid: " + e.getMessage());
    }
  }

  /**
   * Buckets from 1 s to 24 h for the job workflow's timers ({@link JobMetrics}), which the
   * Temporal starter's metrics scope reports into this application's registry; static, so the
   * registry gets it before any meter exists.
   */
  @Bean
  static MeterFilter jobTimerBuckets() {
    return JobMetrics.histogramBuckets();
  }

  /** The GitHub client's calls and rate limit as metrics (docs/metrics.md). */
  @Bean(destroyMethod = "close")
  GitHubApiMetrics gitHubApiMetrics(GitHubApi api) {
    return new GitHubApiMetrics(api);
  }

  @Bean
  GitHubActivitiesImpl gitHubActivities(GitHubApi api, OrchestratorProperties properties, SecretSealer sealer) {
    return new GitHubActivitiesImpl(api, sealer, properties.github().runnerGroupId());
  }

  @Bean
  OrchestratorWorker orchestratorWorker(
      ObjectProvider<WorkerFactory> factories,
      TemplateRouter router,
      GitHubActivitiesImpl gitHub,
      SecretSealer sealer) {
    WorkerFactory factory = factories.getIfAvailable();
    if (factory == null) {
      throw new InvalidConfigException(
          "spring.temporal.workers-auto-discovery.enabled",
          "must be set (false is fine) so that the Temporal starter creates its WorkerFactory, which"
              + " the orchestrator worker is registered on; or set hangar.orchestrator.workers-enabled=false");
    }
    Worker worker = factory.newWorker(TaskQueues.ORCHESTRATOR);
    worker.registerWorkflowImplementationTypes(JobWorkflowImpl.class);
    worker.registerActivitiesImplementations(new RoutingActivitiesImpl(router), gitHub);
    log.info(
        "orchestrator worker registered on task queue {} (sealing key {})", TaskQueues.ORCHESTRATOR, sealer.keyId());
    return new OrchestratorWorker(worker);
  }

  /**
   * The orchestrator's worker, as a bean so that tests and health checks can find it.
   *
   * @param worker the worker on {@link TaskQueues#ORCHESTRATOR}
   */
  record OrchestratorWorker(Worker worker) {}
}
