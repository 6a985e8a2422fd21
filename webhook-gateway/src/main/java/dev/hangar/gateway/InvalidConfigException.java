package dev.hangar.gateway;

/**
 * A configuration mistake, reported at start-up as one line naming the key (see {@link
 * InvalidConfigFailureAnalyzer}). The message never contains a secret's value.
 */
public final class InvalidConfigException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final String key;

  /**
   * @param key the configuration key at fault, for example {@code hangar.gateway.webhook-secret}
   * @param problem what is wrong with it
   */
  public InvalidConfigException(String key, String problem) {
    super(key + " " + problem);
    this.key = key;
  }

  /** An error whose message already names its key (from a validating constructor). */
  static InvalidConfigException of(IllegalArgumentException e) {
    return new InvalidConfigException(e.getMessage());
  }

  private InvalidConfigException(String message) {
    super(message);
    this.key = null;
  }

  /** The key at fault, when known separately from the message. */
  public String key() {
    return key;
  }
}
