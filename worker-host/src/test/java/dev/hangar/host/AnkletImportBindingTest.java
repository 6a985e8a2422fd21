package dev.hangar.host;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hangar.activities.secrets.SecretSealer;
import dev.hangar.testfixtures.AnkletImportRun;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The host.yml the Anklet importer writes binds to worker-host's real configuration record, whose
 * constructors make the host's start-up checks, so the importer cannot drift from the host's keys.
 */
class AnkletImportBindingTest {

  @TempDir Path dir;

  @Test
  void theImportedHostConfigurationBindsAndPassesStartUpValidation() {
    AnkletImportRun run = AnkletImportRun.ofExample(dir, Map.of());
    assertThat(run.status()).as(run.report()).isZero();
    Map<String, Object> environment = Map.of("HANGAR_SECRETS_KEY", SecretSealer.newKey());
    assertThat(run.placeholders("host.yml")).containsExactlyInAnyOrderElementsOf(environment.keySet());
    assertThat(run.report()).contains("HANGAR_SECRETS_KEY: ");

    AnkletImportRun.Bound bound = run.bind("host.yml", Path.of("src/main/resources/application.yml"), environment);
    HangarProperties hangar = bound.bind("hangar", HangarProperties.class);
    Integer port = bound.bind("server.port", Integer.class);

    assertThat(hangar.host().driver()).isEqualTo("anka");
    assertThat(hangar.host().maxRunningVms()).isEqualTo(2);
    assertThat(hangar.host().diskFreeBufferPercent()).isEqualTo(13);
    assertThat(hangar.host().anka().settings().registry()).isEqualTo("http://anka.registry:8089");
    assertThat(port).isEqualTo(8080);
    assertThat(bound.unboundKeys()).as("keys of host.yml no host record binds").isEmpty();
  }
}
