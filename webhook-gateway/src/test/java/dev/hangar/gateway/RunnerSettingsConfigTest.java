package dev.hangar.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hangar.activities.github.RunnerRegistrationMode;
import dev.hangar.activities.github.RunnerScope;
import dev.hangar.activities.github.RunnerSettings;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/** {@code hangar.github.runner-registration} and {@code force-cancel-after}: bound, defaulted, validated. */
class RunnerSettingsConfigTest {

  private static OrchestratorProperties.GitHub bind(Map<String, String> values) {
    return new Binder(new MapConfigurationPropertySource(values))
        .bindOrCreate("hangar", OrchestratorProperties.class).github();
  }

  @Test
  void jitAndSixtySecondsByDefault() {
    RunnerSettings settings = OrchestratorWorkerConfiguration.runnerSettings(bind(Map.of()));
    assertThat(settings.registration()).isEqualTo(RunnerRegistrationMode.JIT);
    assertThat(settings.forceCancelAfter()).isEqualTo(Duration.ofSeconds(60));
  }

  @Test
  void registrationTokensAndAnotherWaitAreBoundAsWritten() {
    RunnerSettings settings = OrchestratorWorkerConfiguration.runnerSettings(bind(Map.of(
        "hangar.github.runner-registration", "registration-token", "hangar.github.force-cancel-after", "2m")));
    assertThat(settings.registration()).isEqualTo(RunnerRegistrationMode.REGISTRATION_TOKEN);
    assertThat(settings.forceCancelAfter()).isEqualTo(Duration.ofMinutes(2));
  }

  @Test
  void aWaitLongerThanTheActivityAllowsNamesItsKey() {
    assertThatThrownBy(() -> OrchestratorWorkerConfiguration.runnerSettings(
            bind(Map.of("hangar.github.force-cancel-after", "10m"))))
        .isInstanceOf(InvalidConfigException.class).hasMessageContaining("hangar.github.force-cancel-after");
  }

  @Test
  void tokensWithARunnerGroupByIdNameTheKey() {
    OrchestratorProperties.GitHub github = bind(Map.of(
        "hangar.github.runner-registration", "registration-token",
        "hangar.github.runner-scope", "organization", "hangar.github.runner-group-id", "7"));
    assertThat(github.runnerScope()).isEqualTo(RunnerScope.Level.ORGANIZATION);
    assertThatThrownBy(() -> OrchestratorWorkerConfiguration.runnerSettings(github))
        .isInstanceOf(InvalidConfigException.class).hasMessageContaining("hangar.github.runner-group");
  }
}
