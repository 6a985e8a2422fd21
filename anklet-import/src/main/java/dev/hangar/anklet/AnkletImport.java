package dev.hangar.anklet;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code scripts/import-anklet.sh path/to/config.yml [--out DIR]}: reads an Anklet {@code
 * config.yml} and writes {@code DIR/gateway.yml} (webhook-gateway overrides) and, when it has
 * handler plugins, {@code DIR/host.yml} (worker-host overrides), then prints what it mapped, what it
 * dropped and why, what conflicts, and what the user must still provide. Exit status: 0 done, 3
 * written but with conflicts to decide, 1 not a usable Anklet config (nothing written), 2 usage.
 */
public final class AnkletImport {

  static final int OK = 0;
  static final int INVALID = 1;
  static final int USAGE = 2;
  static final int CONFLICTS = 3;

  static final Path DEFAULT_OUT = Path.of("hangar-from-anklet");

  private static final String USAGE_TEXT = "usage: import-anklet.sh path/to/config.yml [--out DIR]"
      + " (default DIR: " + DEFAULT_OUT + ")";

  private final PrintStream out;
  private final PrintStream err;
  private final YAMLMapper yaml = YAMLMapper.builder()
      .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
      .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
      .build();

  /** A command printing its report to {@code out} and its errors to {@code err}. */
  public AnkletImport(PrintStream out, PrintStream err) {
    this.out = out;
    this.err = err;
  }

  public static void main(String[] args) {
    System.exit(new AnkletImport(System.out, System.err).run(args));
  }

  /** Runs the command; returns its exit status. */
  public int run(String[] args) {
    List<String> positional = new ArrayList<>();
    Path dir = DEFAULT_OUT;
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--out") && i + 1 < args.length) {
        dir = Path.of(args[++i]);
      } else if (args[i].equals("-h") || args[i].equals("--help")) {
        out.println(USAGE_TEXT);
        return OK;
      } else if (args[i].startsWith("-")) {
        err.println("import-anklet: unknown option " + args[i] + "\n" + USAGE_TEXT);
        return USAGE;
      } else {
        positional.add(args[i]);
      }
    }
    if (positional.size() != 1) {
      err.println("import-anklet: give exactly one Anklet config.yml (run it once per Mac)\n" + USAGE_TEXT);
      return USAGE;
    }
    Path file = Path.of(positional.get(0));
    HangarMapping.Imported imported;
    try {
      imported = HangarMapping.map(new AnkletConfigReader().read(file));
    } catch (InvalidAnkletConfigException e) {
      err.println("import-anklet: " + e.getMessage());
      return INVALID;
    }
    List<Path> written = new ArrayList<>();
    try {
      Files.createDirectories(dir);
      written.add(write(dir.resolve("gateway.yml"), imported.gateway(), file, "webhook-gateway"));
      if (imported.host() != null) {
        written.add(write(dir.resolve("host.yml"), imported.host(), file, "worker-host"));
      } else {
        Files.deleteIfExists(dir.resolve("host.yml"));
      }
    } catch (IOException e) {
      err.println("import-anklet: cannot write " + dir + ": " + e.getMessage());
      return INVALID;
    }
    out.println("Imported " + file + " into " + String.join(", ", written.stream().map(Path::toString).toList())
        + (imported.host() == null ? " (no github handler plugin: no host.yml)" : ""));
    out.println("Start each process with --spring.config.additional-location=file:<that file>.");
    out.print(imported.report().render());
    return imported.hasConflicts() ? CONFLICTS : OK;
  }

  private Path write(Path target, Map<String, Object> values, Path source, String process) throws IOException {
    String header = "# " + process + " overrides imported from Anklet's " + source.getFileName() + ".\n"
        + "# Load with --spring.config.additional-location=file:" + target.getFileName()
        + "; ${...} values come from the environment.\n";
    Files.writeString(target, header + body(values));
    return target;
  }

  private String body(Map<String, Object> values) throws JsonProcessingException {
    return values.isEmpty() ? "" : yaml.writeValueAsString(values);
  }
}
