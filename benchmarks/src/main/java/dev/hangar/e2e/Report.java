package dev.hangar.e2e;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The results of a run: a table printed to the log and written into docs/benchmarks.md. */
final class Report {

  /**
   * One line of the table.
   *
   * @param scenario which scenario measured it
   * @param measure what was measured
   * @param value the figure
   * @param target the target, or empty
   * @param verdict {@code met}, {@code MISSED}, or empty when there is no target
   */
  record Row(String scenario, String measure, String value, String target, String verdict) {}

  private static final Logger log = LoggerFactory.getLogger(Report.class);

  private final List<Row> rows = new ArrayList<>();
  private final List<String> notes = new ArrayList<>();

  void add(String scenario, String measure, String value) {
    rows.add(new Row(scenario, measure, value, "", ""));
  }

  void add(String scenario, String measure, String value, String target, boolean met) {
    rows.add(new Row(scenario, measure, value, target, met ? "met" : "MISSED"));
  }

  /** A remark printed under the table, for example why a scenario could not finish. */
  void note(String text) {
    notes.add(text);
  }

  String table() {
    StringBuilder md = new StringBuilder("| scenario | measure | result | target | |\n| --- | --- | --- | --- | --- |\n");
    for (Row r : rows) {
      md.append("| ").append(r.scenario()).append(" | ").append(r.measure()).append(" | ").append(r.value())
          .append(" | ").append(r.target()).append(" | ").append(r.verdict()).append(" |\n");
    }
    for (String n : notes) {
      md.append("\n- ").append(n);
    }
    return md.toString();
  }

  void print() {
    log.info("results:\n{}", table());
  }

  /** The options of a module's shipped JVM argument file ({@code deploy/jvm/<module>.options}), comments left out. */
  private static String jvmOptions(String module) throws IOException {
    Path file = Path.of("..", "deploy", "jvm", module + ".options");
    return Files.readAllLines(file, StandardCharsets.UTF_8).stream()
        .map(String::strip)
        .filter(line -> !line.isEmpty() && !line.startsWith("#"))
        .collect(java.util.stream.Collectors.joining(" "));
  }

  /** Writes docs/benchmarks.md from its template with this run's machine and results. */
  void write(Path out, Machine machine, BenchOptions options) throws IOException {
    String template;
    try (InputStream in = Report.class.getResourceAsStream("/benchmarks-template.md")) {
      if (in == null) {
        throw new IOException("benchmarks-template.md is missing from the class path");
      }
      template = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    String doc = template
        .replace("{{date}}", Instant.now().truncatedTo(ChronoUnit.MINUTES).toString())
        .replace("{{command}}", options.commandLine())
        .replace("{{machine}}", machine.markdown())
        .replace("{{results}}", table())
        .replace("{{temporalStore}}", options.temporalInMemory()
            ? "in memory (`--temporal-store memory`, the dev server's own default)"
            : "in a SQLite file (`--temporal-store file`)")
        .replace("{{deliveryConcurrency}}", Integer.toString(options.deliveryConcurrency()))
        .replace("{{gatewayJvmOptions}}", jvmOptions("webhook-gateway"))
        .replace("{{hostJvmOptions}}", jvmOptions("worker-host"));
    Files.writeString(out, doc, StandardCharsets.UTF_8);
    log.info("wrote {}", out.normalize());
  }
}
