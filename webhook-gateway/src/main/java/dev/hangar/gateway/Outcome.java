package dev.hangar.gateway;

import org.springframework.http.HttpStatus;

/**
 * What became of a delivery: the HTTP status GitHub sees and the {@code outcome} label of {@code
 * hangar_webhook_deliveries_total}.
 */
enum Outcome {
  /** A {@code workflow_job} event handed over to its job's workflow. */
  ACCEPTED("accepted", HttpStatus.ACCEPTED),
  /** The signature is missing or wrong; nothing was done. */
  BAD_SIGNATURE("bad_signature", HttpStatus.UNAUTHORIZED),
  /** The body is not the JSON GitHub sends, or a required header is missing. */
  MALFORMED("malformed", HttpStatus.BAD_REQUEST),
  /** Not an event Hangar acts on (a ping, another event type, an unknown action). */
  IGNORED("ignored", HttpStatus.ACCEPTED),
  /** The job's workflow has already finished; the late event was dropped. */
  DUPLICATE("duplicate", HttpStatus.ACCEPTED),
  /** No Hangar label: another runner system's job. */
  NOT_OURS("not_ours", HttpStatus.ACCEPTED),
  /** The body is over {@code hangar.gateway.max-body-bytes}. */
  TOO_LARGE("too_large", HttpStatus.PAYLOAD_TOO_LARGE),
  /** Temporal did not take the event in time; GitHub may redeliver it. */
  UNAVAILABLE("unavailable", HttpStatus.SERVICE_UNAVAILABLE);

  private final String label;
  private final HttpStatus status;

  Outcome(String label, HttpStatus status) {
    this.label = label;
    this.status = status;
  }

  String label() {
    return label;
  }

  HttpStatus status() {
    return status;
  }
}
