package dev.hangar.activities.host.anka;

import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Pattern;

/**
 * How to reach Anka on this host.
 *
 * @param executable the {@code anka} executable: a bare name looked up on {@code PATH}, or a path
 * @param scriptsDir a directory whose files replace the built-in in-VM scripts of the same name and
 *     may add the runner hooks {@code job-started.sh} and {@code job-completed.sh}; {@code null} for
 *     the built-in scripts only
 * @param registry the registry passed to {@code anka registry --remote}; {@code null} for Anka's
 *     default registry
 * @param commandTimeout the longest any command but a pull may take
 * @param pullTimeout the longest a template pull may take
 */
public record AnkaSettings(
    Path executable, Path scriptsDir, String registry, Duration commandTimeout, Duration pullTimeout) {

  private static final Pattern REGISTRY = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._:/@%+-]{0,255}");

  public AnkaSettings {
    if (executable == null || executable.toString().isBlank()) {
      throw new IllegalArgumentException("the anka executable must be set");
    }
    if (registry != null && (registry.isBlank() || !REGISTRY.matcher(registry).matches())) {
      throw new IllegalArgumentException(
          "the registry must be a registry name or URL of [A-Za-z0-9._:/@%+-], not starting with '-'");
    }
    commandTimeout = commandTimeout == null ? Duration.ofMinutes(5) : commandTimeout;
    pullTimeout = pullTimeout == null ? Duration.ofHours(6) : pullTimeout;
  }

  /** The defaults: {@code anka} on the {@code PATH}, built-in scripts, Anka's default registry. */
  public static AnkaSettings defaults() {
    return new AnkaSettings(Path.of("anka"), null, null, null, null);
  }

  /** These settings with another executable. */
  public AnkaSettings withExecutable(Path newExecutable) {
    return new AnkaSettings(newExecutable, scriptsDir, registry, commandTimeout, pullTimeout);
  }
}
