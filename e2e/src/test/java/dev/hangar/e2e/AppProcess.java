package dev.hangar.e2e;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One of Hangar's Spring Boot processes (gateway or worker-host), started from its executable jar as
 * a real operating-system process. Secrets go in through the environment, never the command line.
 */
final class AppProcess implements AutoCloseable {

  private final String name;
  private final Path jar;
  private final Path log;
  private final int port;
  private final List<String> args;
  private final Map<String, String> env;
  private final List<String> jvmOptions = new ArrayList<>();
  private Process process;

  AppProcess(String name, Path jar, Path workDir, List<String> args, Map<String, String> env) throws IOException {
    this.name = name;
    this.jar = jar;
    Files.createDirectories(workDir);
    this.log = workDir.resolve(name + ".log");
    this.port = Ports.free();
    this.args = args;
    this.env = env;
  }

  /** The executable jar a module's build made, found next to this module. */
  static Path jarOf(String module) throws IOException {
    Path target = Path.of("..", module, "target").toAbsolutePath().normalize();
    try (var files = Files.list(target)) {
      return files
          .filter(p -> p.getFileName().toString().endsWith("-exec.jar"))
          .findFirst()
          .orElseThrow(() -> new IllegalStateException("no executable jar in " + target + ": build the " + module + " module first"));
    }
  }

  void start() throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("@" + shippedJvmOptions(jar));
    cmd.addAll(jvmOptions);
    cmd.add("-jar");
    cmd.add(jar.toString());
    cmd.add("--server.port=" + port);
    cmd.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    pb.environment().putAll(env);
    process = pb.start();
    awaitHealthy(Duration.ofSeconds(90));
  }

  /**
   * The JVM options Hangar ships for the jar's module ({@code deploy/jvm/<module>.options}, a Java
   * argument file), so that the tests and the benchmark run the processes as users do.
   */
  static Path shippedJvmOptions(Path jar) {
    Path module = jar.toAbsolutePath().getParent().getParent();
    Path options = module.getParent().resolve("deploy").resolve("jvm").resolve(module.getFileName() + ".options");
    if (!Files.isRegularFile(options)) {
      throw new IllegalStateException("no JVM options for " + module.getFileName() + " at " + options);
    }
    return options;
  }

  private void awaitHealthy(Duration timeout) throws InterruptedException, IOException {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException(name + " exited with " + process.exitValue() + ":\n" + tail());
      }
      try {
        HttpResponse<String> r = http.send(
            HttpRequest.newBuilder(URI.create(baseUrl() + "/actuator/health")).timeout(Duration.ofSeconds(2)).build(),
            HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200 && r.body().contains("UP")) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      }
      Thread.sleep(250);
    }
    throw new IllegalStateException(name + " not healthy within " + timeout + ":\n" + tail());
  }

  /** Starts it again after {@link #kill()} or {@link #stop()}: same port, arguments and log. */
  void restart() throws IOException, InterruptedException {
    if (process != null && process.isAlive()) {
      throw new IllegalStateException(name + " is still running");
    }
    start();
  }

  /**
   * More JVM options for the next {@link #start()}, after the defaults (a later {@code -XX} option
   * wins), for example a flight recording.
   */
  void addJvmOptions(List<String> options) {
    jvmOptions.addAll(options);
  }

  String name() {
    return name;
  }

  String baseUrl() {
    return "http://127.0.0.1:" + port;
  }

  long pid() {
    return process.pid();
  }

  /** The last lines of the process's log, for failure messages. */
  String tail() throws IOException {
    List<String> lines = Files.readAllLines(log);
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
  }

  Path log() {
    return log;
  }

  /** SIGKILL, as a crash would. */
  void kill() throws InterruptedException {
    if (process != null && process.isAlive()) {
      process.destroyForcibly().waitFor(20, TimeUnit.SECONDS);
    }
  }

  /** SIGTERM, then SIGKILL if it does not exit within 20 s. */
  void stop() throws InterruptedException {
    if (process != null && process.isAlive()) {
      process.destroy();
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor();
      }
    }
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
