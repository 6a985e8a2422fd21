package dev.hangar.activities.host;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scripts Hangar copies into each VM: the built-in {@code start-runner.sh}, {@code
 * run-runner.sh} and {@code runner-state.sh} (resources beside this class), each replaced by a file
 * of the same name in the configured scripts directory, plus the optional runner hooks {@code
 * job-started.sh} and {@code job-completed.sh} from that directory. Read once, at start-up. The
 * same for every driver (Anka, Tart): only how the files reach the VM differs.
 */
public final class RunnerScripts {

  public static final String START = "start-runner.sh";
  public static final String RUN = "run-runner.sh";
  public static final String STATE = "runner-state.sh";
  public static final String HOOK_STARTED = "job-started.sh";
  public static final String HOOK_COMPLETED = "job-completed.sh";
  public static final List<String> BUILT_IN = List.of(START, RUN, STATE);
  public static final List<String> HOOKS = List.of(HOOK_STARTED, HOOK_COMPLETED);

  private static final Logger log = LoggerFactory.getLogger(RunnerScripts.class);

  private final Map<String, byte[]> files;

  private RunnerScripts(Map<String, byte[]> files) {
    this.files = files;
  }

  /**
   * The built-in scripts, overridden by and completed with those in {@code overrides}.
   *
   * @param overrides a directory, or {@code null}
   * @throws IllegalArgumentException if {@code overrides} is not a readable directory
   */
  public static RunnerScripts load(Path overrides) {
    Map<String, byte[]> files = new LinkedHashMap<>();
    for (String name : BUILT_IN) {
      try (InputStream in = RunnerScripts.class.getResourceAsStream("scripts/" + name)) {
        if (in == null) {
          throw new IllegalStateException("built-in script " + name + " is missing from the classpath");
        }
        files.put(name, in.readAllBytes());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    if (overrides != null) {
      if (!Files.isDirectory(overrides)) {
        throw new IllegalArgumentException("scripts directory " + overrides + " is not a directory");
      }
      for (String name : concat()) {
        Path file = overrides.resolve(name);
        if (Files.isRegularFile(file)) {
          try {
            files.put(name, Files.readAllBytes(file));
            log.info("in-VM script {} taken from {}", name, file);
          } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage(), e);
          }
        }
      }
    }
    return new RunnerScripts(files);
  }

  private static List<String> concat() {
    return java.util.stream.Stream.concat(BUILT_IN.stream(), HOOKS.stream()).toList();
  }

  /** The names of the files copied into each VM. */
  public List<String> names() {
    return List.copyOf(files.keySet());
  }

  /** The content of one script, or {@code null}. */
  public byte[] content(String name) {
    byte[] b = files.get(name);
    return b == null ? null : b.clone();
  }

  /** Writes every script into {@code dir}, mode 0700. */
  public void writeTo(Path dir) throws IOException {
    for (Map.Entry<String, byte[]> e : files.entrySet()) {
      Path file = Files.createFile(dir.resolve(e.getKey()),
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      Files.write(file, e.getValue());
    }
  }
}
