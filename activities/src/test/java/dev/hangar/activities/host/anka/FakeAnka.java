package dev.hangar.activities.host.anka;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hangar.activities.host.DriverTests;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * The fake {@code anka} of {@code src/test/resources/fake-anka}: a state directory, a config file
 * the tests edit, and an executable wrapper that points the fake at that state.
 */
final class FakeAnka {

  private static final ObjectMapper JSON = new ObjectMapper();

  final Path state;
  final Path executable;
  final ObjectNode config = JSON.createObjectNode();
  private final DriverTests.FakeState files;

  FakeAnka(Path dir) throws IOException, URISyntaxException {
    state = Files.createDirectories(dir.resolve("state"));
    files = new DriverTests.FakeState(state);
    Path script = Path.of(FakeAnka.class.getResource("/fake-anka/fake_anka.py").toURI());
    executable = dir.resolve("anka");
    Files.writeString(executable, "#!/bin/sh\nFAKE_ANKA_STATE='" + state + "' exec python3 '" + script + "' \"$@\"\n");
    Files.setPosixFilePermissions(executable, PosixFilePermissions.fromString("rwx------"));
    registry("macos-15", 4, 8L << 30, 80L << 30, "v1", "v2");
    save();
  }

  FakeAnka registry(String template, int cores, long ramBytes, long diskBytes, String... tags) {
    ObjectNode t = obj(config, "registry").putObject(template);
    t.put("cpu_cores", cores).put("ram_size", ramBytes).put("hard_drive", diskBytes);
    t.putArray("tags").addAll(java.util.Arrays.stream(tags).map(JSON.getNodeFactory()::textNode).toList());
    return this;
  }

  FakeAnka set(String key, Object value) throws IOException {
    reload();
    config.set(key, JSON.valueToTree(value));
    return save();
  }

  FakeAnka licence(String status, String type) throws IOException {
    reload();
    config.putObject("licence").put("status", status).put("license_type", type).put("product", "test");
    return save();
  }

  /** Makes {@code command} fail {@code times} times; stage "mid" fails a pull after some progress. */
  FakeAnka fail(String command, int times, String stage) throws IOException {
    reload();
    obj(config, "fail").putObject(command).put("times", times).put("stage", stage).put("after_lines", 2)
        .put("message", "fake: injected failure of " + command);
    return save();
  }

  private static ObjectNode obj(ObjectNode parent, String name) {
    return parent.get(name) instanceof ObjectNode o ? o : parent.putObject(name);
  }

  /** Re-reads the config, which the fake rewrites as injected failures are used up. */
  private void reload() throws IOException {
    Path file = state.resolve("config.json");
    if (Files.exists(file)) {
      config.removeAll();
      config.setAll((ObjectNode) JSON.readTree(file.toFile()));
    }
  }

  FakeAnka save() throws IOException {
    Files.writeString(state.resolve("config.json"), JSON.writeValueAsString(config));
    return this;
  }

  /** The fake's argv log and VM homes. */
  DriverTests.FakeState files() {
    return files;
  }
}
