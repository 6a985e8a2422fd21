package dev.hangar.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An emulated GitHub Actions runner, the program a simulated VM runs (the worker-host's {@code
 * hangar.host.simulated.runner-command}). Like a real runner started with {@code --jitconfig}, it
 * needs nothing but its JIT configuration, which it reads from {@code .jitconfig} in its working
 * directory (never from arguments or the environment):
 *
 * <ol>
 *   <li>finds the service from the configuration's {@code .runner} {@code ServerUrl};
 *   <li>polls {@code POST <ServerUrl>claim} with the configuration in the body until GitHub gives
 *       it a job (any queued job its labels satisfy; a runner hit by actions/runner#3621 polls for
 *       ever, until its VM is deleted);
 *   <li>"runs" the job for its {@link JobPlan#duration()}, then {@code POST <ServerUrl>finish} with
 *       the plan's conclusion;
 *   <li>writes {@code exit-code} ({@code 0}) next to {@code .jitconfig} and exits 0.
 * </ol>
 *
 * <p>With {@code hangar.github.runner-registration: registration-token} the file holds instead, after
 * the line {@code # hangar runner registration v1}, what {@code config.sh} needs ({@code url=},
 * {@code token=}, {@code name=}, {@code labels=}, {@code group=}): the runner first registers
 * itself like {@code config.sh --unattended --ephemeral} ({@code POST <root>/_emulator/runner/register},
 * where GitHub refuses a wrong, expired or foreign token with 404, then the runner exits with
 * {@link #EXIT_REGISTRATION_REFUSED}) and goes on with the credential it got, as above.
 *
 * <p>If the runner is removed from GitHub while it waits, it exits with {@link #EXIT_REMOVED}; if
 * the service stays unreachable for {@link #GIVE_UP_AFTER}, with {@link #EXIT_UNREACHABLE}. It never
 * prints its configuration.
 */
public final class SimulatedRunner {

  /** The runner was removed from GitHub before it got a job. */
  public static final int EXIT_REMOVED = 3;

  /** The service could not be reached for {@link #GIVE_UP_AFTER}. */
  public static final int EXIT_UNREACHABLE = 4;

  /** The configuration is missing or unreadable. */
  public static final int EXIT_BAD_CONFIG = 5;

  /** GitHub refused the registration token (wrong, expired, or for another repository). */
  public static final int EXIT_REGISTRATION_REFUSED = 6;

  /** The first line of a registration by token; see the class description. */
  static final String REGISTRATION_HEADER = "# hangar runner registration v1";

  /** How long the service may stay unreachable before the runner gives up. */
  public static final Duration GIVE_UP_AFTER = Duration.ofSeconds(60);

  private static final Logger LOG = LoggerFactory.getLogger(SimulatedRunner.class);
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final Path dir;
  private final Duration pollInterval;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  SimulatedRunner(Path dir, Duration pollInterval) {
    this.dir = dir;
    this.pollInterval = pollInterval;
  }

  /** Runs in the current directory; see the class description. */
  public static void main(String[] args) {
    int code = new SimulatedRunner(Path.of("").toAbsolutePath(), Duration.ofMillis(300)).run();
    System.exit(code);
  }

  /** The whole life of the runner; answers the exit code. */
  int run() {
    String jitConfig;
    URI service;
    try {
      jitConfig = Files.readString(dir.resolve(".jitconfig"), StandardCharsets.UTF_8).trim();
      if (jitConfig.startsWith(REGISTRATION_HEADER)) {
        Optional<String> registered = register(jitConfig);
        if (registered.isEmpty()) {
          return EXIT_REGISTRATION_REFUSED;
        }
        jitConfig = registered.get();
      }
      service = JitConfigs.serverUrl(jitConfig);
    } catch (IOException | IllegalArgumentException e) {
      LOG.error("cannot read the JIT configuration in {}: {}", dir, e.getMessage());
      return EXIT_BAD_CONFIG;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 1;
    }
    LOG.info("runner configured; polling {} for a job", service);
    try {
      Optional<JsonNode> job = awaitJob(service, jitConfig);
      if (job.isEmpty()) {
        return EXIT_REMOVED;
      }
      long jobId = job.get().path("id").asLong();
      Duration duration = Duration.parse(job.get().path("plan").path("duration").asText("PT1S"));
      String conclusion = job.get().path("plan").path("conclusion").asText("success");
      LOG.info("took job {}; running it for {}", jobId, duration);
      Thread.sleep(duration.toMillis());
      finish(service, jitConfig, conclusion);
      LOG.info("job {} finished: {}", jobId, conclusion);
      writeExitCode();
      return 0;
    } catch (UnreachableException e) {
      LOG.error("{} unreachable for {}; giving up", service, GIVE_UP_AFTER);
      return EXIT_UNREACHABLE;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 1;
    } catch (IOException e) {
      LOG.error("runner failed: {}", e.getMessage());
      return 1;
    }
  }

  /**
   * What {@code config.sh} does with a registration token: registers the runner; its credential,
   * or empty if GitHub refused the token.
   */
  private Optional<String> register(String file) throws IOException, InterruptedException {
    java.util.Map<String, String> values = new java.util.HashMap<>();
    file.lines().skip(1).forEach(line -> {
      int eq = line.indexOf('=');
      if (eq > 0) {
        values.put(line.substring(0, eq), line.substring(eq + 1));
      }
    });
    String url = values.getOrDefault("url", "");
    URI page = URI.create(url);
    ObjectNode body = MAPPER.createObjectNode();
    body.put("url", url);
    body.put("token", values.getOrDefault("token", ""));
    body.put("name", values.getOrDefault("name", ""));
    for (String label : values.getOrDefault("labels", "").split(",")) {
      if (!label.isBlank()) {
        body.withArray("labels").add(label);
      }
    }
    if (values.containsKey("group")) {
      body.put("runner_group", values.get("group"));
    }
    URI register = URI.create(page.getScheme() + "://" + page.getRawAuthority() + JitConfigs.RUNNER_SERVICE_PATH
        + "register");
    HttpResponse<String> answer = http.send(HttpRequest.newBuilder(register)
        .timeout(Duration.ofSeconds(10))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8))
        .build(), HttpResponse.BodyHandlers.ofString());
    if (answer.statusCode() == 404) {
      LOG.error("GitHub refused the registration token (404 Not Found)");
      return Optional.empty();
    }
    if (answer.statusCode() != 201) {
      throw new IOException("registration answered " + answer.statusCode());
    }
    LOG.info("runner registered with a registration token");
    return Optional.of(MAPPER.readTree(answer.body()).path("encoded_jit_config").asText());
  }

  /** Polls until GitHub hands out a job; empty if the runner was removed meanwhile. */
  private Optional<JsonNode> awaitJob(URI service, String jitConfig)
      throws InterruptedException, UnreachableException {
    Unreachable unreachable = new Unreachable();
    while (true) {
      Optional<HttpResponse<String>> answer = post(service.resolve("claim"), body(jitConfig, null), unreachable);
      if (answer.isPresent()) {
        int status = answer.get().statusCode();
        if (status == 201) {
          try {
            return Optional.of(MAPPER.readTree(answer.get().body()));
          } catch (IOException e) {
            LOG.warn("unreadable claim answer; polling again");
          }
        } else if (status == 404) {
          LOG.info("runner was removed before it got a job");
          return Optional.empty();
        } else if (status != 204) {
          LOG.warn("claim answered {}; polling again", status);
        }
      }
      Thread.sleep(pollInterval.toMillis());
    }
  }

  private void finish(URI service, String jitConfig, String conclusion)
      throws InterruptedException, UnreachableException {
    Unreachable unreachable = new Unreachable();
    while (true) {
      Optional<HttpResponse<String>> answer =
          post(service.resolve("finish"), body(jitConfig, conclusion), unreachable);
      if (answer.isPresent() && (answer.get().statusCode() == 201 || answer.get().statusCode() == 204)) {
        return;
      }
      answer.ifPresent(a -> LOG.warn("finish answered {}; trying again", a.statusCode()));
      Thread.sleep(pollInterval.toMillis());
    }
  }

  private Optional<HttpResponse<String>> post(URI uri, String json, Unreachable unreachable)
      throws InterruptedException, UnreachableException {
    HttpRequest request = HttpRequest.newBuilder(uri)
        .timeout(Duration.ofSeconds(10))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8))
        .build();
    try {
      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
      unreachable.reset();
      return Optional.of(response);
    } catch (IOException e) {
      unreachable.check();
      LOG.debug("{} not reachable: {}", uri, e.toString());
      return Optional.empty();
    }
  }

  private static String body(String jitConfig, String conclusion) {
    ObjectNode body = MAPPER.createObjectNode();
    body.put("encoded_jit_config", jitConfig);
    if (conclusion != null) {
      body.put("conclusion", conclusion);
    }
    return body.toString();
  }

  private void writeExitCode() throws IOException {
    Path tmp = dir.resolve(".exit-code.tmp");
    Files.writeString(tmp, "0", StandardCharsets.US_ASCII);
    Files.move(tmp, dir.resolve("exit-code"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  /** Since when the service has been unreachable. */
  private static final class Unreachable {
    private long since = -1;

    void reset() {
      since = -1;
    }

    void check() throws UnreachableException {
      long now = System.nanoTime();
      if (since < 0) {
        since = now;
      } else if (now - since > GIVE_UP_AFTER.toNanos()) {
        throw new UnreachableException();
      }
    }
  }

  private static final class UnreachableException extends Exception {
    private static final long serialVersionUID = 1L;
  }
}
