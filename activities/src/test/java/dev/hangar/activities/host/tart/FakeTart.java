package dev.hangar.activities.host.tart;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hangar.activities.host.DriverTests;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * The fake {@code tart} of {@code src/test/resources/fake-tart}: a state directory, a config file
 * the tests edit, and an executable wrapper that points the fake at that state.
 */
final class FakeTart {

  static final String REGISTRY = "ghcr.io/example";
  private static final ObjectMapper JSON = new ObjectMapper();

  final Path state;
  final Path executable;
  final Path runLogs;

  FakeTart(Path dir) throws IOException, URISyntaxException {
    state = Files.createDirectories(dir.resolve("tart-state"));
    runLogs = dir.resolve("run-logs");
    Path script = Path.of(FakeTart.class.getResource("/fake-tart/fake_tart.py").toURI());
    executable = dir.resolve("tart");
    Files.writeString(executable, "#!/bin/sh\nFAKE_TART_STATE='" + state + "' exec python3 '" + script + "' \"$@\"\n");
    Files.setPosixFilePermissions(executable, PosixFilePermissions.fromString("rwx------"));
    image("macos-15", 30, "latest", "v1", "v2");
  }

  /** Settings on the fake, with a boot timeout of 10 s. */
  TartSettings settings(Path scripts) {
    return settings(scripts, Duration.ofSeconds(10));
  }

  TartSettings settings(Path scripts, Duration bootTimeout) {
    return new TartSettings(executable, scripts, REGISTRY, runLogs, Duration.ofSeconds(30), Duration.ofSeconds(60),
        bootTimeout);
  }

  /** Puts an image with these tags into the fake registry. */
  FakeTart image(String id, int sizeGb, String... tags) throws IOException {
    ObjectNode config = config();
    ObjectNode registry = config.has("registry") ? (ObjectNode) config.get("registry") : config.putObject("registry");
    ObjectNode image = registry.putObject(REGISTRY + "/" + id).put("size_gb", sizeGb).put("disk_gb", 50);
    image.putArray("tags").addAll(Arrays.stream(tags).map(JSON.getNodeFactory()::textNode).toList());
    return write(config);
  }

  FakeTart set(String key, Object value) throws IOException {
    ObjectNode config = config();
    config.set(key, JSON.valueToTree(value));
    return write(config);
  }

  /** Makes {@code command} fail {@code times} times; stage "mid" fails a pull after some progress. */
  FakeTart fail(String command, int times, String stage) throws IOException {
    ObjectNode config = config();
    ObjectNode fail = config.has("fail") ? (ObjectNode) config.get("fail") : config.putObject("fail");
    fail.putObject(command).put("times", times).put("stage", stage).put("after_lines", 2)
        .put("message", "Error: fake: injected failure of " + command);
    return write(config);
  }

  /** The config as the fake last wrote it (it counts injected failures down). */
  private ObjectNode config() throws IOException {
    Path file = state.resolve("config.json");
    return Files.exists(file) ? (ObjectNode) JSON.readTree(file.toFile()) : JSON.createObjectNode();
  }

  private FakeTart write(ObjectNode config) throws IOException {
    Files.writeString(state.resolve("config.json"), JSON.writeValueAsString(config));
    return this;
  }

  /** The fake's argv log and VM homes. */
  DriverTests.FakeState files() {
    return new DriverTests.FakeState(state);
  }

  /** Runs the fake directly, as an operator would, and waits for it. */
  int tart(String... args) throws IOException, InterruptedException {
    String[] command = new String[args.length + 1];
    command[0] = executable.toString();
    System.arraycopy(args, 0, command, 1, args.length);
    return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .start().waitFor();
  }
}
