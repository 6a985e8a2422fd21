package dev.hangar.activities.host.anka;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs {@code anka -j <args>} with an argument array (never a shell), output and errors merged as
 * Anka's own tools read them, stdin from {@code /dev/null}. Arguments are names already checked by
 * {@link dev.hangar.activities.host.SafeNames}, options and host paths; never a secret.
 */
final class AnkaCli {

  private static final Logger log = LoggerFactory.getLogger(AnkaCli.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final File DEV_NULL = new File("/dev/null");
  /** Queued after the last line; compared by identity, so no output line can be mistaken for it. */
  @SuppressWarnings("StringOperationCanBeSimplified")
  private static final String END = new String("end of output");
  private static final int KEPT_LINES = 200;
  private static final Duration TICK = Duration.ofSeconds(1);

  private final String executable;

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
    log.debug("running {}", command);
    Process process = new ProcessBuilder(command)
        .redirectInput(DEV_NULL)
        .redirectErrorStream(true)
        .start();
    BlockingQueue<String> queue = new LinkedBlockingQueue<>();
    Thread reader = new Thread(() -> pump(process, queue), "anka-output-" + process.pid());
    reader.setDaemon(true);
    reader.start();
    Deque<String> kept = new ArrayDeque<>();
    long deadline = System.nanoTime() + timeout.toNanos();
    boolean done = false;
    try {
      while (!done) {
        String line = queue.poll(TICK.toMillis(), TimeUnit.MILLISECONDS);
        if (line == END) {
          done = true;
        } else if (line != null) {
          kept.addLast(line);
          if (kept.size() > KEPT_LINES) {
            kept.removeFirst();
          }
        }
        tick.run();
        if (!done && System.nanoTime() > deadline) {
          throw new IOException("anka " + args.get(0) + " did not finish within " + timeout);
        }
      }
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new IOException("anka " + args.get(0) + " did not exit within " + timeout);
      }
      return new Output(process.exitValue(), List.copyOf(kept));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while anka " + args.get(0) + " ran", e);
    } finally {
      if (process.isAlive()) {
        process.destroyForcibly();
      }
    }
  }

  private static void pump(Process process, BlockingQueue<String> queue) {
    try (BufferedReader in = new BufferedReader(
        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = in.readLine()) != null) {
        queue.add(line);
      }
    } catch (IOException e) {
      log.debug("reading anka's output stopped: {}", e.getMessage());
    } finally {
      queue.add(END);
    }
  }

  private static String abbreviate(String s) {
    String one = s.strip().replaceAll("\\s+", " ");
    return one.length() > 200 ? one.substring(0, 200) + "..." : one;
  }
}
