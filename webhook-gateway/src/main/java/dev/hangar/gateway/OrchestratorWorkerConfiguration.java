package dev.hangar.gateway;

import dev.hangar.activities.github.GitHubActivitiesImpl;
import dev.hangar.activities.github.RunnerRegistrationMode;
import dev.hangar.activities.github.RunnerSettings;
import dev.hangar.activities.github.GitHubApi;
import dev.hangar.activities.github.GitHubCredentials;
import dev.hangar.activities.github.GitHubProperties;
import dev.hangar.activities.github.RunnerScope;
import dev.hangar.activities.reconcile.ReconcileActivitiesImpl;
import dev.hangar.activities.routing.RoutingActivitiesImpl;
import dev.hangar.activities.routing.TemplateRouter;
import dev.hangar.activities.secrets.SecretSealer;
import dev.hangar.workflows.TaskQueues;
import dev.hangar.workflows.job.JobMetrics;
import dev.hangar.workflows.job.JobWorkflowImpl;
import dev.hangar.workflows.reconcile.ReconcileWorkflowImpl;
import dev.hangar.workflows.routing.Route;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.config.MeterFilter;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactory;
import java.nio.file.Path;
import java.util.Locale;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The orchestrator: one worker on {@link TaskQueues#ORCHESTRATOR} with the job and reconcile
 * workflows and the routing, GitHub and reconcile activities, registered on the Temporal Spring
 * Boot starter's {@link WorkerFactory}.
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
    GitHubProperties gitHub = new GitHubProperties(
        github.apiUrl().toString(), github.hasToken() ? github.token() : null, github.runnerGroupId(), null, null);
    GitHubCredentials credentials = credentials(github);
    log.info("GitHub API {} as {}", gitHub.apiUrl(), credentials);
    return GitHubApi.create(gitHub, credentials);
  }

  /** A personal access token or a GitHub App, exactly one of them. */
  static GitHubCredentials credentials(OrchestratorProperties.GitHub github) {
    if (github.hasToken() && github.hasApp()) {
      throw new InvalidConfigException(
          "hangar.github.token",
          "and hangar.github.app-id/private-key-file are both set: authenticate either with a token or as a"
              + " GitHub App, not both; unset one of them");
    }
    if (github.hasToken()) {
      if (github.installationId() != null) {
        throw new InvalidConfigException(
            "hangar.github.installation-id", "is set but no GitHub App is: it only applies to hangar.github.app-id");
      }
      return GitHubCredentials.personalAccessToken(github.token());
    }
    if (!github.hasApp()) {
      throw new InvalidConfigException(
          "hangar.github.token",
          "is not set: the orchestrator registers runners and cancels runs with it; set it (env"
              + " HANGAR_GITHUB_TOKEN), or configure a GitHub App (hangar.github.app-id and"
              + " hangar.github.private-key-file), or set hangar.orchestrator.workers-enabled=false");
    }
    if (github.appId() == null || github.appId() <= 0) {
      throw new InvalidConfigException(
          "hangar.github.app-id", "must be the GitHub App's (positive) id when hangar.github.private-key-file is set"
              + " (env HANGAR_GITHUB_APP_ID)");
    }
    if (github.privateKeyFile() == null || github.privateKeyFile().isBlank()) {
      throw new InvalidConfigException(
          "hangar.github.private-key-file",
          "is not set: a GitHub App (hangar.github.app-id) needs its private key file (env"
              + " HANGAR_GITHUB_PRIVATE_KEY_FILE)");
    }
    try {
      return GitHubCredentials.app(github.appId(), Path.of(github.privateKeyFile()), github.installationId());
    } catch (IllegalArgumentException e) {
      throw new InvalidConfigException("hangar.github.private-key-file", "is unusable: " + e.getMessage());
    }
  }

  /** Where runners are registered and which group they join. */
  @Bean
  RunnerScope runnerScope(OrchestratorProperties properties) {
    OrchestratorProperties.GitHub github = properties.github();
    try {
      return new RunnerScope(github.runnerScope(), github.enterprise(), github.runnerGroup(), github.runnerGroupId());
    } catch (IllegalArgumentException e) {
      throw new InvalidConfigException("hangar.github.runner-scope", "and its runner group are inconsistent: "
          + e.getMessage() + " (hangar.github.runner-scope, enterprise, runner-group, runner-group-id)");
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
  GitHubActivitiesImpl gitHubActivities(
      GitHubApi api, RunnerScope scope, SecretSealer sealer, OrchestratorProperties properties) {
    return new GitHubActivitiesImpl(api, sealer, scope, runnerSettings(properties.github()));
  }

  /** How runners are registered and runs force-cancelled, validated. */
  static RunnerSettings runnerSettings(OrchestratorProperties.GitHub github) {
    RunnerSettings settings;
    try {
      settings = new RunnerSettings(github.runnerRegistration(), github.forceCancelAfter());
    } catch (IllegalArgumentException e) {
      throw new InvalidConfigException("hangar.github.force-cancel-after", "is invalid: " + e.getMessage());
    }
    if (settings.registration() == RunnerRegistrationMode.REGISTRATION_TOKEN
        && github.runnerScope() != RunnerScope.Level.REPOSITORY
        && (github.runnerGroup() == null || github.runnerGroup().isBlank()) && github.runnerGroupId() != 1L) {
      throw new InvalidConfigException("hangar.github.runner-group-id",
          "cannot be used with hangar.github.runner-registration=registration-token: config.sh takes the"
              + " runner group by name; set hangar.github.runner-group instead");
    }
    log.info("runners registered with {}; cancelled runs force-cancelled after {}",
        settings.registration() == RunnerRegistrationMode.JIT ? "JIT configurations" : "registration tokens",
        settings.forceCancelAfter());
    return settings;
  }

  @Bean
  OrchestratorWorker orchestratorWorker(
      ObjectProvider<WorkerFactory> factories,
      TemplateRouter router,
      GitHubActivitiesImpl gitHub,
      ReconcileActivitiesImpl reconcile,
      SecretSealer sealer,
      MeterRegistry meters) {
    WorkerFactory factory = factories.getIfAvailable();
    if (factory == null) {
      throw new InvalidConfigException(
          "spring.temporal.workers-auto-discovery.enabled",
          "must be set (false is fine) so that the Temporal starter creates its WorkerFactory, which"
              + " the orchestrator worker is registered on; or set hangar.orchestrator.workers-enabled=false");
    }
    Worker worker = factory.newWorker(TaskQueues.ORCHESTRATOR);
    worker.registerWorkflowImplementationTypes(JobWorkflowImpl.class, ReconcileWorkflowImpl.class);
    worker.registerActivitiesImplementations(new RoutingActivitiesImpl(router, refusals(meters)), gitHub, reconcile);
    log.info(
        "orchestrator worker registered on task queue {} (sealing key {})", TaskQueues.ORCHESTRATOR, sealer.keyId());
    return new OrchestratorWorker(worker);
  }

  /** Counts jobs a pool refused ({@code hangar_jobs_refused_total}, docs/metrics.md). */
  static Consumer<Route> refusals(MeterRegistry meters) {
    return route -> Counter.builder("hangar.jobs.refused")
        .description("jobs a pool did not trust: no VM, no runner")
        .tag("pool", route.pool() == null ? "default" : route.pool())
        .tag("action", route.trust().onUntrusted().name().toLowerCase(Locale.ROOT))
        .register(meters)
        .increment();
  }

  /**
   * The orchestrator's worker, as a bean so that tests and health checks can find it.
   *
   * @param worker the worker on {@link TaskQueues#ORCHESTRATOR}
   */
  record OrchestratorWorker(Worker worker) {}
}
