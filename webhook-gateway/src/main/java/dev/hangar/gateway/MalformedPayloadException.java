package dev.hangar.gateway;

/** The delivery is not what GitHub sends: not JSON, or a required field is missing. */
final class MalformedPayloadException extends Exception {

  private static final long serialVersionUID = 1L;

  MalformedPayloadException(String message) {
    super(message);
  }
}
