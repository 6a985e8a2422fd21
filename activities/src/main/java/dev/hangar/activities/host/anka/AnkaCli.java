package dev.hangar.activities.host.anka;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hangar.activities.host.CommandRunner;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs {@code anka -j <args>} with an argument array (never a shell), output and errors merged as
 * Anka's own tools read them, stdin from {@code /dev/null}. Arguments are names already checked by
 * {@link dev.hangar.activities.host.SafeNames}, options and host paths; never a secret.
 */
final class AnkaCli {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final String executable;
  private final CommandRunner runner = new CommandRunner("anka");

  AnkaCli(String executable) {
    this.executable = executable;
  }

  /** The output of a command: its exit code and its last lines. */
  record Output(int exitCode, List<String> lines) {

    /** The last line that parses as a JSON object, as a reply; a reply with no status if none does. */
    AnkaReply reply() {
      for (int i = lines.size() - 1; i >= 0; i--) {
        String line = lines.get(i).strip();
        if (line.startsWith("{")) {
          try {
            JsonNode node = JSON.readTree(line);
            return new AnkaReply(
                text(node, "status"), node.path("code").asInt(0), node.get("body"), text(node, "message"), exitCode);
          } catch (IOException notJson) {
            // a progress line cut short; look further up
          }
        }
      }
      String last = lines.isEmpty() ? "" : lines.get(lines.size() - 1);
      return new AnkaReply(null, -1, null, "no JSON in the output; last line: " + abbreviate(last), exitCode);
    }

    private static String text(JsonNode node, String field) {
      JsonNode v = node.get(field);
      return v == null || v.isNull() ? null : v.asText();
    }
  }

  /** Runs a command and answers its last JSON line. */
  AnkaReply json(Duration timeout, List<String> args) throws IOException {
    return run(timeout, args, () -> {}).reply();
  }

  /**
   * Runs a command, calling {@code tick} on the calling thread about every second while it runs
   * (so that an activity can heartbeat from its own thread). Whatever {@code tick} throws stops the
   * command and propagates.
   */
  Output run(Duration timeout, List<String> args, Runnable tick) throws IOException {
    List<String> command = new ArrayList<>(args.size() + 2);
    command.add(executable);
    command.add("-j");
    command.addAll(args);
    CommandRunner.Result result = runner.run(command, timeout, null, tick);
    return new Output(result.exitCode(), result.lines());
  }

  private static String abbreviate(String s) {
    String one = s.strip().replaceAll("\\s+", " ");
    return one.length() > 200 ? one.substring(0, 200) + "..." : one;
  }
}
