package dev.hangar.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every Temporal server Hangar starts or describes runs with {@link TemporalDevServer#DYNAMIC_CONFIG}:
 * the end-to-end tests and the benchmark (as dev server flags), the local stack (the same flags in
 * scripts/run-local.sh), the compose stack (the file mounted), and docs/operations.md says why.
 */
class TemporalDynamicConfigTest {

  private static final Path ROOT = Path.of("..");

  @Test
  void theLocalStackAndTheComposeStackUseTheShippedDynamicConfig() throws Exception {
    List<String> flags = TemporalDevServer.dynamicConfigFlags(ROOT.resolve(TemporalDevServer.DYNAMIC_CONFIG));
    assertThat(flags).contains("--dynamic-config-value", "history.transferProcessorMaxPollRPS=200");

    String script = Files.readString(ROOT.resolve("scripts/run-local.sh"));
    String compose = Files.readString(ROOT.resolve("docker-compose.yml"));
    String operations = Files.readString(ROOT.resolve("docs/operations.md"));
    for (int i = 0; i < flags.size(); i += 2) {
      String keyValue = flags.get(i + 1);
      assertThat(script).contains("--dynamic-config-value " + keyValue);
      assertThat(operations).contains(keyValue.substring(0, keyValue.indexOf('=')));
    }
    assertThat(compose)
        .contains("./" + TemporalDevServer.DYNAMIC_CONFIG + ":/etc/temporal/config/dynamicconfig/hangar.yaml:ro")
        .contains("DYNAMIC_CONFIG_FILE_PATH: /etc/temporal/config/dynamicconfig/hangar.yaml");
  }

  @Test
  void aKeyWithConstraintsIsRefusedNotAppliedToEveryTaskQueue(@TempDir Path dir) {
    assertThatThrownBy(() -> flagsOf(dir, """
        matching.numTaskqueueReadPartitions:
          - value: 1
            constraints:
              taskQueueName: hangar-orchestrator
        """))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("matching.numTaskqueueReadPartitions")
        .hasMessageContaining("without constraints");
  }

  @Test
  void valuesBecomeJson(@TempDir Path dir) throws Exception {
    assertThat(flagsOf(dir, """
        history.transferProcessorMaxPollRPS:
          - value: 200
        frontend.someDuration:
          - value: 2s
        """)).containsExactly(
        "--dynamic-config-value", "history.transferProcessorMaxPollRPS=200",
        "--dynamic-config-value", "frontend.someDuration=\"2s\"");
  }

  private static List<String> flagsOf(Path dir, String yaml) throws Exception {
    Path file = dir.resolve("dynamicconfig.yaml");
    Files.writeString(file, yaml);
    return TemporalDevServer.dynamicConfigFlags(file);
  }
}
