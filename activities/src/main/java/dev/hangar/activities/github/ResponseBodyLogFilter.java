package dev.hangar.activities.github;

import java.util.logging.Filter;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * github-api logs every response body at {@code FINEST} (java.util.logging), and Spring Boot
 * passes logback's levels on to java.util.logging: {@code logging.level.org.kohsuke=trace} would
 * print installation tokens ({@code POST …/access_tokens} answers one). This filter drops those
 * records, whatever the level; requests (method and URL) are still logged.
 */
final class ResponseBodyLogFilter implements Filter {

  /** Held so the logger, and with it the filter, is not garbage-collected. */
  private static final Logger CLIENT_LOGGER = Logger.getLogger("org.kohsuke.github.GitHubClient");

  static {
    CLIENT_LOGGER.setFilter(new ResponseBodyLogFilter());
  }

  private ResponseBodyLogFilter() {}

  /** Makes sure the filter is installed (class initialisation does it once). */
  static void install() {
    // the static initialiser has run
  }

  @Override
  public boolean isLoggable(LogRecord record) {
    String message = record.getMessage();
    return message == null || !message.contains("response body");
  }
}
