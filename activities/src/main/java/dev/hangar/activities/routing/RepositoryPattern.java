package dev.hangar.activities.routing;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * An {@code owner/repo} glob such as {@code my-org/*}: {@code *} matches any run of characters
 * within its side of the slash, {@code ?} one character; compared case-insensitively, as GitHub
 * compares names. Only the characters GitHub allows in names, {@code *} and {@code ?} are accepted,
 * so the in-VM hook matches exactly as this class does.
 */
final class RepositoryPattern {

  private static final Pattern SYNTAX = Pattern.compile("[A-Za-z0-9._*?-]+/[A-Za-z0-9._*?-]+");

  private final String glob;
  private final Pattern regex;

  private RepositoryPattern(String glob, Pattern regex) {
    this.glob = glob;
    this.regex = regex;
  }

  /**
   * @param glob the pattern
   * @param key the configuration key it came from, for the message
   * @throws IllegalArgumentException naming {@code key} if the pattern is not {@code owner/repo}
   */
  static RepositoryPattern parse(String glob, String key) {
    if (glob == null || !SYNTAX.matcher(glob).matches()) {
      throw new IllegalArgumentException(
          key + " '" + glob + "' must be owner/repo, with letters, digits, '.', '_', '-' and the wildcards * and ?");
    }
    StringBuilder re = new StringBuilder();
    for (char c : glob.toLowerCase(Locale.ROOT).toCharArray()) {
      switch (c) {
        case '*' -> re.append("[^/]*");
        case '?' -> re.append("[^/]");
        default -> re.append(Pattern.quote(String.valueOf(c)));
      }
    }
    return new RepositoryPattern(glob, Pattern.compile(re.toString()));
  }

  /** Whether {@code fullName} ({@code owner/repo}) matches. */
  boolean matches(String fullName) {
    return fullName != null && regex.matcher(fullName.toLowerCase(Locale.ROOT)).matches();
  }

  @Override
  public String toString() {
    return glob;
  }
}
