package dev.hangar.activities.host.tart;

import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Pattern;

/**
 * How to reach Tart on this host.
 *
 * @param executable the {@code tart} executable: a bare name looked up on {@code PATH}, or a path
 * @param scriptsDir a directory whose files replace the built-in in-VM scripts of the same name and
 *     may add the runner hooks {@code job-started.sh} and {@code job-completed.sh}; {@code null} for
 *     the built-in scripts only
 * @param registry the OCI repository prefix templates are pulled from: template {@code <id>} at tag
 *     {@code <tag>} is {@code <registry>/<id>:<tag>} ({@code latest} when the template has no tag),
 *     for example {@code ghcr.io/cirruslabs}
 * @param runLogDir where the output of each {@code tart run} goes, one {@code <vm>.log} per VM
 * @param commandTimeout the longest any command but a pull or a boot may take
 * @param pullTimeout the longest a template pull may take
 * @param bootTimeout how long a started VM may take to get an IP address ({@code tart ip --wait})
 */
public record TartSettings(
    Path executable,
    Path scriptsDir,
    String registry,
    Path runLogDir,
    Duration commandTimeout,
    Duration pullTimeout,
    Duration bootTimeout) {

  /** The default registry: Cirrus Labs' public macOS images. */
  public static final String DEFAULT_REGISTRY = "ghcr.io/cirruslabs";

  /** {@code host[:port]/path}: lower-case OCI repository components, no tag, no scheme. */
  private static final Pattern REGISTRY =
      Pattern.compile("[a-z0-9][a-z0-9.-]{0,252}(:[0-9]{1,5})?(/[a-z0-9][a-z0-9._-]{0,127}){0,8}");

  public TartSettings {
    if (executable == null || executable.toString().isBlank()) {
      throw new IllegalArgumentException("the tart executable must be set");
    }
    registry = registry == null || registry.isBlank() ? DEFAULT_REGISTRY : registry;
    if (!REGISTRY.matcher(registry).matches()) {
      throw new IllegalArgumentException("the registry must be an OCI repository prefix such as "
          + DEFAULT_REGISTRY + " (lower-case host[:port]/path, no scheme, no tag)");
    }
    runLogDir = runLogDir == null ? Path.of(System.getProperty("java.io.tmpdir"), "hangar-tart") : runLogDir;
    commandTimeout = commandTimeout == null ? Duration.ofMinutes(5) : commandTimeout;
    pullTimeout = pullTimeout == null ? Duration.ofHours(6) : pullTimeout;
    bootTimeout = bootTimeout == null ? Duration.ofMinutes(3) : bootTimeout;
    if (bootTimeout.toSeconds() < 1 || bootTimeout.toSeconds() > 65535) {
      throw new IllegalArgumentException("the boot timeout must be 1 s to 65535 s, was " + bootTimeout);
    }
  }

  /** The defaults: {@code tart} on the {@code PATH}, built-in scripts, {@value #DEFAULT_REGISTRY}. */
  public static TartSettings defaults() {
    return new TartSettings(Path.of("tart"), null, null, null, null, null, null);
  }

  /** These settings with another executable. */
  public TartSettings withExecutable(Path newExecutable) {
    return new TartSettings(newExecutable, scriptsDir, registry, runLogDir, commandTimeout, pullTimeout, bootTimeout);
  }
}
