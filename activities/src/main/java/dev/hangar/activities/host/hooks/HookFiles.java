package dev.hangar.activities.host.hooks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Files a VM driver copies into the VM beside Hangar's own scripts (the directory {@code
 * start-runner.sh} runs from), by name. Drivers copy them as they are; what they mean is {@link
 * TrustHook}'s business.
 *
 * @param files file name to content
 */
public record HookFiles(Map<String, byte[]> files) {

  /** No files: no hook. */
  public static final HookFiles NONE = new HookFiles(Map.of());

  public HookFiles {
    Map<String, byte[]> copy = new LinkedHashMap<>();
    files.forEach((name, content) -> copy.put(name, content.clone()));
    files = Collections.unmodifiableMap(copy);
  }

  public boolean isEmpty() {
    return files.isEmpty();
  }

  /** Writes every file into {@code dir}, readable by its owner only (0700: the scripts run). */
  public void writeTo(Path dir) throws IOException {
    for (Map.Entry<String, byte[]> e : files.entrySet()) {
      Path file = dir.resolve(e.getKey());
      Files.deleteIfExists(file);
      Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      Files.write(file, e.getValue());
    }
  }
}
