package dev.hangar.activities.github;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.hangar.activities.secrets.SecretSealer;
import dev.hangar.emulator.EmulatorConfig;
import dev.hangar.emulator.GitHubEmulator;
import io.temporal.failure.ApplicationFailure;
import java.time.Duration;

/** What the GitHub client tests share. */
final class GitHubTests {

  private GitHubTests() {}

  /** An emulator that knows the private repository {@code acme/app}. */
  static GitHubEmulator emulatorWithRepo() {
    GitHubEmulator github = GitHubEmulator.start();
    github.addRepository("acme", "app", true);
    return github;
  }

  /** Activities with the emulator's default token, repository runners in the Default group. */
  static GitHubActivitiesImpl activities(GitHubEmulator github, SecretSealer sealer) {
    return new GitHubActivitiesImpl(api(github), sealer, 1);
  }

  /** Clients with the emulator's default token. */
  static GitHubApi api(GitHubEmulator github) {
    GitHubProperties properties = GitHubProperties.withToken(EmulatorConfig.DEFAULT_TOKEN)
        .withApiUrl(github.baseUrl()).withRequestTimeout(Duration.ofSeconds(5));
    return GitHubApi.create(properties, GitHubCredentials.personalAccessToken(EmulatorConfig.DEFAULT_TOKEN));
  }

  /** The {@link ApplicationFailure} {@code call} throws. */
  static ApplicationFailure failureOf(Runnable call) {
    Throwable thrown = catchThrowable(call::run);
    assertThat(thrown).as("an ApplicationFailure").isInstanceOf(ApplicationFailure.class);
    return (ApplicationFailure) thrown;
  }
}
