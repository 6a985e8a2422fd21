package dev.hangar.activities.github;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hangar.activities.secrets.SecretSealer;
import dev.hangar.emulator.Endpoints;
import dev.hangar.emulator.GitHubEmulator;
import dev.hangar.emulator.JobInfo;
import dev.hangar.testfixtures.MutableClock;
import dev.hangar.workflows.github.RunRef;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The cancel activity: cancel, look at the run until it stops, force-cancel once after {@code
 * force-cancel-after}. The clock is fake: each wait moves it, so a minute passes in milliseconds.
 */
class ForceCancelTest {

  private static final List<String> LABELS = List.of("self-hosted", "macOS");

  private final MutableClock clock = new MutableClock();
  private final List<Duration> waits = new ArrayList<>();
  private final AtomicInteger heartbeats = new AtomicInteger();
  private GitHubEmulator github;
  private GitHubActivitiesImpl activities;

  @BeforeEach
  void start() {
    github = GitHubTests.emulatorWithRepo();
    activities = new GitHubActivitiesImpl(GitHubTests.api(github), SecretSealer.fromBase64(SecretSealer.newKey()),
        RunnerScope.repository(1), new RunnerSettings(null, Duration.ofSeconds(60)), clock,
        d -> {
          waits.add(d);
          clock.advance(d);
        },
        heartbeats::incrementAndGet);
  }

  @AfterEach
  void stop() {
    github.close();
  }

  @Test
  void aRunThatStopsOnCancelIsNotForceCancelled() {
    JobInfo job = github.createJob("acme", "app", LABELS);

    activities.cancelRun(new RunRef("acme", "app", null, job.runId()));

    assertThat(github.run(job.runId()).orElseThrow().conclusion()).isEqualTo("cancelled");
    assertThat(github.calls().count(Endpoints.CANCEL_RUN)).isEqualTo(1);
    assertThat(github.calls().count(Endpoints.FORCE_CANCEL_RUN)).isZero();
    assertThat(waits).isEmpty();
  }

  @Test
  void aRunThatIgnoresCancelIsForceCancelledOnceAfterTheWaitHeartbeatingMeanwhile() {
    JobInfo job = github.createJob("acme", "app", LABELS);
    github.ignoreCancel(job.runId());

    activities.cancelRun(new RunRef("acme", "app", null, job.runId()));

    assertThat(github.run(job.runId()).orElseThrow().conclusion()).isEqualTo("cancelled");
    assertThat(github.job(job.id()).orElseThrow().conclusion()).isEqualTo("cancelled");
    assertThat(github.calls().count(Endpoints.CANCEL_RUN)).isEqualTo(1);
    assertThat(github.calls().count(Endpoints.FORCE_CANCEL_RUN)).isEqualTo(1);
    // 60 s in looks 5 s apart: 13 looks, the last one just before the force-cancel.
    assertThat(waits).hasSize(12).allMatch(d -> d.equals(GitHubActivitiesImpl.CANCEL_POLL_INTERVAL));
    assertThat(heartbeats.get()).isEqualTo(12);
    assertThat(github.calls().count("GET /repos/{owner}/{repo}/actions/runs/{run_id}")).isEqualTo(13);
  }

  @Test
  void aCompletedRunCostsOneCall() {
    JobInfo job = github.createJob("acme", "app", LABELS);
    github.completeJob(job.id(), "success");
    github.calls().clear();

    activities.cancelRun(new RunRef("acme", "app", null, job.runId()));

    assertThat(github.calls().total()).isEqualTo(1);
    assertThat(github.run(job.runId()).orElseThrow().conclusion()).isNotEqualTo("cancelled");
  }

  @Test
  void forceCancelAfterIsBounded() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> new RunnerSettings(null, Duration.ofMinutes(6)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("force-cancel-after");
  }
}
