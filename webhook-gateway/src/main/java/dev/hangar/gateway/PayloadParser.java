package dev.hangar.gateway;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hangar.workflows.job.JobEvent;
import dev.hangar.workflows.job.JobRequest;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * Parses webhook bodies. GitHub sends JSON ({@code application/json}) or, for webhooks configured
 * with {@code application/x-www-form-urlencoded}, the same JSON in a {@code payload} form field.
 */
final class PayloadParser {

  private final ObjectMapper mapper;

  PayloadParser(ObjectMapper mapper) {
    this.mapper = mapper;
  }

  /**
   * The body's JSON object.
   *
   * @param formEncoded whether the body is {@code payload=<url-encoded JSON>}
   */
  JsonNode parse(byte[] body, boolean formEncoded) throws MalformedPayloadException {
    byte[] json = formEncoded ? formPayload(body) : body;
    JsonNode root;
    try {
      root = mapper.readTree(json);
    } catch (JacksonException e) {
      throw new MalformedPayloadException("body is not valid JSON");
    } catch (IOException e) {
      throw new MalformedPayloadException("body could not be read as JSON");
    }
    if (root == null || !root.isObject()) {
      throw new MalformedPayloadException("body is not a JSON object");
    }
    return root;
  }

  /**
   * The typed view of a {@code workflow_job} delivery.
   *
   * @param deliveryId {@code X-GitHub-Delivery}, kept in the event for tracing
   * @param receivedAt used as the event's time when the payload has none
   */
  WorkflowJobView workflowJob(JsonNode root, String deliveryId, Instant receivedAt)
      throws MalformedPayloadException {
    String action = text(root, "action");
    if (action == null) {
      throw new MalformedPayloadException("workflow_job delivery without action");
    }
    JsonNode wj = root.path("workflow_job");
    if (!wj.isObject()) {
      throw new MalformedPayloadException("workflow_job delivery without workflow_job object");
    }
    long jobId = requiredLong(wj, "workflow_job.id");
    JsonNode repository = root.path("repository");
    String repo = text(repository, "name");
    String owner = text(repository.path("owner"), "login");
    if (repo == null || owner == null || repo.isBlank() || owner.isBlank()) {
      throw new MalformedPayloadException("workflow_job delivery without repository.name and repository.owner.login");
    }
    JobRequest job =
        new JobRequest(
            jobId,
            requiredLong(wj, "workflow_job.run_id"),
            runAttempt(wj.path("run_attempt")),
            owner,
            repo,
            labels(wj.path("labels")),
            text(wj, "html_url"),
            optionalLong(root.path("installation").path("id")));
    JobEvent.Action known = JobEvent.Action.fromWire(action);
    if (known == null) {
      return new WorkflowJobView(action, job, null);
    }
    JobEvent event =
        new JobEvent(
            known,
            jobId,
            text(wj, "runner_name"),
            optionalLong(wj.path("runner_id")),
            text(wj, "conclusion"),
            eventTime(known, wj, receivedAt),
            deliveryId,
            null);
    return new WorkflowJobView(action, job, event);
  }

  private byte[] formPayload(byte[] body) throws MalformedPayloadException {
    String form = new String(body, StandardCharsets.US_ASCII);
    for (String pair : form.split("&")) {
      if (pair.startsWith("payload=")) {
        try {
          return URLDecoder.decode(pair.substring("payload=".length()), StandardCharsets.UTF_8)
              .getBytes(StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
          throw new MalformedPayloadException("payload form field is not URL-encoded");
        }
      }
    }
    throw new MalformedPayloadException("form-encoded body without payload field");
  }

  private static Instant eventTime(JobEvent.Action action, JsonNode wj, Instant receivedAt) {
    String field;
    switch (action) {
      case IN_PROGRESS:
        field = "started_at";
        break;
      case COMPLETED:
        field = "completed_at";
        break;
      default:
        field = "created_at";
        break;
    }
    String value = text(wj, field);
    if (value == null) {
      return receivedAt;
    }
    try {
      return Instant.parse(value);
    } catch (DateTimeParseException e) {
      return receivedAt;
    }
  }

  private static String text(JsonNode node, String field) {
    JsonNode v = node.path(field);
    return v.isTextual() ? v.asText() : null;
  }

  private static long requiredLong(JsonNode node, String path) throws MalformedPayloadException {
    Long v = optionalLong(node.path(path.substring(path.lastIndexOf('.') + 1)));
    if (v == null) {
      throw new MalformedPayloadException("workflow_job delivery without a numeric " + path);
    }
    return v;
  }

  private static Long optionalLong(JsonNode v) {
    return v.isIntegralNumber() && v.canConvertToLong() ? v.asLong() : null;
  }

  private static int runAttempt(JsonNode v) throws MalformedPayloadException {
    if (v.isMissingNode() || v.isNull()) {
      return 1;
    }
    if (!v.isIntegralNumber() || !v.canConvertToInt()) {
      throw new MalformedPayloadException("workflow_job.run_attempt is not a number");
    }
    return v.asInt();
  }

  private static List<String> labels(JsonNode v) throws MalformedPayloadException {
    List<String> labels = new ArrayList<>();
    if (v.isMissingNode() || v.isNull()) {
      return labels;
    }
    if (!v.isArray()) {
      throw new MalformedPayloadException("workflow_job.labels is not an array");
    }
    for (JsonNode label : v) {
      if (!label.isTextual()) {
        throw new MalformedPayloadException("workflow_job.labels holds a non-string");
      }
      labels.add(label.asText());
    }
    return labels;
  }
}
