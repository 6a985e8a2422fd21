package dev.hangar.host;

/**
 * A configuration value an operator must fix. Its message names the key and says what is wrong,
 * and never repeats a secret; {@link InvalidConfigFailureAnalyzer} prints it as the one reason the
 * host did not start, without a stack trace.
 */
final class InvalidConfigException extends IllegalArgumentException {

  private static final long serialVersionUID = 1L;

  private final String key;

  InvalidConfigException(String key, String message) {
    super(message);
    this.key = key;
  }

  /** The configuration key at fault, for example {@code hangar.host.max-running-vms}. */
  String key() {
    return key;
  }

  /**
   * The environment variable that sets the key under Spring's relaxed binding: upper case, dots and
   * list indices become underscores, dashes are dropped ({@code HANGAR_HOST_MAXRUNNINGVMS}).
   */
  String environmentVariable() {
    return key.replace("[", "_").replace("]", "").replace('.', '_').replace("-", "").toUpperCase(java.util.Locale.ROOT);
  }
}
