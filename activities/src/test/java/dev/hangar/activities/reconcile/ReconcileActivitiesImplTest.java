package dev.hangar.activities.reconcile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.hangar.activities.dispatch.JobSignals;
import dev.hangar.activities.github.GitHubApi;
import dev.hangar.activities.github.GitHubCredentials;
import dev.hangar.activities.github.GitHubProperties;
import dev.hangar.emulator.EmulatorConfig;
import dev.hangar.emulator.Endpoints;
import dev.hangar.emulator.GitHubEmulator;
import dev.hangar.emulator.JobInfo;
import dev.hangar.workflows.Failures;
import dev.hangar.workflows.Names;
import dev.hangar.workflows.job.JobEvent;
import dev.hangar.workflows.job.JobEvent.Action;
import dev.hangar.workflows.job.JobPolicy;
import dev.hangar.workflows.reconcile.Delivered;
import dev.hangar.workflows.reconcile.GitHubJob;
import dev.hangar.workflows.reconcile.GitHubJobs;
import dev.hangar.workflows.reconcile.OpenJob;
import dev.hangar.workflows.reconcile.ReconcileRequest;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowClient;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestWorkflowEnvironment;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link ReconcileActivitiesImpl} against the GitHub emulator (listings, look-ups, the call cap)
 * and Temporal's test server (hand-over by signal-with-start).
 */
class ReconcileActivitiesImplTest {

  private static final List<String> OURS = List.of("self-hosted", "macos-pool");
  private static final List<String> NOT_OURS = List.of("ubuntu-latest");

  private GitHubEmulator github;
  private GitHubApi api;
  private TestWorkflowEnvironment temporal;
  private WorkflowClient client;
  private ReconcileActivitiesImpl activities;

  @BeforeEach
  void start() {
    github = GitHubEmulator.start();
    github.addRepository("acme", "app", true);
    github.addRepository("acme", "lib", true);
    github.addRepository("other", "site", true);
    GitHubProperties properties = GitHubProperties.withToken(EmulatorConfig.DEFAULT_TOKEN).withApiUrl(github.baseUrl());
    api = GitHubApi.create(properties, GitHubCredentials.personalAccessToken(properties.token()));
    temporal = TestWorkflowEnvironment.newInstance();
    temporal.start();
    client = temporal.getWorkflowClient();
    activities = new ReconcileActivitiesImpl(api.jobs(), api::lastRateLimit, client,
        new JobSignals(client, JobPolicy.defaults()), labels -> labels.contains("macos-pool"));
  }

  @AfterEach
  void stop() {
    temporal.close();
    github.close();
  }

  private static ReconcileRequest request(List<String> repos, List<String> orgs) {
    return new ReconcileRequest(repos, orgs, 50, 0);
  }

  private void startOnRunner(JobInfo job, String runnerName) throws IOException {
    api.runners().generateJitConfig(null, job.owner(), job.repo(), runnerName, 1, job.labels(), "_work");
    github.startJob(job.id(), runnerName);
  }

  @Test
  void listsQueuedAndInProgressJobsOfOurPoolsByRunsThenJobsAndSaysWhatItCost() throws IOException {
    JobInfo queued = github.createJob("acme", "app", OURS);
    JobInfo running = github.createJob("acme", "app", OURS);
    JobInfo second = github.createJobInRun(running.runId(), OURS);
    startOnRunner(running, "hangar-" + running.id() + "-1");
    JobInfo done = github.createJob("acme", "app", OURS);
    github.completeJob(done.id(), "success");
    github.createJob("acme", "app", NOT_OURS);
    github.createJob("other", "site", OURS);
    github.calls().clear();

    GitHubJobs found = activities.listActiveJobs(request(List.of("acme/app"), List.of()), 50);

    assertThat(found.jobs()).extracting(GitHubJob::jobId, GitHubJob::action)
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple(queued.id(), Action.QUEUED),
            org.assertj.core.groups.Tuple.tuple(running.id(), Action.IN_PROGRESS),
            org.assertj.core.groups.Tuple.tuple(second.id(), Action.QUEUED));
    GitHubJob inProgress = found.jobs().stream().filter(j -> j.jobId() == running.id()).findFirst().orElseThrow();
    assertThat(inProgress.runnerName()).isEqualTo("hangar-" + running.id() + "-1");
    assertThat(inProgress.request().runId()).isEqualTo(running.runId());
    assertThat(inProgress.request().labels()).isEqualTo(OURS);
    assertThat(found.complete()).containsExactly("acme/app");
    assertThat(found.capReached()).isFalse();
    // runs?status=queued, runs?status=in_progress, then the jobs of each of the three active runs
    // (the run of the job that is not ours included: its labels are only known from its jobs).
    assertThat(github.calls().count(Endpoints.LIST_RUNS)).isEqualTo(2);
    assertThat(github.calls().count(Endpoints.LIST_RUN_JOBS)).isEqualTo(3);
    assertThat(found.calls()).isEqualTo(github.calls().total()).isEqualTo(5);
  }

  @Test
  void anOrganisationStandsForEachOfItsRepositories() {
    JobInfo app = github.createJob("acme", "app", OURS);
    JobInfo lib = github.createJob("acme", "lib", OURS);
    github.calls().clear();

    GitHubJobs found = activities.listActiveJobs(request(List.of(), List.of("acme")), 50);

    assertThat(found.jobs()).extracting(GitHubJob::jobId).containsExactlyInAnyOrder(app.id(), lib.id());
    assertThat(found.complete()).containsExactlyInAnyOrder("acme/app", "acme/lib");
    assertThat(github.calls().count(Endpoints.LIST_ORG_REPOS)).isEqualTo(1);
    assertThat(found.calls()).isEqualTo(github.calls().total()).isEqualTo(1 + 2 * 2 + 2);
  }

  @Test
  void theCallCapStopsTheListingAndLeavesTheRepositoryUnjudged() {
    github.createJob("acme", "app", OURS);
    github.createJob("acme", "app", OURS);
    github.calls().clear();

    GitHubJobs found = activities.listActiveJobs(request(List.of("acme/app", "acme/lib"), List.of()), 3);

    assertThat(github.calls().total()).isEqualTo(3);
    assertThat(found.calls()).isEqualTo(3);
    assertThat(found.capReached()).isTrue();
    assertThat(found.complete()).isEmpty();
  }

  @Test
  void noCallIsMadeWhileTheRateLimitIsBelowTheReserve() {
    github.createJob("acme", "app", OURS);
    github.setRateLimit(5000, 400, Instant.now().plusSeconds(3600));
    activities.listActiveJobs(request(List.of("acme/app"), List.of()), 50);
    github.calls().clear();

    GitHubJobs found = activities.listActiveJobs(
        new ReconcileRequest(List.of("acme/app"), List.of(), 50, 500), 50);

    assertThat(github.calls().total()).isZero();
    assertThat(found.capReached()).isTrue();
    assertThat(found.complete()).isEmpty();
  }

  @Test
  void aSpentRateLimitIsARateLimitedFailure() {
    github.exhaustRateLimit(Instant.now().plusSeconds(600));

    ApplicationFailure failure = catchThrowableOfType(ApplicationFailure.class,
        () -> activities.listActiveJobs(request(List.of("acme/app"), List.of()), 50));

    assertThat(failure.getType()).isEqualTo(Failures.RATE_LIMITED);
  }

  @Test
  void lookUpFindsWhatBecameOfJobsAndLeavesOutJobsGitHubDoesNotHave() throws IOException {
    JobInfo job = github.createJob("acme", "app", OURS);
    startOnRunner(job, "hangar-" + job.id() + "-1");
    github.completeJob(job.id(), "failure");
    github.calls().clear();

    GitHubJobs found = activities.lookUpJobs(
        List.of(new OpenJob(job.id(), "acme/app", "RUNNING"), new OpenJob(job.id() + 1000, "acme/app", "RUNNING"),
            new OpenJob(job.id(), "acme/app", "RUNNING")),
        0, 2);

    assertThat(found.jobs()).singleElement().satisfies(j -> {
      assertThat(j.action()).isEqualTo(Action.COMPLETED);
      assertThat(j.conclusion()).isEqualTo("failure");
      assertThat(j.runnerName()).isEqualTo("hangar-" + job.id() + "-1");
    });
    assertThat(github.calls().count(Endpoints.GET_JOB)).isEqualTo(2);
    assertThat(found.capReached()).isTrue();
  }

  @Test
  void deliverStartsTheJobsWorkflowWithTheEventAndDropsItForAClosedOne() {
    JobInfo job = github.createJob("acme", "app", OURS);
    GitHubJob queued = activities.listActiveJobs(request(List.of("acme/app"), List.of()), 50).jobs().get(0);

    Delivered first = activities.deliver(List.of(queued), "hangar-reconciler-1");
    temporal.getWorkflowClient().newUntypedWorkflowStub(Names.workflowId(job.id())).terminate("test");
    Delivered again = activities.deliver(List.of(queued), "hangar-reconciler-2");

    assertThat(first).isEqualTo(new Delivered(1, 0));
    assertThat(again).isEqualTo(new Delivered(0, 1));
    List<HistoryEvent> history = client.fetchHistory(Names.workflowId(job.id())).getHistory().getEventsList();
    assertThat(history).filteredOn(e -> e.getEventType() == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED)
        .singleElement()
        .satisfies(e -> assertThat(client.getOptions().getDataConverter().fromPayloads(0,
            java.util.Optional.of(e.getWorkflowExecutionSignaledEventAttributes().getInput()),
            JobEvent.class, JobEvent.class))
            .isEqualTo(queued.event("hangar-reconciler-1")));
  }
}
