package dev.hangar.activities.host;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a virtualisation CLI ({@code anka}, {@code tart}) with an argument array, never a shell:
 * output and errors merged, stdin from {@code /dev/null} or from bytes the caller gives (a secret
 * goes there, never into an argument). Keeps the last lines of output; calls a tick about every
 * second so an activity can heartbeat from its own thread.
 */
public final class CommandRunner {

  private static final Logger log = LoggerFactory.getLogger(CommandRunner.class);
  private static final File DEV_NULL = new File("/dev/null");
  /** Queued after the last line; compared by identity, so no output line can be mistaken for it. */
  @SuppressWarnings("StringOperationCanBeSimplified")
  private static final String END = new String("end of output");
  private static final int KEPT_LINES = 200;
  private static final Duration TICK = Duration.ofSeconds(1);

  private final String tool;

  /** @param tool the tool's name, for messages ({@code anka}, {@code tart}) */
  public CommandRunner(String tool) {
    this.tool = tool;
  }

  /** What a command did: its exit code and its last lines of output. */
  public record Result(int exitCode, List<String> lines) {}

  /**
   * Runs {@code command} (the executable, then its arguments).
   *
   * @param stdin written to the command's standard input, which is then closed; {@code null} for
   *     {@code /dev/null}
   * @param tick called on the calling thread about every second; whatever it throws stops the
   *     command and propagates
   */
  public Result run(List<String> command, Duration timeout, byte[] stdin, Runnable tick) throws IOException {
    String what = tool + command.stream().skip(1).filter(a -> !a.startsWith("-")).findFirst().map(a -> " " + a).orElse("");
    log.debug("running {}", command);
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    if (stdin == null) {
      builder.redirectInput(DEV_NULL);
    }
    Process process = builder.start();
    try {
      BlockingQueue<String> queue = new LinkedBlockingQueue<>();
      Thread reader = new Thread(() -> pump(process, queue), tool + "-output-" + process.pid());
      reader.setDaemon(true);
      reader.start();
      if (stdin != null) {
        try (OutputStream in = process.getOutputStream()) {
          in.write(stdin);
        }
      }
      Deque<String> kept = new ArrayDeque<>();
      long deadline = System.nanoTime() + timeout.toNanos();
      boolean done = false;
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
          throw new IOException(what + " did not finish within " + timeout);
        }
      }
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new IOException(what + " did not exit within " + timeout);
      }
      return new Result(process.exitValue(), List.copyOf(kept));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while " + what + " ran", e);
    } finally {
      if (process.isAlive()) {
        process.destroyForcibly();
      }
    }
  }

  private void pump(Process process, BlockingQueue<String> queue) {
    try (BufferedReader in = new BufferedReader(
        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = in.readLine()) != null) {
        queue.add(line);
      }
    } catch (IOException e) {
      log.debug("reading {}'s output stopped: {}", tool, e.getMessage());
    } finally {
      queue.add(END);
    }
  }
}
