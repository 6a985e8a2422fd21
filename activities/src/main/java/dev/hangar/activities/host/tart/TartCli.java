package dev.hangar.activities.host.tart;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hangar.activities.host.CommandRunner;
import dev.hangar.activities.host.GuestCommands;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Runs {@code tart <args>} with an argument array (never a shell), output and errors merged.
 * Arguments are names already checked by {@link dev.hangar.activities.host.SafeNames}, the
 * configured registry and constants; a secret only ever goes to stdin.
 *
 * <p>Tart has no machine-readable envelope: it prints its error to stderr and exits 1, or 2 for
 * {@code the specified VM "<name>" does not exist}, {@code VM "<name>" is not running} and {@code
 * VM "<name>" is already running!}; only {@code list} and {@code get} speak JSON.
 */
final class TartCli {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Runnable NO_TICK = () -> {};

  private final String executable;
  private final CommandRunner runner = new CommandRunner("tart");

  TartCli(String executable) {
    this.executable = executable;
  }

  /** What a command did. */
  record Output(int exitCode, List<String> lines) {

    boolean ok() {
      return exitCode == 0;
    }

    private boolean says(String text) {
      String t = text.toLowerCase(Locale.ROOT);
      return lines.stream().anyMatch(l -> l.toLowerCase(Locale.ROOT).contains(t));
    }

    /** {@code the specified VM "<name>" does not exist} (exit 2). */
    boolean vmMissing() {
      return !ok() && says("does not exist");
    }

    /** {@code VM "<name>" is not running} (exit 2). */
    boolean notRunning() {
      return !ok() && says("is not running");
    }

    /** {@code VM "<name>" is already running!} (exit 2). */
    boolean alreadyRunning() {
      return !ok() && says("is already running");
    }

    /** The registry has no such repository or tag: HTTP 404, {@code MANIFEST_UNKNOWN}, {@code NAME_UNKNOWN}. */
    boolean notInRegistry() {
      return !ok() && (says("code: 404") || says("manifest_unknown") || says("name_unknown"));
    }

    /**
     * Apple's Virtualization.framework refused one more macOS VM: VZErrorDomain code 6, printed by
     * older macOS as "The maximum supported number of active virtual machines has been reached."
     * and by newer as "The number of VMs exceeds the system limit".
     */
    boolean vmLimit() {
      return !ok() && (says("maximum supported number of active virtual machines")
          || says("exceeds the system limit") || says("number of virtual machines exceeds the limit")
          || says("vzerrordomain code=6"));
    }

    String describe() {
      return "exit " + exitCode + ": " + GuestCommands.lastLine(lines);
    }

    /**
     * The JSON document in the output ({@code list --format json} pretty-prints an array), from its
     * first line starting with {@code [} or <code>{</code>; lines before it (a warning on stderr) are skipped.
     */
    JsonNode json() throws IOException {
      for (int i = 0; i < lines.size(); i++) {
        String line = lines.get(i).strip();
        if (line.startsWith("[") || line.startsWith("{")) {
          return JSON.readTree(String.join("\n", lines.subList(i, lines.size())));
        }
      }
      throw new IOException("tart printed no JSON: " + GuestCommands.lastLine(lines));
    }
  }

  Output run(Duration timeout, List<String> args) throws IOException {
    return run(timeout, args, null, NO_TICK);
  }

  Output run(Duration timeout, List<String> args, byte[] stdin, Runnable tick) throws IOException {
    CommandRunner.Result r = runner.run(command(args), timeout, stdin, tick);
    return new Output(r.exitCode(), r.lines());
  }

  /** The command line of a detached {@code tart run}. */
  List<String> command(List<String> args) {
    List<String> command = new ArrayList<>(args.size() + 1);
    command.add(executable);
    command.addAll(args);
    return command;
  }
}
