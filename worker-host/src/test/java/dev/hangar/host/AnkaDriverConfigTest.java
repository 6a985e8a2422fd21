package dev.hangar.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hangar.activities.host.anka.AnkaVmDriver;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

/** {@code hangar.host.driver: anka}: its keys, and the licence check at startup. */
@ExtendWith(OutputCaptureExtension.class)
class AnkaDriverConfigTest {

  @TempDir Path dir;

  /** A stand-in for anka that answers {@code -j version} and {@code -j license show} only. */
  Path anka(String licenceStatus, String licenceType) throws IOException {
    Path exe = dir.resolve("anka");
    Files.writeString(exe, """
        #!/bin/sh
        case "$2" in
          version) printf '%s' '{"status":"OK","code":0,"body":{"product":"Anka","version":"3.5.3","build":"1"},"message":""}' ;;
          license) printf '%s' '{"status":"OK","code":0,"body":{"status":"STATUS","license_type":"TYPE","product":"x"},"message":""}' ;;
          *) printf '%s' '{"status":"ERROR","code":1,"body":{},"message":"unexpected"}'; exit 1 ;;
        esac
        """.replace("STATUS", licenceStatus).replace("TYPE", licenceType));
    Files.setPosixFilePermissions(exe, PosixFilePermissions.fromString("rwx------"));
    return exe;
  }

  @Test
  void ankaIsSelectedWithItsKeysFromTheEnvironment() throws IOException {
    Path scripts = Files.createDirectories(dir.resolve("scripts"));
    StandardEnvironment env = new StandardEnvironment();
    env.getPropertySources().replace(
        StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
        new SystemEnvironmentPropertySource(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, Map.of(
            "HANGAR_HOST_DRIVER", "Anka",
            "HANGAR_HOST_ANKA_EXECUTABLE", "/opt/anka/bin/anka",
            "HANGAR_HOST_ANKA_SCRIPTSDIR", scripts.toString(),
            "HANGAR_HOST_ANKA_REGISTRY", "https://registry.example:8089",
            "HANGAR_SECRETS_KEY", ConfigValidationTest.KEY,
            "HANGAR_TEMPLATES_0_ID", "macos-15",
            "HANGAR_TEMPLATES_0_CPUCORES", "4",
            "HANGAR_TEMPLATES_0_MEMORYMB", "8192")));
    HangarProperties p = Binder.get(env).bind("hangar", HangarProperties.class).get();
    assertThat(p.host().driver()).isEqualTo("anka");
    assertThat(p.host().anka().executable()).isEqualTo("/opt/anka/bin/anka");
    assertThat(p.host().anka().scriptsDir()).isEqualTo(scripts);
    assertThat(p.host().anka().registry()).isEqualTo("https://registry.example:8089");
  }

  @Test
  void theDefaultsAreAnkaOnThePathAndTheDefaultRegistry() {
    HangarProperties.Anka a = new HangarProperties.Anka("anka", null, "");
    assertThat(a.settings().executable()).isEqualTo(Path.of("anka"));
    assertThat(a.registry()).isNull();
    assertThat(a.settings().scriptsDir()).isNull();
  }

  @Test
  void aValidLicenceGivesADriver() throws IOException {
    AnkaVmDriver driver = HostConfiguration.verifiedAnka(
        new HangarProperties.Anka(anka("valid", "com.veertu.anka.build").toString(), null, null));
    assertThat(driver).isNotNull();
  }

  @Test
  void anExpiredLicenceNamesTheDriverKey() throws IOException {
    HangarProperties.Anka a = new HangarProperties.Anka(anka("expired", "com.veertu.anka.build").toString(), null, null);
    assertThatThrownBy(() -> HostConfiguration.verifiedAnka(a))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageStartingWith("hangar.host.driver is anka but the Anka licence is not valid (status 'expired'")
        .satisfies(e -> assertThat(((InvalidConfigException) e).key()).isEqualTo("hangar.host.driver"));
  }

  @Test
  void aSingleVmLicenceStopsTheHostAtStartupInOneLine(CapturedOutput output) throws IOException {
    Path exe = anka("valid", "com.veertu.anka.develop");
    assertThatThrownBy(() -> ConfigValidationTest.start("--hangar.host.driver=anka --hangar.host.anka.executable=" + exe))
        .isNotNull();
    assertThat(output.getOut() + output.getErr())
        .contains("APPLICATION FAILED TO START")
        .contains("hangar.host.driver is anka but the Anka licence 'com.veertu.anka.develop' runs one VM at a time")
        .contains("HANGAR_HOST_DRIVER")
        .doesNotContain("\tat ");
  }
}
