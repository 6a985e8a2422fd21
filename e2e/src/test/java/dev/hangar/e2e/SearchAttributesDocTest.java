package dev.hangar.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hangar.workflows.HangarSearchAttributes;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Every search attribute a job workflow publishes is registered by the local stack and documented:
 * an unregistered one would fail every job's workflow task.
 */
class SearchAttributesDocTest {

  @Test
  void theLocalStackRegistersAndTheDocsListEverySearchAttribute() throws Exception {
    String script = Files.readString(Path.of("..", "scripts", "run-local.sh"));
    String operations = Files.readString(Path.of("..", "docs", "operations.md"));
    for (var key : HangarSearchAttributes.ALL) {
      assertThat(script).contains("--search-attribute " + HangarSearchAttributes.devServerFlag(key));
      assertThat(operations).contains(key.getName());
    }
  }
}
