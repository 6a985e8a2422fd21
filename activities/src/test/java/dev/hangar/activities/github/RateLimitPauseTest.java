package dev.hangar.activities.github;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static dev.hangar.activities.github.GitHubTests.failureOf;

import dev.hangar.activities.secrets.SecretSealer;
import dev.hangar.emulator.Endpoints;
import dev.hangar.emulator.Fault;
import dev.hangar.emulator.GitHubEmulator;
import dev.hangar.emulator.JobInfo;
import dev.hangar.workflows.Failures;
import dev.hangar.workflows.github.RunRef;
import dev.hangar.workflows.github.RunnerRef;
import dev.hangar.workflows.github.RunnerRequest;
import io.temporal.failure.ApplicationFailure;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * After GitHub refuses a call for a rate limit, no request leaves until the time GitHub named: the
 * emulator's call log is the witness. Real time, a few seconds per test.
 */
class RateLimitPauseTest {

  private static final List<String> LABELS = List.of("self-hosted", "macOS");

  private final GitHubEmulator github = GitHubTests.emulatorWithRepo();
  private final GitHubApi api = GitHubTests.api(github);
  private final GitHubActivitiesImpl activities =
      new GitHubActivitiesImpl(api, SecretSealer.fromBase64(SecretSealer.newKey()), 1);

  @AfterEach
  void stop() {
    github.close();
  }

  @Test
  void noRequestIsSentBetweenA429AndItsReset() throws Exception {
    assertNothingSentUntilReset(429);
  }

  @Test
  void noRequestIsSentBetweenA403PrimaryLimitAndItsReset() throws Exception {
    assertNothingSentUntilReset(403);
  }

  @Test
  void aSecondaryLimitHoldsCallsBackForRetryAfter() throws Exception {
    github.inject(Endpoints.GENERATE_JITCONFIG, Fault.secondaryRateLimit(403, Duration.ofSeconds(2)));
    Instant refused = Instant.now();
    ApplicationFailure first = failureOf(() -> activities.registerRunner(request("hangar-2-1")));
    assertThat(first.getType()).isEqualTo(Failures.RATE_LIMITED);
    assertThat(first.getNextRetryDelay()).isEqualTo(Duration.ofSeconds(2));

    ApplicationFailure held = failureOf(() -> activities.removeRunner(new RunnerRef("acme", "app", null, 1, "x")));
    assertThat(held.getType()).isEqualTo(Failures.RATE_LIMITED);
    assertThat(held.getNextRetryDelay()).isPositive().isLessThanOrEqualTo(Duration.ofSeconds(2));
    assertThat(github.calls().total()).isEqualTo(1);

    sleepUntil(refused.plusSeconds(2).plusMillis(100));
    assertThat(activities.registerRunner(request("hangar-2-1")).runner().runnerName()).isEqualTo("hangar-2-1");
    assertThat(github.calls().counts()).containsExactlyEntriesOf(Map.of(Endpoints.GENERATE_JITCONFIG, 2));
  }

  @Test
  void aPauseHoldsBackOnlyTheCredentialsThatWereRefused() throws Exception {
    Instant now = Instant.parse("2026-01-01T00:00:00Z");
    RateLimitGate gate = new RateLimitGate(Clock.fixed(now, ZoneOffset.UTC));
    gate.observe("token a", 429, Map.of(
        "x-ratelimit-remaining", List.of("0"), "x-ratelimit-reset", List.of(String.valueOf(now.getEpochSecond() + 60))),
        "API rate limit exceeded");

    gate.check("token b");
    assertThatThrownBy(() -> gate.check("token a"))
        .isInstanceOfSatisfying(RateLimitPausedException.class,
            e -> assertThat(e.until()).isEqualTo(now.plusSeconds(60)))
        .hasMessageNotContaining("token a");
    RateLimitGate later = new RateLimitGate(Clock.fixed(now.plusSeconds(60), ZoneOffset.UTC));
    later.observe("token a", 404, Map.of("x-ratelimit-remaining", List.of("0")), "Not Found");
    later.check("token a");
  }

  private void assertNothingSentUntilReset(int status) throws Exception {
    JobInfo job = github.createJob("acme", "app", LABELS);
    Instant reset = Instant.ofEpochSecond(Instant.now().getEpochSecond() + 3);
    github.exhaustRateLimit(reset, status);

    ApplicationFailure first = failureOf(() -> activities.registerRunner(request("hangar-1-1")));
    assertThat(first.getType()).isEqualTo(Failures.RATE_LIMITED);
    assertThat(first.getOriginalMessage()).contains("GitHub answered " + status);
    assertThat(github.calls().total()).isEqualTo(1);

    for (Runnable call : List.<Runnable>of(
        () -> activities.registerRunner(request("hangar-1-1")),
        () -> activities.removeRunner(new RunnerRef("acme", "app", null, 1, "hangar-1-1")),
        () -> activities.cancelRun(new RunRef("acme", "app", null, job.runId())))) {
      Instant before = Instant.now();
      ApplicationFailure held = failureOf(call);
      assertThat(held.getType()).isEqualTo(Failures.RATE_LIMITED);
      assertThat(held.isNonRetryable()).isFalse();
      assertThat(held.getOriginalMessage()).contains("not sent");
      Duration untilReset = Duration.between(before, reset);
      assertThat(held.getNextRetryDelay())
          .isLessThanOrEqualTo(untilReset.plusSeconds(1))
          .isGreaterThanOrEqualTo(untilReset.minusSeconds(1));
    }
    assertThat(github.calls().total()).as("nothing sent while the limit is spent").isEqualTo(1);
    assertThat(api.calls().heldBackCount()).isEqualTo(3);
    assertThat(api.rateLimitPaused()).isTrue();

    sleepUntil(reset.plusMillis(200));
    assertThat(activities.registerRunner(request("hangar-1-1")).runner().runnerName()).isEqualTo("hangar-1-1");
    assertThat(github.calls().total()).isEqualTo(2);
    assertThat(api.rateLimitPaused()).isFalse();
  }

  private static void sleepUntil(Instant when) throws InterruptedException {
    long millis = Duration.between(Instant.now(), when).toMillis();
    if (millis > 0) {
      Thread.sleep(millis);
    }
  }

  private static RunnerRequest request(String name) {
    return new RunnerRequest("acme", "app", null, name, LABELS);
  }
}
