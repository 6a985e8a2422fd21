package dev.hangar.activities.host;

import dev.hangar.activities.host.VmDriver.RunnerState;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The constant shell commands a driver runs inside a VM (with {@code /bin/bash -c}) to start the
 * runner and to learn its state, the same for every driver. No name or secret is ever part of
 * them: the scripts of {@link RunnerScripts} and the JIT configuration are files in {@link
 * #GUEST_DIR}.
 */
public final class GuestCommands {

  /** The directory in the VM user's home that holds Hangar's scripts and the JIT configuration. */
  public static final String GUEST_DIR = "hangar";

  /** The name of the JIT configuration's file in {@link #GUEST_DIR}; mode 0600. */
  public static final String JIT_CONFIG_FILE = ".jitconfig";

  /** What the state script prints before the state. */
  public static final String STATE_PREFIX = "hangar-runner-state=";

  /** Starts the runner. */
  public static final String START_COMMAND =
      "exec /bin/bash \"$HOME/" + GUEST_DIR + "/" + RunnerScripts.START + "\"";

  /** Prints the runner's state; {@code NOT_STARTED} if the scripts are not in the VM yet. */
  public static final String STATE_COMMAND = "if [ -f \"$HOME/" + GUEST_DIR + "/" + RunnerScripts.STATE + "\" ];"
      + " then exec /bin/bash \"$HOME/" + GUEST_DIR + "/" + RunnerScripts.STATE + "\";"
      + " else echo " + STATE_PREFIX + "NOT_STARTED; fi";

  private static final Logger log = LoggerFactory.getLogger(GuestCommands.class);
  private static final Pattern STATE_LINE = Pattern.compile(Pattern.quote(STATE_PREFIX) + "([A-Z_]+)");

  private GuestCommands() {}

  /**
   * The last {@code hangar-runner-state=<STATE>} in the output, found anywhere in a line (so also
   * inside a JSON envelope, should a CLI wrap the command's output in one).
   */
  public static Optional<RunnerState> parseState(List<String> lines) {
    for (int i = lines.size() - 1; i >= 0; i--) {
      Matcher m = STATE_LINE.matcher(lines.get(i));
      String last = null;
      while (m.find()) {
        last = m.group(1);
      }
      if (last != null) {
        for (RunnerState s : RunnerState.values()) {
          if (s != RunnerState.NO_VM && s.name().equals(last)) {
            return Optional.of(s);
          }
        }
        return Optional.empty();
      }
    }
    return Optional.empty();
  }

  /**
   * Whether a driver must start the runner, given its state.
   *
   * @return {@code false} if it is running already (logged), {@code true} otherwise
   * @throws VmDriver.VmMissingException if there is no VM
   */
  public static boolean mustStartRunner(String vm, RunnerState state) throws VmDriver.VmMissingException {
    if (state == RunnerState.NO_VM) {
      throw new VmDriver.VmMissingException(vm);
    }
    if (state == RunnerState.RUNNING) {
      log.info("runner in VM {} is already running", vm);
      return false;
    }
    return true;
  }

  /** The last non-blank line of a command's output, at most 200 characters, for error messages. */
  public static String lastLine(List<String> lines) {
    for (int i = lines.size() - 1; i >= 0; i--) {
      String line = lines.get(i).strip();
      if (!line.isEmpty()) {
        return line.length() > 200 ? line.substring(0, 200) + "..." : line;
      }
    }
    return "(no output)";
  }
}
