package dev.hangar.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hangar.emulator.WebhookDelivery;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The gateway's answers to the emulator's {@code workflow_job} deliveries, as GitHub records them. */
final class Answers {

  /**
   * One answered delivery.
   *
   * @param jobId the payload's job
   * @param action {@code queued}, {@code in_progress} or {@code completed}
   * @param answeredAt when the gateway's answer arrived (sent + how long it took)
   * @param took how long the gateway took to answer
   * @param status the HTTP status it answered
   */
  record Answer(long jobId, String action, Instant answeredAt, Duration took, int status) {

    boolean accepted() {
      return status >= 200 && status < 300;
    }
  }

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private Answers() {}

  static List<Answer> of(List<WebhookDelivery> deliveries) {
    return deliveries.stream().filter(d -> "workflow_job".equals(d.event())).map(Answers::answer).toList();
  }

  private static Answer answer(WebhookDelivery d) {
    try {
      JsonNode payload = MAPPER.readTree(d.body());
      return new Answer(payload.path("workflow_job").path("id").asLong(), payload.path("action").asText(),
          d.deliveredAt().plus(d.duration()), d.duration(), d.status());
    } catch (IOException e) {
      throw new UncheckedIOException("unreadable delivery " + d.deliveryId(), e);
    }
  }

  /** When the gateway accepted each job's {@code queued} delivery (the first time), by job id. */
  static Map<Long, Instant> queuedAccepted(List<Answer> answers) {
    Map<Long, Instant> accepted = new HashMap<>();
    answers.stream()
        .filter(a -> a.accepted() && "queued".equals(a.action()))
        .forEach(a -> accepted.merge(a.jobId(), a.answeredAt(), (x, y) -> x.isBefore(y) ? x : y));
    return accepted;
  }
}
