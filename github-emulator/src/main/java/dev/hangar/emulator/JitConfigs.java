package dev.hangar.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.util.Base64;

/**
 * Reads an encoded JIT configuration the way a runner does: base64 of a JSON map of runner files,
 * whose {@code .runner} file (base64 JSON) names the service the runner talks to in {@code
 * ServerUrl}. Never logs or echoes the configuration.
 */
final class JitConfigs {

  /** Where the emulator's runner service lives, under its base URL. */
  static final String RUNNER_SERVICE_PATH = "/_emulator/runner/";

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private JitConfigs() {}

  /**
   * The runner service URL in a configuration, ending with {@code /}.
   *
   * @throws IllegalArgumentException if it is not an encoded JIT configuration with a server URL
   */
  static URI serverUrl(String encodedJitConfig) {
    String url;
    try {
      JsonNode files = MAPPER.readTree(Base64.getDecoder().decode(encodedJitConfig.trim()));
      JsonNode runnerFile = MAPPER.readTree(Base64.getDecoder().decode(files.path(".runner").asText()));
      url = runnerFile.path("ServerUrl").asText("");
    } catch (IOException | IllegalArgumentException e) {
      // The message must not quote the configuration.
      throw new IllegalArgumentException("not an encoded JIT configuration: " + e.getClass().getSimpleName());
    }
    if (url.isBlank()) {
      throw new IllegalArgumentException("the JIT configuration's .runner has no ServerUrl");
    }
    return URI.create(url.endsWith("/") ? url : url + "/");
  }
}
