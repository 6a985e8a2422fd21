package dev.hangar.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hangar.activities.host.tart.TartSettings;
import dev.hangar.activities.host.tart.TartVmDriver;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

/** {@code hangar.host.driver: tart}: its keys, their checks, and the executable check at startup. */
@ExtendWith(OutputCaptureExtension.class)
class TartDriverConfigTest {

  @TempDir Path dir;

  /** A stand-in for tart that answers {@code --version} only. */
  Path tart() throws IOException {
    Path exe = dir.resolve("tart");
    Files.writeString(exe, "#!/bin/sh\n[ \"$1\" = --version ] && { echo 2.31.0; exit 0; }\necho \"Error: unexpected\" >&2\nexit 64\n");
    Files.setPosixFilePermissions(exe, PosixFilePermissions.fromString("rwx------"));
    return exe;
  }

  static HangarProperties bind(Map<String, Object> variables) {
    StandardEnvironment env = new StandardEnvironment();
    env.getPropertySources().replace(
        StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
        new SystemEnvironmentPropertySource(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, variables));
    return Binder.get(env).bind("hangar", HangarProperties.class).get();
  }

  static Map<String, Object> withCatalog(Map<String, Object> tartKeys) {
    Map<String, Object> all = new java.util.HashMap<>(Map.of(
        "HANGAR_SECRETS_KEY", ConfigValidationTest.KEY,
        "HANGAR_TEMPLATES_0_ID", "macos-sequoia-base",
        "HANGAR_TEMPLATES_0_CPUCORES", "4",
        "HANGAR_TEMPLATES_0_MEMORYMB", "8192"));
    all.putAll(tartKeys);
    return all;
  }

  @Test
  void tartIsSelectedWithItsKeysFromTheEnvironment() throws IOException {
    Path scripts = Files.createDirectories(dir.resolve("scripts"));
    HangarProperties p = bind(withCatalog(Map.of(
        "HANGAR_HOST_DRIVER", "Tart",
        "HANGAR_HOST_TART_EXECUTABLE", "/opt/homebrew/bin/tart",
        "HANGAR_HOST_TART_SCRIPTSDIR", scripts.toString(),
        "HANGAR_HOST_TART_REGISTRY", "registry.example:5000/macos",
        "HANGAR_HOST_TART_RUNLOGDIR", dir.resolve("logs").toString(),
        "HANGAR_HOST_TART_BOOTTIMEOUT", "90s")));
    assertThat(p.host().driver()).isEqualTo("tart");
    TartSettings s = p.host().tart().settings();
    assertThat(s.executable()).isEqualTo(Path.of("/opt/homebrew/bin/tart"));
    assertThat(s.scriptsDir()).isEqualTo(scripts);
    assertThat(s.registry()).isEqualTo("registry.example:5000/macos");
    assertThat(s.runLogDir()).isEqualTo(dir.resolve("logs"));
    assertThat(s.bootTimeout()).isEqualTo(Duration.ofSeconds(90));
  }

  @Test
  void theDefaultsAreTartOnThePathAndCirrusLabsImages() {
    HangarProperties p = bind(withCatalog(Map.of("HANGAR_HOST_DRIVER", "tart")));
    TartSettings s = p.host().tart().settings();
    assertThat(s.executable()).isEqualTo(Path.of("tart"));
    assertThat(s.registry()).isEqualTo("ghcr.io/cirruslabs");
    assertThat(s.scriptsDir()).isNull();
    assertThat(s.bootTimeout()).isEqualTo(Duration.ofMinutes(3));
    assertThat(s.runLogDir()).isEqualTo(Path.of(System.getProperty("java.io.tmpdir"), "hangar-tart"));
  }

  @Test
  void badValuesNameTheirKey() {
    assertThatThrownBy(() -> new HangarProperties.Tart("tart", null, "https://ghcr.io/x", null, Duration.ofMinutes(3)))
        .isInstanceOfSatisfying(InvalidConfigException.class,
            e -> assertThat(e.key()).isEqualTo("hangar.host.tart.registry"));
    assertThatThrownBy(() -> new HangarProperties.Tart("tart", dir.resolve("nope"), null, null, Duration.ofMinutes(3)))
        .isInstanceOfSatisfying(InvalidConfigException.class,
            e -> assertThat(e.key()).isEqualTo("hangar.host.tart.scripts-dir"));
    assertThatThrownBy(() -> new HangarProperties.Tart("-x", null, null, null, Duration.ofMinutes(3)))
        .isInstanceOfSatisfying(InvalidConfigException.class,
            e -> assertThat(e.key()).isEqualTo("hangar.host.tart.executable"));
    assertThatThrownBy(() -> new HangarProperties.Tart("tart", null, null, null, Duration.ZERO))
        .isInstanceOfSatisfying(InvalidConfigException.class,
            e -> assertThat(e.key()).isEqualTo("hangar.host.tart.boot-timeout"));
    assertThatThrownBy(() -> new HangarProperties.Tart("tart", null, null, null, Duration.ofDays(1)))
        .isInstanceOfSatisfying(InvalidConfigException.class,
            e -> assertThat(e.key()).isEqualTo("hangar.host.tart.boot-timeout"));
  }

  @Test
  void aWorkingTartGivesADriver() throws IOException {
    TartVmDriver driver = HostConfiguration.verifiedTart(
        new HangarProperties.Tart(tart().toString(), null, null, null, Duration.ofMinutes(3)));
    assertThat(driver).isNotNull();
  }

  @Test
  void aMissingTartStopsTheHostAtStartupInOneLine(CapturedOutput output) {
    Path missing = dir.resolve("no-such-tart");
    assertThatThrownBy(() -> ConfigValidationTest.start("--hangar.host.driver=tart --hangar.host.tart.executable=" + missing))
        .isNotNull();
    assertThat(output.getOut() + output.getErr())
        .contains("APPLICATION FAILED TO START")
        .contains("hangar.host.tart.executable '" + missing + "' is not a working tart: cannot run")
        .contains("HANGAR_HOST_TART_EXECUTABLE")
        .doesNotContain("\tat ");
  }
}
