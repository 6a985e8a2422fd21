package dev.hangar.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hangar.activities.routing.TemplateRouter;
import dev.hangar.workflows.Names;
import dev.hangar.workflows.job.JobEvent;
import dev.hangar.workflows.routing.Route;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /webhook}: GitHub's deliveries. The body is read raw (up to {@code
 * hangar.gateway.max-body-bytes}), its signature checked, then a {@code workflow_job} event is
 * routed and handed to its job's workflow. Every answer is a {@link WebhookResponse}; see
 * docs/webhook-gateway.md for the status codes. Logs name the delivery, event, action, job and
 * workflow; never the payload or the secret.
 */
@RestController
class WebhookController {

  private static final Logger log = LoggerFactory.getLogger(WebhookController.class);

  private final DeliveryAuthenticator authenticator;
  private final PayloadParser parser;
  private final TemplateRouter router;
  private final JobDispatcher dispatcher;
  private final DeliveryMetrics metrics;
  private final JobLifecycleMetrics lifecycle;
  private final long maxBodyBytes;
  private final Clock clock;

  WebhookController(
      DeliveryAuthenticator authenticator,
      PayloadParser parser,
      TemplateRouter router,
      JobDispatcher dispatcher,
      DeliveryMetrics metrics,
      JobLifecycleMetrics lifecycle,
      GatewayProperties properties,
      Clock clock) {
    this.authenticator = authenticator;
    this.parser = parser;
    this.router = router;
    this.dispatcher = dispatcher;
    this.metrics = metrics;
    this.lifecycle = lifecycle;
    this.maxBodyBytes = properties.maxBodyBytes().toBytes();
    if (maxBodyBytes <= 0) {
      throw new InvalidConfigException(
          "hangar.gateway.max-body-bytes", "must be positive, was " + properties.maxBodyBytes());
    }
    this.clock = clock;
  }

  @PostMapping(path = "/webhook", produces = MediaType.APPLICATION_JSON_VALUE)
  ResponseEntity<WebhookResponse> receive(
      HttpServletRequest request,
      @RequestHeader(name = "X-GitHub-Event", required = false) String event,
      @RequestHeader(name = "X-GitHub-Delivery", required = false) String delivery,
      @RequestHeader(name = "X-Hub-Signature-256", required = false) String signature) {
    Delivery d = new Delivery(delivery, event);
    byte[] body;
    try {
      body = LimitedBody.read(request.getInputStream(), request.getContentLengthLong(), maxBodyBytes);
    } catch (LimitedBody.TooLargeException e) {
      return d.answer(Outcome.TOO_LARGE, "body larger than " + maxBodyBytes + " bytes");
    } catch (IOException e) {
      return d.answer(Outcome.MALFORMED, "body could not be read");
    }
    if (!authenticator.authentic(body, signature)) {
      return d.answer(Outcome.BAD_SIGNATURE, "missing or invalid X-Hub-Signature-256");
    }
    if (event == null || event.isBlank()) {
      return d.answer(Outcome.MALFORMED, "missing X-GitHub-Event header");
    }
    JsonNode root;
    try {
      root = parser.parse(body, isFormEncoded(request));
    } catch (MalformedPayloadException e) {
      return d.answer(Outcome.MALFORMED, e.getMessage());
    }
    if ("ping".equals(event)) {
      return d.answer(Outcome.IGNORED, HttpStatus.OK, "pong");
    }
    if (!"workflow_job".equals(event)) {
      return d.answer(Outcome.IGNORED, "event " + event + " is not handled");
    }
    return workflowJob(d, root);
  }

  private ResponseEntity<WebhookResponse> workflowJob(Delivery d, JsonNode root) {
    WorkflowJobView view;
    try {
      view = parser.workflowJob(root, d.id, clock.instant());
    } catch (MalformedPayloadException e) {
      return d.answer(Outcome.MALFORMED, e.getMessage());
    }
    d.action = view.action();
    d.jobId = view.job().jobId();
    if (view.event() == null) {
      return d.answer(Outcome.IGNORED, "action " + view.action() + " is not handled");
    }
    Route route = router.route(view.job());
    try {
      if (route.decision() == Route.Decision.NOT_OURS) {
        String owner = Names.ownerJobOfRunner(view.event().runnerName()).isPresent()
            ? dispatcher.notifyRunnerOwner(view.event())
            : null;
        String own = completedWithoutLabels(view) ? dispatcher.notifyJobIfRunning(view.event()) : null;
        d.workflowId = owner != null ? owner : own;
        return d.answer(
            Outcome.NOT_OURS,
            route.reason()
                + (owner == null ? "" : "; runner owner " + owner + " notified")
                + (own == null ? "" : "; " + own + " told the job completed"));
      }
      d.workflowId = Names.workflowId(view.job().jobId());
      DispatchResult result = dispatcher.dispatch(view.job(), view.event());
      if (result.duplicate()) {
        return d.answer(Outcome.DUPLICATE, "duplicate, job already finished");
      }
      lifecycle.accepted(view.action(), root);
      return d.answer(
          Outcome.ACCEPTED,
          "handed to " + result.workflowId()
              + (result.ownerWorkflowId() == null ? "" : " and runner owner " + result.ownerWorkflowId()));
    } catch (DispatchUnavailableException e) {
      log.warn(
          "delivery={} event={} action={} job={} workflow={}: Temporal unavailable: {}",
          d.id, d.event, d.action, d.jobId, d.workflowId, e.getMessage());
      return d.answer(Outcome.UNAVAILABLE, "Temporal unavailable; redeliver later");
    }
  }

  /**
   * A {@code completed} event without labels: GitHub sends one for a job cancelled before any
   * runner took it. If Hangar queued that job (its {@code queued} event had Hangar's labels), its
   * workflow must still learn it ended, or it would go on making VMs for a job that is gone.
   */
  private static boolean completedWithoutLabels(WorkflowJobView view) {
    return view.event().action() == JobEvent.Action.COMPLETED && view.job().labels().isEmpty();
  }

  private static boolean isFormEncoded(HttpServletRequest request) {
    String type = request.getContentType();
    return type != null && type.toLowerCase(java.util.Locale.ROOT).startsWith("application/x-www-form-urlencoded");
  }

  /** What is known about the delivery being answered, for the log line and the counter. */
  private final class Delivery {
    private final String id;
    private final String event;
    private final long startNanos = System.nanoTime();
    private String action;
    private Long jobId;
    private String workflowId;

    private Delivery(String id, String event) {
      this.id = id;
      this.event = event;
    }

    private ResponseEntity<WebhookResponse> answer(Outcome outcome, String detail) {
      return answer(outcome, outcome.status(), detail);
    }

    private ResponseEntity<WebhookResponse> answer(Outcome outcome, HttpStatus status, String detail) {
      metrics.record(outcome, System.nanoTime() - startNanos);
      log.info(
          "delivery={} event={} action={} job={} workflow={} outcome={} status={}",
          id, event, action, jobId, workflowId, outcome.label(), status.value());
      return ResponseEntity.status(status)
          .contentType(MediaType.APPLICATION_JSON)
          .body(new WebhookResponse(outcome.label(), detail));
    }
  }
}
