package dev.hangar.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The control API over HTTP under {@code /_emulator/}, mirroring {@link GitHubEmulator}'s methods
 * for the local demo and for processes that cannot hold the emulator object. Not authenticated, not
 * rate limited, not in the call log. JSON in and out is snake_case, like GitHub's.
 */
final class ControlHandler implements HttpHandler {

  private static final Pattern IGNORE_CANCEL = Pattern.compile("/_emulator/runs/(\\d+)/ignore-cancel");
  private static final Pattern JOB_ACTION = Pattern.compile("/_emulator/jobs/(\\d+)/(start|complete|deliver)");

  private final ObjectMapper mapper;
  private final GitHubEmulator emulator;

  ControlHandler(GitHubEmulator emulator) {
    this.mapper = new ObjectMapper()
        .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
        .registerModule(new JavaTimeModule())
        .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS);
    this.emulator = emulator;
  }

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    String method = exchange.getRequestMethod();
    String path = exchange.getRequestURI().getPath();
    byte[] raw = exchange.getRequestBody().readAllBytes();
    try {
      JsonNode body = raw.length == 0 ? mapper.createObjectNode() : mapper.readTree(raw);
      Object result = dispatch(method, path, body);
      if (result == null) {
        Exchange.send(exchange, mapper, 204, null);
      } else {
        Exchange.send(exchange, mapper, "POST".equals(method) ? 201 : 200, mapper.valueToTree(result));
      }
    } catch (UnknownRunnerException e) {
      Exchange.send(exchange, mapper, 404, Exchange.error(mapper, 404, e.getMessage(), ApiError.DOCS));
    } catch (IllegalArgumentException | IllegalStateException | IOException e) {
      Exchange.send(exchange, mapper, 400, Exchange.error(mapper, 400, e.getMessage(), ApiError.DOCS));
    }
  }

  private Object dispatch(String method, String path, JsonNode body) {
    Matcher jobAction = JOB_ACTION.matcher(path);
    if ("POST".equals(method) && jobAction.matches()) {
      long id = Long.parseLong(jobAction.group(1));
      return switch (jobAction.group(2)) {
        case "start" -> emulator.startJob(id, required(body, "runner_name"));
        case "complete" -> emulator.completeJob(id, body.path("conclusion").asText("success"));
        default -> emulator.deliverWorkflowJob(id, required(body, "action"));
      };
    }
    Matcher ignoreCancel = IGNORE_CANCEL.matcher(path);
    if ("POST".equals(method) && ignoreCancel.matches()) {
      emulator.ignoreCancel(Long.parseLong(ignoreCancel.group(1)));
      return null;
    }
    String route = method + " " + path;
    switch (route) {
      case "POST /_emulator/repos" -> {
        emulator.addRepository(required(body, "owner"), required(body, "repo"), body.path("private").asBoolean(true));
        return null;
      }
      case "POST /_emulator/jobs" -> {
        List<String> labels = new ArrayList<>();
        body.path("labels").forEach(l -> labels.add(l.asText()));
        JobPlan plan = new JobPlan(
            Duration.ofMillis(body.path("duration_ms").asLong(JobPlan.DEFAULT.duration().toMillis())),
            body.path("conclusion").asText(JobPlan.DEFAULT.conclusion()));
        if (body.hasNonNull("run_id")) {
          return emulator.createJobInRun(body.get("run_id").asLong(), labels, plan);
        }
        return emulator.createJob(required(body, "owner"), required(body, "repo"), labels, plan);
      }
      case "POST /_emulator/runners/never-assign" -> {
        if (body.hasNonNull("name_pattern")) {
          Pattern names = Pattern.compile(body.get("name_pattern").asText());
          emulator.neverAssign(name -> names.matcher(name).matches());
        } else {
          emulator.neverAssign(body.path("count").asInt(1));
        }
        return null;
      }
      case "DELETE /_emulator/runners/never-assign" -> {
        emulator.assignNormally();
        return null;
      }
      case "GET /_emulator/deliveries" -> {
        return emulator.deliveries().stream()
            .map(d -> Map.of("delivery_id", d.deliveryId(), "event", d.event(), "status", d.status()))
            .toList();
      }
      case "POST /_emulator/webhooks/duplicate" -> {
        emulator.duplicateDeliveries(body.path("enabled").asBoolean(true));
        return null;
      }
      case "POST /_emulator/webhooks/drop" -> {
        emulator.dropDeliveries(required(body, "action"), body.path("count").asInt(1));
        return null;
      }
      case "POST /_emulator/webhooks/deadline" -> {
        emulator.webhookDeadline(Duration.ofMillis(body.path("deadline_ms").asLong(10_000)));
        return null;
      }
      case "POST /_emulator/runner-groups" -> {
        emulator.addRunnerGroup(body.path("org").asText(), body.path("id").asLong(), body.path("name").asText());
        return null;
      }
      case "POST /_emulator/webhooks/delay" -> {
        emulator.delayDeliveries(Duration.ofMillis(body.path("delay_ms").asLong(0)));
        return null;
      }
      case "POST /_emulator/webhooks/hold" -> {
        emulator.holdDeliveries();
        return null;
      }
      case "POST /_emulator/webhooks/release" -> {
        emulator.releaseDeliveries(order(body));
        return null;
      }
      case "POST /_emulator/webhooks/reorder" -> {
        emulator.reorderDeliveries(body.path("window").asInt(0), order(body),
            Duration.ofMillis(body.path("max_hold_ms").asLong(1000)));
        return null;
      }
      case "POST /_emulator/webhooks/reset" -> {
        emulator.resetDeliveries();
        return null;
      }
      case "POST /_emulator/webhooks/redeliver" -> {
        return emulator.redeliver(required(body, "delivery_id"));
      }
      case "GET /_emulator/calls" -> {
        ObjectNode out = mapper.createObjectNode();
        out.put("total", emulator.calls().total());
        out.set("counts", mapper.valueToTree(emulator.calls().counts()));
        out.set("calls", mapper.valueToTree(emulator.calls().calls().stream()
            .map(c -> List.of(c.endpoint(), c.path(), String.valueOf(c.status()), c.at().toString()))
            .toList()));
        return out;
      }
      case "DELETE /_emulator/calls" -> {
        emulator.calls().clear();
        return null;
      }
      case "GET /_emulator/state" -> {
        ObjectNode out = mapper.createObjectNode();
        out.set("runs", mapper.valueToTree(emulator.runs()));
        out.set("jobs", mapper.valueToTree(emulator.jobs()));
        out.set("runners", mapper.valueToTree(emulator.runners()));
        return out;
      }
      case "POST /_emulator/faults" -> {
        Fault.Kind kind = Fault.Kind.valueOf(body.path("kind").asText("STATUS"));
        emulator.inject(required(body, "endpoint"),
            new Fault(kind, body.path("status").asInt(502), Duration.ofMillis(body.path("delay_ms").asLong(0))));
        return null;
      }
      case "POST /_emulator/rate-limit" -> {
        emulator.setRateLimit(body.path("limit").asInt(5000), body.path("remaining").asInt(5000),
            Instant.ofEpochSecond(body.path("reset").asLong(Instant.now().plusSeconds(3600).getEpochSecond())));
        return null;
      }
      case "POST /_emulator/runner/register" -> {
        List<String> labels = new ArrayList<>();
        body.path("labels").forEach(l -> labels.add(l.asText()));
        String group = body.hasNonNull("runner_group") ? body.get("runner_group").asText() : null;
        try {
          return Map.of("encoded_jit_config", emulator.registerWithToken(
              required(body, "url"), required(body, "token"), required(body, "name"), labels, group));
        } catch (IllegalArgumentException e) {
          throw new UnknownRunnerException(e.getMessage());
        }
      }
      case "POST /_emulator/runner/claim" -> {
        Optional<JobInfo> job = emulator.claim(required(body, "encoded_jit_config"));
        return job.orElse(null);
      }
      case "POST /_emulator/runner/finish" -> {
        return emulator.finish(required(body, "encoded_jit_config"), body.path("conclusion").asText("success"))
            .orElse(null);
      }
      default -> throw new IllegalArgumentException("unknown control call " + route);
    }
  }

  private static DeliveryOrder order(JsonNode body) {
    return DeliveryOrder.valueOf(body.path("order").asText("IN_ORDER").toUpperCase(java.util.Locale.ROOT));
  }

  private static String required(JsonNode body, String field) {
    JsonNode value = body.get(field);
    if (value == null || value.isNull() || value.asText().isBlank()) {
      throw new IllegalArgumentException("missing " + field);
    }
    return value.asText();
  }
}
