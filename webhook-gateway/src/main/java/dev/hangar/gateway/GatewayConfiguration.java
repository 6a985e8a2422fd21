package dev.hangar.gateway;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hangar.activities.dispatch.JobSignals;
import dev.hangar.activities.routing.TemplateRouter;
import dev.hangar.activities.templates.TemplateCatalog;
import dev.hangar.workflows.job.JobPolicy;
import dev.hangar.workflows.reconcile.ReconcileRequest;
import io.temporal.client.WorkflowClient;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The webhook side's beans, each built from validated configuration: a mistake stops start-up with
 * one line naming the key ({@link InvalidConfigException}).
 */
@Configuration(proxyBeanMethods = false)
class GatewayConfiguration {

  private static final Logger log = LoggerFactory.getLogger(GatewayConfiguration.class);

  /** GitHub stops waiting for an answer after 10 s. */
  private static final Duration GITHUB_TIMEOUT = Duration.ofSeconds(10);

  /** Hand-overs in flight at once; more are answered 503 at once. */
  private static final int MAX_IN_FLIGHT = 64;

  @Bean
  Clock clock() {
    return Clock.systemUTC();
  }

  /** The reconciler's pass, validated at start-up by every gateway, whether or not it runs workers. */
  @Bean
  ReconcileRequest reconcileRequest(ReconcilerProperties reconciler) {
    return reconciler.toRequest();
  }

  @Bean
  DeliveryAuthenticator deliveryAuthenticator(GatewayProperties gateway, ReconcilerProperties reconciler) {
    if (reconciler.pollingOnly()) {
      log.info("hangar.reconciler.polling-only=true: /webhook refuses every delivery; the reconciler,"
          + " every {}, is the only source of job events", reconciler.interval());
      return (body, signature) -> false;
    }
    if (gateway.insecureSkipSignatureCheck()) {
      log.warn(
          "*** INSECURE: hangar.gateway.insecure-skip-signature-check=true: webhook signatures are NOT checked;"
              + " anyone who can reach /webhook can start jobs. Never run this way outside a test. ***");
      return (body, signature) -> true;
    }
    if (!gateway.hasSecret()) {
      throw new InvalidConfigException(
          "hangar.gateway.webhook-secret",
          "is not set: set it (env HANGAR_GATEWAY_WEBHOOK_SECRET) to the secret of the GitHub webhook,"
              + " or set hangar.gateway.insecure-skip-signature-check=true for local tests only");
    }
    return new SignatureVerifier(gateway.webhookSecret())::verify;
  }

  @Bean
  PayloadParser payloadParser(ObjectMapper mapper) {
    return new PayloadParser(mapper);
  }

  @Bean
  TemplateCatalog templateCatalog(CatalogProperties catalog) {
    try {
      return new TemplateCatalog(catalog.templates());
    } catch (IllegalArgumentException e) {
      throw InvalidConfigException.of(e);
    }
  }

  @Bean
  TemplateRouter templateRouter(TemplateCatalog templates, CatalogProperties catalog) {
    try {
      return new TemplateRouter(templates, catalog.pools(), catalog.trust(), catalog.allowedOwners());
    } catch (IllegalArgumentException e) {
      throw InvalidConfigException.of(e);
    }
  }

  @Bean
  JobPolicy jobPolicy(JobProperties job) {
    return job.toPolicy();
  }

  @Bean(destroyMethod = "shutdownNow")
  ExecutorService dispatchExecutor() {
    return new ThreadPoolExecutor(
        0, MAX_IN_FLIGHT, 60, TimeUnit.SECONDS, new SynchronousQueue<>(), daemonThreads("hangar-dispatch-"));
  }

  @Bean(destroyMethod = "shutdownNow")
  ScheduledExecutorService dispatchDeadlineTimer() {
    return Executors.newSingleThreadScheduledExecutor(daemonThreads("hangar-dispatch-deadline-"));
  }

  /** How job events reach job workflows, for webhooks and the reconciler alike. */
  @Bean
  JobSignals jobSignals(WorkflowClient client, JobPolicy policy) {
    return new JobSignals(client, policy);
  }

  @Bean
  JobDispatcher jobDispatcher(
      JobSignals signals,
      GatewayProperties gateway,
      ExecutorService dispatchExecutor,
      ScheduledExecutorService dispatchDeadlineTimer) {
    Duration timeout = gateway.temporalTimeout();
    if (timeout.isZero() || timeout.isNegative() || timeout.compareTo(GITHUB_TIMEOUT) >= 0) {
      throw new InvalidConfigException(
          "hangar.gateway.temporal-timeout",
          "must be positive and shorter than GitHub's 10s delivery timeout, was " + timeout);
    }
    return new TimeLimitedDispatcher(
        new TemporalJobDispatcher(signals, timeout, dispatchDeadlineTimer), timeout, dispatchExecutor);
  }

  private static ThreadFactory daemonThreads(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
