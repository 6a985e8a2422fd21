package dev.hangar.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A real Temporal server: the Temporal CLI's dev server ({@code temporal server start-dev}) with
 * SQLite persistence in a file, so it can be stopped and started again with its state, or, for the
 * benchmark, in memory ({@link #keepStateInMemory()}). It runs with the dynamic configuration Hangar
 * ships for its Temporal clusters ({@value #DYNAMIC_CONFIG}). The CLI comes from
 * {@code -Dhangar.temporal.cli} (set by scripts/test.sh, which installs it) or PATH.
 */
final class TemporalDevServer implements AutoCloseable {

  /** Temporal's dynamic configuration for a Hangar cluster, relative to the repository's root. */
  static final String DYNAMIC_CONFIG = "deploy/temporal/dynamicconfig.yaml";

  private final String cli;
  private final Path dbFile;
  private final Path log;
  private final int port;
  private final int uiPort;
  private final int httpPort;
  private final int metricsPort;
  private Process process;
  private boolean inMemory;

  TemporalDevServer(Path workDir) throws IOException {
    this.cli = findCli();
    Files.createDirectories(workDir);
    this.dbFile = workDir.resolve("temporal.db");
    this.log = workDir.resolve("temporal.log");
    this.port = Ports.free();
    this.uiPort = Ports.free();
    this.httpPort = Ports.free();
    this.metricsPort = Ports.free();
  }

  private static String findCli() {
    String configured = System.getProperty("hangar.temporal.cli");
    if (configured != null && !configured.isBlank() && new File(configured).canExecute()) {
      return configured;
    }
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      File candidate = new File(dir, "temporal");
      if (candidate.canExecute()) {
        return candidate.getAbsolutePath();
      }
    }
    throw new IllegalStateException(
        "The end-to-end tests need the Temporal CLI (a real dev server). Run ./scripts/test.sh, which"
            + " installs it, or pass -Dhangar.temporal.cli=/path/to/temporal");
  }

  /**
   * Starts the server, or starts it again after {@link #stop()}: the same ports (so the processes
   * connected to it reconnect) and the same SQLite file (so it has its state).
   */
  void start() throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of(
        cli, "server", "start-dev",
        "--ip", "127.0.0.1",
        "--port", Integer.toString(port),
        "--ui-port", Integer.toString(uiPort),
        "--http-port", Integer.toString(httpPort),
        "--metrics-port", Integer.toString(metricsPort),
        "--log-level", "warn"));
    cmd.addAll(dynamicConfigFlags(Path.of("..").resolve(DYNAMIC_CONFIG)));
    if (inMemory) {
      if (process != null) {
        throw new IllegalStateException("an in-memory dev server cannot start again with its state");
      }
    } else {
      cmd.add("--db-filename");
      cmd.add(dbFile.toString());
    }
    // Job workflows carry Hangar's search attributes; the server must know them.
    for (var key : dev.hangar.workflows.HangarSearchAttributes.ALL) {
      cmd.add("--search-attribute");
      cmd.add(dev.hangar.workflows.HangarSearchAttributes.devServerFlag(key));
    }
    process = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    awaitReady(Duration.ofSeconds(60));
  }

  /**
   * The dev server's form of a dynamic configuration file: {@code --dynamic-config-value KEY=VALUE}
   * for each key, the value as JSON. The flag has no constraints, so a key with constraints, or with
   * more than one value, is refused rather than applied to everything.
   */
  static List<String> dynamicConfigFlags(Path file) throws IOException {
    JsonNode config = new ObjectMapper(new YAMLFactory()).readTree(file.toFile());
    List<String> flags = new ArrayList<>();
    for (Map.Entry<String, JsonNode> key : config.properties()) {
      JsonNode values = key.getValue();
      if (!values.isArray() || values.size() != 1 || values.get(0).size() != 1 || !values.get(0).has("value")) {
        throw new IllegalStateException(file + ": " + key.getKey()
            + " must have exactly one value without constraints to be a dev server flag");
      }
      flags.add("--dynamic-config-value");
      flags.add(key.getKey() + "=" + values.get(0).get("value"));
    }
    return flags;
  }

  private void awaitReady(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    RuntimeException last = null;
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("temporal dev server exited; see " + log);
      }
      WorkflowServiceStubs stubs = null;
      try {
        stubs = WorkflowServiceStubs.newServiceStubs(
            WorkflowServiceStubsOptions.newBuilder().setTarget(target()).build());
        stubs.healthCheck();
        return;
      } catch (RuntimeException e) {
        last = e;
        Thread.sleep(250);
      } finally {
        if (stubs != null) {
          stubs.shutdownNow();
        }
      }
    }
    throw new IllegalStateException("temporal dev server not ready within " + timeout + "; see " + log, last);
  }

  /**
   * Before the first start: keep the state in memory, the dev server's own default, instead of in
   * the SQLite file. Such a server cannot be started again with its state.
   */
  void keepStateInMemory() {
    inMemory = true;
  }

  long pid() {
    return process.pid();
  }

  /** Stops the server (SIGTERM) and waits for it to exit. Its SQLite file stays. */
  void stop() throws InterruptedException {
    if (process != null && process.isAlive()) {
      process.destroy();
      if (!process.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor();
      }
    }
  }

  String target() {
    return "127.0.0.1:" + port;
  }

  int uiPort() {
    return uiPort;
  }

  @Override
  public void close() {
    try {
      stop();
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
