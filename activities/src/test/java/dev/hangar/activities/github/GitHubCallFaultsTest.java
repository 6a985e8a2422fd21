package dev.hangar.activities.github;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.hangar.activities.secrets.SecretSealer;
import dev.hangar.emulator.EmulatorConfig;
import dev.hangar.emulator.Endpoints;
import dev.hangar.emulator.Fault;
import dev.hangar.emulator.GitHubEmulator;
import dev.hangar.emulator.JobInfo;
import dev.hangar.testfixtures.FaultTally;
import dev.hangar.testfixtures.MutableClock;
import dev.hangar.workflows.Failures;
import dev.hangar.workflows.github.RunRef;
import dev.hangar.workflows.github.RunnerRef;
import dev.hangar.workflows.github.RunnerRemoval;
import dev.hangar.workflows.github.RunnerRequest;
import io.temporal.failure.ApplicationFailure;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every GitHub call a job makes, hit by every way GitHub fails: 500, 502, 503, no answer in time,
 * a secondary rate limit (403 and 429 with {@code retry-after}) and a spent primary rate limit.
 * Each failure must be retryable, typed so the workflow waits as long as GitHub asks, and the
 * retry must reach the right end state even where the failed call had taken effect: one runner
 * registered, the runner removed, the run cancelled.
 */
class GitHubCallFaultsTest {

  private static final List<String> LABELS = List.of("self-hosted", "macos-xcode16");
  private static final Duration RETRY_AFTER = Duration.ofSeconds(30);
  private static final Duration RESET_IN = Duration.ofSeconds(120);
  private static int tried;

  /** The calls of a job, by the endpoint each one's first failure is injected on. */
  enum Call {
    REGISTER(Endpoints.GENERATE_JITCONFIG),
    REMOVE(Endpoints.DELETE_RUNNER),
    CANCEL_READ_RUN(Endpoints.GET_RUN),
    CANCEL(Endpoints.CANCEL_RUN);

    final String endpoint;

    Call(String endpoint) {
      this.endpoint = endpoint;
    }
  }

  private final Instant now = Instant.ofEpochSecond(Instant.now().getEpochSecond());
  private final MutableClock clock = new MutableClock(now);
  private final SecretSealer sealer = SecretSealer.fromBase64(SecretSealer.newKey());
  private GitHubEmulator github;
  private GitHubActivitiesImpl activities;

  @BeforeEach
  void start() {
    github = GitHubEmulator.start();
    github.addRepository("acme", "app", true);
    GitHubProperties properties = GitHubProperties.withToken(EmulatorConfig.DEFAULT_TOKEN)
        .withApiUrl(github.baseUrl()).withRequestTimeout(Duration.ofSeconds(1));
    activities = new GitHubActivitiesImpl(
        GitHubApi.create(properties, GitHubCredentials.personalAccessToken(EmulatorConfig.DEFAULT_TOKEN), clock),
        sealer, 1, clock);
    // A first call, so that no fault's answer is confused with a slow start of the client.
    assertThat(activities.removeRunner(new RunnerRef("acme", "app", null, 999, "hangar-0-1")))
        .isEqualTo(RunnerRemoval.ALREADY_GONE);
  }

  @AfterEach
  void stop() {
    github.close();
  }

  @AfterAll
  static void count() {
    FaultTally.record(GitHubCallFaultsTest.class.getSimpleName(), 0, tried, 0, 0, 0);
  }

  static Stream<Arguments> everyCallAndFault() {
    List<Arguments> all = new ArrayList<>();
    for (Call call : Call.values()) {
      for (String fault : List.of("500", "502", "503", "timeout", "secondary 403", "secondary 429", "primary")) {
        all.add(Arguments.of(call, fault));
      }
    }
    return all.stream();
  }

  @ParameterizedTest(name = "{0} answered {1}")
  @MethodSource("everyCallAndFault")
  void aFailedCallIsRetryableAndItsRetryEndsRight(Call call, String fault) {
    JobInfo job = github.createJob("acme", "app", LABELS);
    RunnerRef runner = call == Call.REMOVE
        ? activities.registerRunner(new RunnerRequest("acme", "app", null, "hangar-1-1", LABELS)).runner()
        : null;
    inject(call.endpoint, fault);
    Runnable attempt = switch (call) {
      case REGISTER -> () -> activities.registerRunner(new RunnerRequest("acme", "app", null, "hangar-1-1", LABELS));
      case REMOVE -> () -> assertThat(activities.removeRunner(runner))
          .isIn(RunnerRemoval.REMOVED, RunnerRemoval.ALREADY_GONE);
      default -> () -> activities.cancelRun(new RunRef("acme", "app", null, job.runId()));
    };

    Throwable thrown = catchThrowable(attempt::run);
    tried++;

    assertThat(thrown).as("%s answered %s", call, fault).isInstanceOf(ApplicationFailure.class);
    ApplicationFailure failure = (ApplicationFailure) thrown;
    assertThat(failure.isNonRetryable()).isFalse();
    switch (fault) {
      case "primary" -> {
        assertThat(failure.getType()).isEqualTo(Failures.RATE_LIMITED);
        assertThat(failure.getNextRetryDelay()).isEqualTo(RESET_IN);
        github.setRateLimit(5000, 5000, now.plusSeconds(3600));
        clock.advance(RESET_IN); // the workflow retries when GitHub said, not before
      }
      case "secondary 403", "secondary 429" -> {
        assertThat(failure.getType()).isEqualTo(Failures.RATE_LIMITED);
        assertThat(failure.getNextRetryDelay()).isEqualTo(RETRY_AFTER);
        clock.advance(RETRY_AFTER);
      }
      case "timeout" -> assertThat(failure.getType()).isEqualTo(Failures.GITHUB_UNAVAILABLE);
      default -> {
        assertThat(failure.getType()).isEqualTo(Failures.GITHUB_UNAVAILABLE);
        assertThat(failure.getOriginalMessage()).contains("answered " + fault);
      }
    }

    attempt.run(); // the workflow's retry
    switch (call) {
      case REGISTER -> assertThat(github.runners()).singleElement()
          .satisfies(r -> assertThat(r.name()).isEqualTo("hangar-1-1"));
      case REMOVE -> assertThat(github.runners()).isEmpty();
      default -> assertThat(github.run(job.runId()).orElseThrow().conclusion()).isEqualTo("cancelled");
    }
  }

  private void inject(String endpoint, String fault) {
    switch (fault) {
      case "timeout" -> github.inject(endpoint, Fault.delay(Duration.ofSeconds(2)));
      case "secondary 403" -> github.inject(endpoint, Fault.secondaryRateLimit(403, RETRY_AFTER));
      case "secondary 429" -> github.inject(endpoint, Fault.secondaryRateLimit(429, RETRY_AFTER));
      case "primary" -> github.exhaustRateLimit(now.plus(RESET_IN));
      default -> github.inject(endpoint, Fault.status(Integer.parseInt(fault)));
    }
  }
}
