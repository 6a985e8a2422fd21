package dev.hangar.activities.github;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hangar.activities.secrets.SecretSealer;
import dev.hangar.emulator.Endpoints;
import dev.hangar.emulator.GitHubEmulator;
import dev.hangar.workflows.github.RunnerRef;
import dev.hangar.workflows.github.RunnerRegistration;
import dev.hangar.workflows.github.RunnerRemoval;
import dev.hangar.workflows.github.RunnerRequest;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code hangar.github.runner-registration: registration-token} against the emulator. */
class RegistrationTokenModeTest {

  private static final List<String> LABELS = List.of("self-hosted", "macOS", "ARM64");
  private static final RunnerSettings TOKENS = new RunnerSettings(RunnerRegistrationMode.REGISTRATION_TOKEN, null);

  private final SecretSealer sealer = SecretSealer.fromBase64(SecretSealer.newKey());
  private GitHubEmulator github;
  private GitHubActivitiesImpl activities;

  @BeforeEach
  void start() {
    github = GitHubTests.emulatorWithRepo();
    activities = new GitHubActivitiesImpl(GitHubTests.api(github), sealer, RunnerScope.repository(1), TOKENS);
  }

  @AfterEach
  void stop() {
    github.close();
  }

  @Test
  void oneCallGetsATokenThatLeavesOnlySealedWithWhatConfigShNeeds() {
    RunnerRegistration registration = activities.registerRunner(
        new RunnerRequest("acme", "app", null, "hangar-40-1", LABELS));

    assertThat(github.calls().total()).isEqualTo(1);
    assertThat(github.calls().count(Endpoints.REGISTRATION_TOKEN)).isEqualTo(1);
    assertThat(github.runners()).isEmpty(); // the runner registers itself, from the VM
    assertThat(registration.runner().runnerId()).isEqualTo(GitHubActivitiesImpl.UNKNOWN_ID);
    assertThat(registration.runner().runnerName()).isEqualTo("hangar-40-1");

    String opened = sealer.open(registration.jitConfig());
    List<String> lines = opened.lines().toList();
    assertThat(lines.get(0)).isEqualTo(RunnerConfigFile.HEADER);
    assertThat(lines).contains("url=" + github.baseUrl() + "/acme/app", "name=hangar-40-1",
        "labels=self-hosted,macOS,ARM64", "work=_work");
    String token = lines.stream().filter(l -> l.startsWith("token=")).findFirst().orElseThrow().substring(6);
    assertThat(token).hasSize(29);
    assertThat(registration.toString()).doesNotContain(token);
    assertThat(registration.jitConfig().ciphertext()).doesNotContain(token);
    assertThat(github.registrationTokenValid(token, "acme/app")).isTrue();
  }

  @Test
  void aRunnerOfUnknownIdIsRemovedByNameOnlyWhenARemovalIsNeeded() {
    RunnerRef ref = activities.registerRunner(new RunnerRequest("acme", "app", null, "hangar-41-1", LABELS)).runner();
    assertThat(activities.removeRunner(ref)).isEqualTo(RunnerRemoval.ALREADY_GONE);

    String token = sealer.open(activities.registerRunner(
        new RunnerRequest("acme", "app", null, "hangar-41-2", LABELS)).jitConfig())
        .lines().filter(l -> l.startsWith("token=")).findFirst().orElseThrow().substring(6);
    github.registerWithToken(github.baseUrl() + "/acme/app", token, "hangar-41-2", LABELS, null);
    github.calls().clear();

    RunnerRef unknownId = new RunnerRef("acme", "app", null, GitHubActivitiesImpl.UNKNOWN_ID, "hangar-41-2");
    assertThat(activities.removeRunner(unknownId)).isEqualTo(RunnerRemoval.REMOVED);
    assertThat(github.runners()).isEmpty();
    assertThat(github.calls().count(Endpoints.LIST_RUNNERS)).isEqualTo(1);
    assertThat(github.calls().count(Endpoints.DELETE_RUNNER)).isEqualTo(1);
  }

  @Test
  void theEmulatorRefusesAWrongExpiredOrForeignToken() {
    String token = sealer.open(activities.registerRunner(
        new RunnerRequest("acme", "app", null, "hangar-42-1", LABELS)).jitConfig())
        .lines().filter(l -> l.startsWith("token=")).findFirst().orElseThrow().substring(6);
    github.addRepository("acme", "other", true);

    assertThatThrownBy(() -> github.registerWithToken(github.baseUrl() + "/acme/other", token, "r", LABELS, null))
        .hasMessageContaining("Not Found");
    assertThatThrownBy(() -> github.registerWithToken(github.baseUrl() + "/acme/app", "WRONG", "r", LABELS, null))
        .hasMessageContaining("Not Found");
    github.expireRegistrationTokens(Duration.ofHours(1));
    assertThatThrownBy(() -> github.registerWithToken(github.baseUrl() + "/acme/app", token, "r", LABELS, null))
        .hasMessageContaining("Not Found");
    assertThat(github.runners()).isEmpty();
  }

  @Test
  void aRunnerGroupByIdIsRefusedWithTokens() {
    assertThatThrownBy(() -> new GitHubActivitiesImpl(GitHubTests.api(github), sealer,
        new RunnerScope(RunnerScope.Level.ORGANIZATION, null, null, 7L), TOKENS))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("by name");
  }
}
