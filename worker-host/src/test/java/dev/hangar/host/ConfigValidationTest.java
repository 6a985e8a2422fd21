package dev.hangar.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hangar.activities.secrets.SecretSealer;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

@ExtendWith(OutputCaptureExtension.class)
class ConfigValidationTest {

  static final String KEY = SecretSealer.newKey();

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "--hangar.host.max-running-vms=0       | hangar.host.max-running-vms must be ≥ 1, was 0 | HANGAR_HOST_MAXRUNNINGVMS",
      "--hangar.host.driver=parallels        | hangar.host.driver 'parallels' is not supported | HANGAR_HOST_DRIVER",
      "--hangar.host.driver=anka --hangar.host.anka.executable=/nonexistent/anka"
          + " | hangar.host.anka.executable '/nonexistent/anka' is not a working anka | HANGAR_HOST_ANKA_EXECUTABLE",
      "--hangar.host.driver=anka --hangar.host.anka.scripts-dir=/nonexistent/scripts"
          + " | hangar.host.anka.scripts-dir '/nonexistent/scripts' is not a directory | HANGAR_HOST_ANKA_SCRIPTSDIR",
      "--hangar.host.driver=tart --hangar.host.tart.registry=https://ghcr.io/x"
          + " | hangar.host.tart.registry is invalid | HANGAR_HOST_TART_REGISTRY",
      "--hangar.host.driver=anka --hangar.host.anka.registry=-x"
          + " | hangar.host.anka.registry is invalid | HANGAR_HOST_ANKA_REGISTRY",
      "--hangar.host.id=../etc               | hangar.host.id must be 1-64 characters         | HANGAR_HOST_ID",
      "--hangar.host.capacity-check-interval=0s | hangar.host.capacity-check-interval must be a positive | HANGAR_HOST_CAPACITYCHECKINTERVAL",
      "--hangar.host.reservation-ttl=-1m     | hangar.host.reservation-ttl must be a positive | HANGAR_HOST_RESERVATIONTTL",
      "--hangar.templates[0].id=t --hangar.templates[0].cpu-cores=0 --hangar.templates[0].memory-mb=1"
          + " | hangar.templates[0].cpu-cores must be positive | HANGAR_TEMPLATES",
      "--hangar.templates[0].id=a/b --hangar.templates[0].cpu-cores=1 --hangar.templates[0].memory-mb=1"
          + " | hangar.templates[0].id must be 1-64 characters | HANGAR_TEMPLATES_0_ID",
      "--hangar.secrets.key=bm90LWEta2V5     | hangar.secrets.key is invalid                  | HANGAR_SECRETS_KEY",
  })
  void aBadValueStopsTheHostWithOneLineNamingTheKey(String arg, String expected, String env, CapturedOutput output) {
    assertThatThrownBy(() -> start(arg)).isNotNull();
    assertThat(output.getOut() + output.getErr())
        .contains("APPLICATION FAILED TO START")
        .contains(expected)
        .contains(env)
        .doesNotContain("\tat ")
        .doesNotContain(KEY);
  }

  @Test
  void theErrorSaysWhereTheBadValueCameFrom(CapturedOutput output) {
    assertThatThrownBy(() -> start("--hangar.host.max-running-vms=0")).isNotNull();
    assertThat(output.getOut() + output.getErr())
        .contains("(value from \"hangar.host.max-running-vms\" from property source \"commandLineArgs\")");
  }

  @Test
  void aMissingSecretsKeyIsNamed(CapturedOutput output) {
    assertThatThrownBy(() -> new SpringApplicationBuilder(WorkerHostApplication.class)
        .web(WebApplicationType.NONE)
        .run("--spring.temporal.connection.target=", "--hangar.secrets.key="))
        .isNotNull();
    assertThat(output.getOut() + output.getErr())
        .contains("hangar.secrets.key is required")
        .contains("HANGAR_SECRETS_KEY")
        .doesNotContain("\tat ");
  }

  @Test
  void environmentVariablesOverrideEveryKey() {
    StandardEnvironment env = new StandardEnvironment();
    env.getPropertySources().replace(
        StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
        new SystemEnvironmentPropertySource(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, Map.of(
            "HANGAR_HOST_ID", "mac-7",
            "HANGAR_HOST_MAX_RUNNING_VMS", "1",
            "HANGAR_HOST_SKIPCPUANDMEMORYRESOURCECHECKS", "true",
            "HANGAR_HOST_RESERVATIONTTL", "3m",
            "HANGAR_HOST_SIMULATED_PULLDELAY", "2s",
            "HANGAR_SECRETS_KEY", KEY,
            "HANGAR_TEMPLATES_0_ID", "macos-14",
            "HANGAR_TEMPLATES_0_CPUCORES", "2",
            "HANGAR_TEMPLATES_0_MEMORYMB", "4096",
            "HANGAR_TEMPLATES_0_DISKGB", "40")));
    HangarProperties p = Binder.get(env).bind("hangar", HangarProperties.class).get();
    assertThat(p.host().id()).isEqualTo("mac-7");
    assertThat(p.host().maxRunningVms()).isEqualTo(1);
    assertThat(p.host().skipCpuAndMemoryResourceChecks()).isTrue();
    assertThat(p.host().reservationTtl()).hasMinutes(3);
    assertThat(p.host().capacityCheckInterval()).hasSeconds(5);
    assertThat(p.host().simulated().pullDelay()).hasSeconds(2);
    assertThat(p.host().simulated().root().toString()).endsWith("hangar-simulated/mac-7".replace('/', java.io.File.separatorChar));
    assertThat(p.catalog().sizeClasses()).containsExactly("c2-m4096");
    assertThat(p.secrets().toString()).doesNotContain(KEY);
  }

  @Test
  void theDefaultHostIdIsASanitizedHostName() {
    assertThat(HangarProperties.sanitize("Mac-Mini.local")).isEqualTo("mac-mini.local");
    assertThat(HangarProperties.sanitize("weird host/../x")).isEqualTo("weird-host-.-x");
    assertThat(HangarProperties.sanitize("..")).isEqualTo("host");
    assertThat(HangarProperties.sanitize("a".repeat(100))).hasSize(64);
  }

  static void start(String args) {
    java.util.List<String> all = new java.util.ArrayList<>(
        java.util.List.of("--spring.temporal.connection.target=", "--hangar.secrets.key=" + KEY));
    all.addAll(java.util.List.of(args.trim().split(" +")));
    new SpringApplicationBuilder(WorkerHostApplication.class)
        .web(WebApplicationType.NONE)
        .run(all.toArray(String[]::new));
  }
}
