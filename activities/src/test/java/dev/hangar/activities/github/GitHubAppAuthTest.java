package dev.hangar.activities.github;

import static dev.hangar.activities.github.GitHubTests.failureOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hangar.activities.secrets.SecretSealer;
import dev.hangar.emulator.EmulatorConfig;
import dev.hangar.emulator.Endpoints;
import dev.hangar.emulator.GitHubApp;
import dev.hangar.emulator.GitHubEmulator;
import dev.hangar.emulator.JobInfo;
import dev.hangar.workflows.Failures;
import dev.hangar.workflows.github.RunRef;
import dev.hangar.workflows.github.RunnerRegistration;
import dev.hangar.workflows.github.RunnerRequest;
import io.temporal.failure.ApplicationFailure;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Hangar's client as a GitHub App, against the emulator, which checks JWTs and tokens as GitHub does. */
class GitHubAppAuthTest {

  static final long APP_ID = 4242;
  static final long INSTALLATION = 11;
  private static final AppKeys KEYS = new AppKeys();
  private static final List<String> LABELS = List.of("self-hosted", "macOS");
  private static final String TOKEN = "POST /app/installations/{installation_id}/access_tokens";

  @TempDir Path dir;

  private final SecretSealer sealer = SecretSealer.fromBase64(SecretSealer.newKey());
  private final GitHubEmulator github = GitHubEmulator.start(EmulatorConfig.defaults().withApp(app(KEYS)));

  static GitHubApp app(AppKeys keys) {
    return new GitHubApp(APP_ID, "hangar", (RSAPublicKey) keys.pair.getPublic(), List.of(
        GitHubApp.Installation.allOf(INSTALLATION, "acme"),
        GitHubApp.Installation.selected(12, "other", "other/one")));
  }

  {
    github.addRepository("acme", "app", true);
    github.addRepository("acme", "web", true);
    github.addRepository("other", "one", true);
  }

  @AfterEach
  void stop() {
    github.close();
  }

  @ParameterizedTest(name = "PKCS#1 key file: {0}")
  @ValueSource(booleans = {true, false})
  void buysOneInstallationTokenForBothClientsAndKeepsIt(boolean pkcs1) {
    GitHubApi api = api(KEYS.write(dir, pkcs1), null);
    GitHubActivitiesImpl activities = new GitHubActivitiesImpl(api, sealer, 1);

    RunnerRegistration first = activities.registerRunner(request(INSTALLATION, "acme", "app", "hangar-1-1"));
    activities.registerRunner(request(INSTALLATION, "acme", "web", "hangar-2-1"));
    JobInfo job = github.createJob("acme", "app", LABELS);
    activities.cancelRun(new RunRef("acme", "app", INSTALLATION, job.runId()));
    activities.removeRunner(first.runner());

    assertThat(github.runner("acme", "app", "hangar-1-1")).isEmpty();
    assertThat(github.runner("acme", "web", "hangar-2-1")).isPresent();
    assertThat(github.calls().count(Endpoints.INSTALLATION_TOKEN)).as("one token for both clients").isEqualTo(1);
    assertThat(api.calls().count(TOKEN)).isEqualTo(1);
    assertThat(github.calls().count(Endpoints.GET_APP)).isEqualTo(1);
    assertThat(github.calls().count(Endpoints.GET_INSTALLATION)).isEqualTo(1);
    assertThat(github.calls().count(Endpoints.GENERATE_JITCONFIG)).isEqualTo(2);
    assertThat(github.calls().count(Endpoints.CANCEL_RUN)).isEqualTo(1);
    assertThat(github.calls().count(Endpoints.DELETE_RUNNER)).isEqualTo(1);
  }

  @Test
  void withoutAnInstallationIdItIsLookedUpOncePerOwner() {
    GitHubApi api = api(KEYS.write(dir, true), null);
    GitHubActivitiesImpl activities = new GitHubActivitiesImpl(api, sealer, 1);

    activities.registerRunner(request(null, "acme", "app", "hangar-1-1"));
    activities.registerRunner(request(null, "acme", "web", "hangar-2-1"));
    activities.registerRunner(request(null, "other", "one", "hangar-3-1"));

    assertThat(github.runners()).hasSize(3);
    assertThat(github.calls().count(Endpoints.REPO_INSTALLATION)).as("once per owner").isEqualTo(2);
    assertThat(github.calls().count(Endpoints.INSTALLATION_TOKEN)).isEqualTo(2);
  }

  @Test
  void theConfiguredInstallationServesJobsWhoseWebhookNamedNone() {
    GitHubApi api = api(KEYS.write(dir, false), INSTALLATION);
    new GitHubActivitiesImpl(api, sealer, 1).registerRunner(request(null, "acme", "app", "hangar-1-1"));

    assertThat(github.calls().count(Endpoints.GET_INSTALLATION)).isEqualTo(1);
    assertThat(github.calls().count(Endpoints.REPO_INSTALLATION)).isZero();
    assertThat(api.github(null)).isSameAs(api.github(INSTALLATION));
  }

  @Test
  void theTokenIsRenewedFiveMinutesBeforeItExpires() throws Exception {
    github.installationTokenLifetime(Duration.ofMinutes(5).plusSeconds(2));
    GitHubActivitiesImpl activities = new GitHubActivitiesImpl(api(KEYS.write(dir, true), null), sealer, 1);

    activities.registerRunner(request(INSTALLATION, "acme", "app", "hangar-1-1"));
    activities.registerRunner(request(INSTALLATION, "acme", "app", "hangar-2-1"));
    assertThat(github.calls().count(Endpoints.INSTALLATION_TOKEN)).isEqualTo(1);

    Thread.sleep(2_500);
    activities.registerRunner(request(INSTALLATION, "acme", "app", "hangar-3-1"));
    assertThat(github.calls().count(Endpoints.INSTALLATION_TOKEN)).as("renewed while still valid").isEqualTo(2);
    assertThat(github.calls().calls()).allMatch(call -> call.status() < 400);
  }

  @Test
  void aTokenGitHubRefusesBeforeItExpiresIsReplacedOnTheNextAttempt() {
    GitHubActivitiesImpl activities = new GitHubActivitiesImpl(api(KEYS.write(dir, true), null), sealer, 1);
    activities.registerRunner(request(INSTALLATION, "acme", "app", "hangar-1-1"));
    JobInfo job = github.createJob("acme", "app", LABELS);
    github.revokeInstallationTokens();

    ApplicationFailure refused = failureOf(() -> activities.registerRunner(request(INSTALLATION, "acme", "app", "h-2")));
    assertThat(refused.isNonRetryable()).isFalse();
    assertThat(refused.getOriginalMessage()).contains("401").contains("installation token");
    activities.registerRunner(request(INSTALLATION, "acme", "app", "hangar-2-1"));
    github.revokeInstallationTokens();
    assertThat(failureOf(() -> activities.cancelRun(new RunRef("acme", "app", INSTALLATION, job.runId())))
        .isNonRetryable()).isFalse();
    activities.cancelRun(new RunRef("acme", "app", INSTALLATION, job.runId()));

    assertThat(github.run(job.runId()).orElseThrow().conclusion()).isEqualTo("cancelled");
    assertThat(github.calls().count(Endpoints.INSTALLATION_TOKEN)).isEqualTo(3);
  }

  @Test
  void aKeyTheAppDoesNotKnowIsRefusedForGood() {
    GitHubActivitiesImpl activities =
        new GitHubActivitiesImpl(api(new AppKeys().write(dir, true), null), sealer, 1);

    ApplicationFailure refused = failureOf(() -> activities.registerRunner(request(INSTALLATION, "acme", "app", "h-1")));

    assertThat(refused.getType()).isEqualTo(Failures.GITHUB_REFUSED);
    assertThat(refused.isNonRetryable()).isTrue();
    assertThat(refused.getOriginalMessage()).contains("401");
    assertThat(github.calls().count(Endpoints.GENERATE_JITCONFIG)).isZero();
  }

  @Test
  void unreadableOrInvalidKeyFilesAreNamedWithoutTheirContent() throws Exception {
    Path missing = dir.resolve("missing.pem");
    Path notPem = Files.writeString(dir.resolve("not.pem"), "hello");
    Path broken = Files.writeString(dir.resolve("broken.pem"),
        "-----BEGIN RSA PRIVATE KEY-----\nc2VjcmV0LWtleS1tYXRlcmlhbA==\n-----END RSA PRIVATE KEY-----\n");

    assertThatThrownBy(() -> GitHubCredentials.app(APP_ID, missing, null))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(missing.toString());
    assertThatThrownBy(() -> GitHubCredentials.app(APP_ID, notPem, null))
        .hasMessageContaining(notPem.toString()).hasMessageContaining("no PEM private key");
    assertThatThrownBy(() -> GitHubCredentials.app(APP_ID, broken, null))
        .hasMessageContaining(broken.toString()).hasMessageContaining("no valid RSA private key")
        .hasMessageNotContaining("c2VjcmV0");
    assertThat(GitHubCredentials.app(APP_ID, KEYS.write(dir, true), null).toString())
        .contains("4242").doesNotContain(AppKeys.bodyLines(KEYS.write(dir, true))[1]);
  }

  @Test
  void bothKeyFormatsReadAsTheSameKey() {
    assertThat(PrivateKeys.read(KEYS.write(dir, true)).getEncoded())
        .isEqualTo(PrivateKeys.read(KEYS.write(dir, false)).getEncoded())
        .isEqualTo(KEYS.pkcs8());
  }

  private GitHubApi api(Path keyFile, Long installationId) {
    GitHubProperties properties = new GitHubProperties(github.baseUrl(), null, null, Duration.ofSeconds(5), null);
    return GitHubApi.create(properties, GitHubCredentials.app(APP_ID, keyFile, installationId));
  }

  private static RunnerRequest request(Long installation, String owner, String repo, String name) {
    return new RunnerRequest(owner, repo, installation, name, LABELS);
  }
}
