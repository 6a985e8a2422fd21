package dev.hangar.gateway;

import dev.hangar.activities.dispatch.JobSignals;
import dev.hangar.activities.github.GitHubApi;
import dev.hangar.activities.reconcile.ReconcileActivitiesImpl;
import dev.hangar.activities.routing.TemplateRouter;
import dev.hangar.workflows.reconcile.ReconcileRequest;
import dev.hangar.workflows.routing.Route;
import io.temporal.client.WorkflowClient;
import io.temporal.client.schedules.ScheduleClient;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Lost-webhook recovery on the orchestrator: the reconcile activities (registered on the
 * orchestrator worker with the reconcile workflow) and, once the application is ready, the Schedule
 * that starts a pass every {@code hangar.reconciler.interval}. If Temporal cannot be reached then,
 * the schedule is tried again every {@link #RETRY} until it is in place.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "hangar.orchestrator.workers-enabled", havingValue = "true", matchIfMissing = true)
class ReconcilerConfiguration {

  private static final Logger log = LoggerFactory.getLogger(ReconcilerConfiguration.class);

  /** GitHub's primary rate limit for a personal access token, calls an hour. */
  static final long GITHUB_HOURLY_LIMIT = 5000;

  /** Time between attempts to put the schedule in place while Temporal is unreachable. */
  static final Duration RETRY = Duration.ofSeconds(30);

  @Bean
  ReconcileActivitiesImpl reconcileActivities(
      GitHubApi api, WorkflowClient client, JobSignals signals, TemplateRouter router) {
    return new ReconcileActivitiesImpl(
        api.jobs(), api::lastRateLimit, client, signals,
        labels -> router.route(labels).decision() != Route.Decision.NOT_OURS);
  }

  @Bean
  ReconcilerSchedule reconcilerSchedule(ScheduleClient schedules) {
    return new ReconcilerSchedule(schedules);
  }

  @Bean(destroyMethod = "shutdownNow")
  ScheduledExecutorService reconcilerScheduleRetries() {
    return Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "hangar-reconciler-schedule");
      t.setDaemon(true);
      return t;
    });
  }

  /** Puts the schedule in place (or removes it) once the application is ready. */
  @Bean
  ApplicationListener<ApplicationReadyEvent> reconcilerScheduleStartup(
      ReconcilerProperties properties,
      ReconcileRequest request,
      ReconcilerSchedule schedule,
      ScheduledExecutorService reconcilerScheduleRetries) {
    Runnable apply = () -> {
      if (properties.enabled() && properties.hasScope()) {
        schedule.ensure(request, properties.interval());
        log.info("reconciler: {} repositories and {} organisations, at most {} GitHub calls a pass,"
                + " {} an hour{}", request.repositories().size(), request.organizations().size(),
            request.maxCallsPerPass(), properties.maxCallsPerHour(),
            properties.pollingOnly() ? "; polling only: it is the only source of job events" : "");
        if (properties.maxCallsPerHour() > GITHUB_HOURLY_LIMIT) {
          log.warn("the reconciler may make up to {} GitHub calls an hour, more than a token's {}:"
                  + " lower hangar.reconciler.max-calls-per-pass or raise hangar.reconciler.interval",
              properties.maxCallsPerHour(), GITHUB_HOURLY_LIMIT);
        }
      } else {
        schedule.remove();
      }
    };
    return event -> reconcilerScheduleRetries.execute(() -> applyUntilDone(apply, reconcilerScheduleRetries));
  }

  private static void applyUntilDone(Runnable apply, ScheduledExecutorService retries) {
    try {
      apply.run();
    } catch (RuntimeException e) {
      log.warn("could not put the reconciler's schedule in place ({}); trying again in {}", e.getMessage(), RETRY);
      retries.schedule(() -> applyUntilDone(apply, retries), RETRY.toSeconds(), TimeUnit.SECONDS);
    }
  }
}
