package dev.hangar.activities.host;

import dev.hangar.workflows.Failures;

import io.temporal.failure.ApplicationFailure;
import java.util.regex.Pattern;

/**
 * Checks that names arriving from untrusted input (VM names, template ids and tags, host ids) are
 * safe to use as a single path component or a command argument: 1 to 64 characters from
 * {@code [A-Za-z0-9._-]}, not starting with a dot or dash, and never containing {@code ..}.
 */
public final class SafeNames {

  /** The failure type of a rejected name. Non-retryable: a retry sends the same name. */
  public static final String INVALID_NAME = Failures.INVALID_NAME;

  /** The longest name accepted. */
  public static final int MAX_LENGTH = 64;

  private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]{0,63}");

  private SafeNames() {}

  /** Whether the value is a safe name. */
  public static boolean isSafe(String value) {
    return value != null && SAFE.matcher(value).matches() && !value.contains("..");
  }

  /**
   * Returns the value if it is a safe name.
   *
   * @param what what the value names, for the message, for example {@code "VM name"}
   * @throws ApplicationFailure non-retryable, of type {@link #INVALID_NAME}; the message does not
   *     repeat the rejected value, which may be hostile
   */
  public static String require(String what, String value) {
    if (!isSafe(value)) {
      throw ApplicationFailure.newNonRetryableFailure(
          what + " rejected: it must be 1-" + MAX_LENGTH + " characters of [A-Za-z0-9._-], start"
              + " with a letter, digit or underscore and contain no '..' (length was "
              + (value == null ? "null" : value.length()) + ")",
          INVALID_NAME);
    }
    return value;
  }

  /** Like {@link #require} but accepts {@code null} (an absent tag). */
  public static String requireOptional(String what, String value) {
    return value == null ? null : require(what, value);
  }
}
