package dev.hangar.activities.host.anka;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;

/**
 * What one {@code anka -j} command answered: the last JSON line it printed ({@code
 * {"status":"OK"|"ERROR","code":N,"body":...,"message":...}}) and its exit code.
 *
 * @param status {@code OK} or {@code ERROR}; {@code null} if the command printed no JSON at all
 * @param code Anka's error code ({@code 0} on success, {@code 3} "not found", {@code 18} "already exists")
 * @param body the body, never {@code null} ({@link MissingNode} when absent)
 * @param message Anka's message, never {@code null}
 * @param exitCode the process exit code
 */
record AnkaReply(String status, int code, JsonNode body, String message, int exitCode) {

  /** Anka's code for a VM, template or tag that does not exist. */
  static final int NOT_FOUND = 3;

  /** Anka's code for a clone whose name is taken. */
  static final int ALREADY_EXISTS = 18;

  AnkaReply {
    body = body == null ? MissingNode.getInstance() : body;
    message = message == null ? "" : message;
  }

  /** Whether the command succeeded: it exited 0 and said {@code OK}. */
  boolean ok() {
    return exitCode == 0 && "OK".equals(status);
  }

  /** Whether Anka said the thing named does not exist. */
  boolean notFound() {
    return !ok() && code == NOT_FOUND;
  }

  /** Whether Anka said the name is already taken. */
  boolean alreadyExists() {
    return !ok() && (code == ALREADY_EXISTS || message.toLowerCase(java.util.Locale.ROOT).contains("already exists"));
  }

  /**
   * Whether Apple's Virtualization.framework refused one more running macOS VM (VZErrorDomain code
   * 6, "The maximum supported number of active virtual machines has been reached."). Anka passes
   * Apple's text through; its own code for it is not documented, so the text decides.
   */
  boolean vmLimitExceeded() {
    String m = message.toLowerCase(java.util.Locale.ROOT);
    return !ok()
        && (m.contains("maximum supported number of active virtual machines")
            || m.contains("number of virtual machines exceeds the limit")
            || m.contains("vzerrordomain code=6"));
  }

  /** A one-line description for error messages; the message comes from Anka, never from a secret. */
  String describe() {
    return "status " + status + ", code " + code + ", exit " + exitCode
        + (message.isEmpty() ? "" : ": " + message.strip().replaceAll("\\s+", " "));
  }
}
