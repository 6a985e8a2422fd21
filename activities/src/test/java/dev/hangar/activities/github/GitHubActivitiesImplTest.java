package dev.hangar.activities.github;

import static org.assertj.core.api.Assertions.assertThat;
import static dev.hangar.activities.github.GitHubTests.failureOf;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.read.ListAppender;
import dev.hangar.activities.secrets.SecretSealer;
import dev.hangar.emulator.EmulatorConfig;
import dev.hangar.emulator.Endpoints;
import dev.hangar.emulator.Fault;
import dev.hangar.emulator.GitHubEmulator;
import dev.hangar.emulator.JobInfo;
import dev.hangar.emulator.RunnerInfo;
import dev.hangar.workflows.Failures;
import dev.hangar.workflows.github.RunRef;
import dev.hangar.workflows.github.RunnerRef;
import dev.hangar.workflows.github.RunnerRegistration;
import dev.hangar.workflows.github.RunnerRemoval;
import dev.hangar.workflows.github.RunnerRequest;
import io.temporal.failure.ApplicationFailure;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** {@link GitHubActivitiesImpl} against the GitHub emulator, in-process. */
class GitHubActivitiesImplTest {

  private static final List<String> LABELS = List.of("self-hosted", "macOS", "ARM64");
  private static final String JIT = "POST /repos/{owner}/{repo}/actions/runners/generate-jitconfig";

  private final Instant now = Instant.ofEpochSecond(Instant.now().getEpochSecond());
  private final Clock clock = Clock.fixed(now, ZoneOffset.UTC);
  private final SecretSealer sealer = SecretSealer.fromBase64(SecretSealer.newKey());
  private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
  private GitHubEmulator github;
  private GitHubApi api;
  private GitHubActivitiesImpl activities;

  @BeforeEach
  void start() {
    github = GitHubEmulator.start();
    github.addRepository("acme", "app", true);
    api = api(EmulatorConfig.DEFAULT_TOKEN, Duration.ofSeconds(2));
    activities = new GitHubActivitiesImpl(api, sealer, 1, clock);
    logs.start();
    root().addAppender(logs);
  }

  @AfterEach
  void stop() {
    root().detachAppender(logs);
    github.close();
  }

  @Test
  void registersAJitRunnerAndSealsItsConfiguration() {
    RunnerRegistration registration = activities.registerRunner(request("hangar-11-1"));

    RunnerInfo runner = github.runner("acme", "app", "hangar-11-1").orElseThrow();
    assertThat(runner.labels()).containsExactlyElementsOf(LABELS);
    assertThat(registration.runner())
        .isEqualTo(new RunnerRef("acme", "app", null, runner.id(), "hangar-11-1"));
    String plaintext = sealer.open(registration.jitConfig());
    assertThat(plaintext).isEqualTo(runner.encodedJitConfig());
    assertThat(registration.toString()).doesNotContain(plaintext);
    assertThat(registration.jitConfig().ciphertext()).doesNotContain(plaintext);
    assertThat(logLines()).isNotEmpty().noneMatch(line -> line.contains(plaintext));
    assertThat(github.calls().count(Endpoints.GENERATE_JITCONFIG)).isEqualTo(1);
    assertThat(github.calls().total()).isEqualTo(1);
    assertThat(api.calls().count(JIT)).isEqualTo(1);
    assertThat(api.lastRateLimit()).hasValueSatisfying(r -> assertThat(r.remaining()).isEqualTo(4999));
  }

  @Test
  void aRetryAfterALostAnswerReplacesTheRunnerInsteadOfDoublingIt() {
    github.inject(Endpoints.GENERATE_JITCONFIG, Fault.statusAfterEffect(502));
    ApplicationFailure lost = failureOf(() -> activities.registerRunner(request("hangar-12-1")));
    assertThat(lost.getType()).isEqualTo(GitHubFailures.UNAVAILABLE);
    assertThat(lost.isNonRetryable()).isFalse();
    long firstId = github.runner("acme", "app", "hangar-12-1").orElseThrow().id();

    RunnerRegistration registration = activities.registerRunner(request("hangar-12-1"));

    assertThat(github.runners()).hasSize(1);
    RunnerInfo runner = github.runners().get(0);
    assertThat(runner.name()).isEqualTo("hangar-12-1");
    assertThat(runner.id()).isNotEqualTo(firstId).isEqualTo(registration.runner().runnerId());
    assertThat(sealer.open(registration.jitConfig())).isEqualTo(runner.encodedJitConfig());
    assertThat(github.calls().counts())
        .containsEntry(Endpoints.GENERATE_JITCONFIG, 3)
        .containsEntry(Endpoints.LIST_RUNNERS, 1)
        .containsEntry(Endpoints.DELETE_RUNNER, 1);
  }

  @Test
  void anExistingBusyRunnerOfTheSameNameIsNotTouched() {
    github.inject(Endpoints.GENERATE_JITCONFIG, Fault.statusAfterEffect(502));
    failureOf(() -> activities.registerRunner(request("hangar-13-1")));
    JobInfo job = github.createJob("acme", "app", LABELS);
    github.startJob(job.id(), "hangar-13-1");

    ApplicationFailure busy = failureOf(() -> activities.registerRunner(request("hangar-13-1")));

    assertThat(busy.getType()).isEqualTo(Failures.RUNNER_FAILED);
    assertThat(busy.isNonRetryable()).isTrue();
    assertThat(busy.getOriginalMessage()).contains("hangar-13-1").contains("running a job");
    assertThat(github.runners()).singleElement().satisfies(r -> assertThat(r.busy()).isTrue());
  }

  @Test
  void removesRunnersAndReportsGoneAndBusyOnes() {
    RunnerRef idle = activities.registerRunner(request("hangar-14-1")).runner();
    RunnerRef busy = activities.registerRunner(request("hangar-15-1")).runner();
    github.startJob(github.createJob("acme", "app", LABELS).id(), "hangar-15-1");

    assertThat(activities.removeRunner(idle)).isEqualTo(RunnerRemoval.REMOVED);
    assertThat(activities.removeRunner(idle)).isEqualTo(RunnerRemoval.ALREADY_GONE);
    assertThat(activities.removeRunner(busy)).isEqualTo(RunnerRemoval.BUSY);
    assertThat(github.runners()).extracting(RunnerInfo::name).containsExactly("hangar-15-1");
  }

  @Test
  void cancelsARunAndTreatsAnAlreadyCompletedRunAsDone() {
    JobInfo job = github.createJob("acme", "app", LABELS);
    RunRef run = new RunRef("acme", "app", null, job.runId());

    activities.cancelRun(run);
    assertThat(github.run(job.runId()).orElseThrow().conclusion()).isEqualTo("cancelled");
    assertThat(github.job(job.id()).orElseThrow().conclusion()).isEqualTo("cancelled");
    assertThat(github.calls().count(Endpoints.CANCEL_RUN)).isEqualTo(1);

    activities.cancelRun(run);
    assertThat(github.calls().count(Endpoints.CANCEL_RUN)).isEqualTo(2);
    assertThat(api.calls().count("POST /repos/{owner}/{repo}/actions/runs/{run_id}/cancel")).isEqualTo(2);
    // The run stopped at the first cancel: one look; the second cancel's 409 needs none.
    assertThat(api.calls().count("GET /repos/{owner}/{repo}/actions/runs/{run_id}")).isEqualTo(1);
  }

  @Test
  void badCredentialsAndInvisibleRepositoriesAreRefusedForGood() {
    GitHubActivitiesImpl wrongToken =
        new GitHubActivitiesImpl(api("ghp_wrong", Duration.ofSeconds(2)), sealer, 1, clock);
    for (Runnable call : List.<Runnable>of(
        () -> wrongToken.registerRunner(request("hangar-16-1")),
        () -> wrongToken.removeRunner(new RunnerRef("acme", "app", null, 1, "hangar-16-1")),
        () -> wrongToken.cancelRun(new RunRef("acme", "app", null, 1)),
        () -> activities.registerRunner(new RunnerRequest("acme", "secret", null, "hangar-16-1", LABELS)),
        () -> activities.cancelRun(new RunRef("acme", "app", null, 123456)))) {
      ApplicationFailure refused = failureOf(call);
      assertThat(refused.getType()).isEqualTo(Failures.GITHUB_REFUSED);
      assertThat(refused.isNonRetryable()).isTrue();
    }
    assertThat(failureOf(() -> wrongToken.registerRunner(request("hangar-16-1"))).getOriginalMessage())
        .contains("401").contains("Bad credentials").doesNotContain("ghp_wrong");
  }

  @Test
  void aSpentRateLimitRetriesAtTheResetTime() {
    JobInfo job = github.createJob("acme", "app", LABELS);
    github.exhaustRateLimit(now.plusSeconds(120));

    ApplicationFailure jit = failureOf(() -> activities.registerRunner(request("hangar-17-1")));
    assertThat(jit.getType()).isEqualTo(Failures.RATE_LIMITED);
    assertThat(jit.isNonRetryable()).isFalse();
    assertThat(jit.getNextRetryDelay()).isEqualTo(Duration.ofSeconds(120));

    ApplicationFailure cancel = failureOf(() -> activities.cancelRun(new RunRef("acme", "app", null, job.runId())));
    assertThat(cancel.getType()).isEqualTo(Failures.RATE_LIMITED);
    assertThat(cancel.getNextRetryDelay()).isEqualTo(Duration.ofSeconds(120));
  }

  @Test
  void aSecondaryRateLimitRetriesAfterRetryAfter() {
    github.inject(Endpoints.GENERATE_JITCONFIG, Fault.secondaryRateLimit(403, Duration.ofSeconds(30)));
    ApplicationFailure failure = failureOf(() -> activities.registerRunner(request("hangar-18-1")));
    assertThat(failure.getType()).isEqualTo(Failures.RATE_LIMITED);
    assertThat(failure.getNextRetryDelay()).isEqualTo(Duration.ofSeconds(30));

    GitHubActivitiesImpl other =
        new GitHubActivitiesImpl(api(EmulatorConfig.DEFAULT_TOKEN, Duration.ofSeconds(2)), sealer, 1, clock);
    github.inject(Endpoints.DELETE_RUNNER, Fault.secondaryRateLimit(429, Duration.ofSeconds(45)));
    ApplicationFailure delete = failureOf(
        () -> other.removeRunner(new RunnerRef("acme", "app", null, 1, "hangar-18-1")));
    assertThat(delete.getNextRetryDelay()).isEqualTo(Duration.ofSeconds(45));
  }

  @Test
  void serverErrorsAndTimeoutsAreRetryable() {
    GitHubActivitiesImpl impatient =
        new GitHubActivitiesImpl(api(EmulatorConfig.DEFAULT_TOKEN, Duration.ofMillis(300)), sealer, 1, clock);
    github.inject(Endpoints.GENERATE_JITCONFIG, Fault.status(503), Fault.delay(Duration.ofSeconds(2)));

    ApplicationFailure unavailable = failureOf(() -> impatient.registerRunner(request("hangar-19-1")));
    assertThat(unavailable.getType()).isEqualTo(GitHubFailures.UNAVAILABLE);
    assertThat(unavailable.isNonRetryable()).isFalse();
    ApplicationFailure timeout = failureOf(() -> impatient.registerRunner(request("hangar-19-1")));
    assertThat(timeout.getType()).isEqualTo(GitHubFailures.UNAVAILABLE);
    assertThat(timeout.isNonRetryable()).isFalse();

    JobInfo job = github.createJob("acme", "app", LABELS);
    github.inject(Endpoints.CANCEL_RUN, Fault.status(502));
    ApplicationFailure cancel = failureOf(() -> activities.cancelRun(new RunRef("acme", "app", null, job.runId())));
    assertThat(cancel.getType()).isEqualTo(GitHubFailures.UNAVAILABLE);
    assertThat(cancel.isNonRetryable()).isFalse();
    assertThat(github.calls().count(Endpoints.CANCEL_RUN)).isEqualTo(1);
  }

  @Test
  void countsCallsPerEndpointAcrossBothClients() {
    JobInfo job = github.createJob("acme", "app", LABELS);
    RunnerRef runner = activities.registerRunner(request("hangar-20-1")).runner();
    activities.removeRunner(runner);
    activities.cancelRun(new RunRef("acme", "app", null, job.runId()));

    assertThat(api.calls().snapshot()).containsExactlyInAnyOrderEntriesOf(java.util.Map.of(
        JIT, 1L,
        "DELETE /repos/{owner}/{repo}/actions/runners/{runner_id}", 1L,
        "GET /repos/{owner}/{repo}/actions/runs/{run_id}", 1L,
        "POST /repos/{owner}/{repo}/actions/runs/{run_id}/cancel", 1L));
    assertThat(api.calls().total()).isEqualTo(github.calls().total()).isEqualTo(4);
  }

  private GitHubApi api(String token, Duration timeout) {
    GitHubProperties properties =
        GitHubProperties.withToken(token).withApiUrl(github.baseUrl()).withRequestTimeout(timeout);
    return GitHubApi.create(properties, GitHubCredentials.personalAccessToken(token), clock);
  }

  private static RunnerRequest request(String name) {
    return new RunnerRequest("acme", "app", null, name, LABELS);
  }

  private List<String> logLines() {
    List<String> lines = new ArrayList<>();
    for (ILoggingEvent event : logs.list) {
      lines.add(event.getFormattedMessage());
      for (IThrowableProxy t = event.getThrowableProxy(); t != null; t = t.getCause()) {
        lines.add(t.getMessage());
      }
    }
    return lines;
  }

  private static Logger root() {
    return (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
  }
}
