package dev.hangar.workflows.reconcile;

import static dev.hangar.workflows.reconcile.FakeReconcileActivities.REPO;
import static dev.hangar.workflows.reconcile.FakeReconcileActivities.job;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.hangar.workflows.Failures;
import dev.hangar.workflows.TaskQueues;
import dev.hangar.workflows.job.JobEvent;
import dev.hangar.workflows.job.JobEvent.Action;
import dev.hangar.workflows.job.Phase;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.TimeoutFailure;
import io.temporal.testing.TestWorkflowEnvironment;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** One reconcile pass on Temporal's time-skipping test server, against fake GitHub and visibility. */
class ReconcileWorkflowTest {

  /** A short activity timeout: an activity in flight stops the test server's clock from skipping. */
  private static final Duration ACTIVITY_TIMEOUT = Duration.ofSeconds(2);

  private static final ReconcileRequest REQUEST =
      new ReconcileRequest(List.of(REPO), List.of(), 10, 100, ACTIVITY_TIMEOUT);

  private static final String WORKFLOW_ID = "hangar-reconciler-test";

  private final FakeReconcileActivities fake = new FakeReconcileActivities();
  private TestWorkflowEnvironment env;
  private WorkflowClient client;

  @BeforeEach
  void start() {
    env = TestWorkflowEnvironment.newInstance();
    env.newWorker(TaskQueues.ORCHESTRATOR).registerWorkflowImplementationTypes(ReconcileWorkflowImpl.class);
    env.newWorker(TaskQueues.ORCHESTRATOR).registerActivitiesImplementations(fake);
    env.start();
    client = env.getWorkflowClient();
  }

  @AfterEach
  void stop() {
    env.close();
  }

  private ReconcileReport pass() {
    return client.newWorkflowStub(ReconcileWorkflow.class, WorkflowOptions.newBuilder()
            .setWorkflowId(WORKFLOW_ID)
            .setTaskQueue(TaskQueues.ORCHESTRATOR)
            .build())
        .run(REQUEST);
  }

  @Test
  void aJobGitHubListsWithNoOpenWorkflowIsHandedOverAsTheEventItsWebhookWouldHaveCarried() {
    fake.listed.add(job(1, Action.QUEUED, null, null));
    fake.listed.add(job(2, Action.IN_PROGRESS, "hangar-2-1", null));

    ReconcileReport report = pass();

    assertThat(fake.delivered).extracting(JobEvent::jobId, JobEvent::action, JobEvent::runnerName)
        .containsExactly(
            tuple(1L, Action.QUEUED, null),
            tuple(2L, Action.IN_PROGRESS, "hangar-2-1"));
    assertThat(fake.delivered).extracting(JobEvent::deliveryId).containsOnly(WORKFLOW_ID);
    assertThat(report.missing()).isEqualTo(2);
    assertThat(report.behind()).isZero();
    assertThat(fake.lookUps).isEmpty();
  }

  @Test
  void anOpenWorkflowThatHasNotSeenItsJobStartIsToldAndOneThatHasIsLeftAlone() {
    fake.listed.add(job(1, Action.IN_PROGRESS, "hangar-1-1", null));
    fake.listed.add(job(2, Action.IN_PROGRESS, "hangar-2-1", null));
    fake.listed.add(job(3, Action.QUEUED, null, null));
    fake.open.add(new OpenJob(1, REPO, Phase.AWAITING_START.name()));
    fake.open.add(new OpenJob(2, REPO, Phase.RUNNING.name()));
    fake.open.add(new OpenJob(3, REPO, Phase.WAITING_FOR_HOST.name()));

    ReconcileReport report = pass();

    assertThat(fake.delivered).extracting(JobEvent::jobId).containsExactly(1L);
    assertThat(report.behind()).isEqualTo(1);
    assertThat(report.missing()).isZero();
    assertThat(report.openWorkflows()).isEqualTo(3);
  }

  @Test
  void anOpenWorkflowWhoseJobGitHubNoLongerListsIsLookedUpAndToldItCompleted() {
    fake.open.add(new OpenJob(4, REPO, Phase.RUNNING.name()));
    fake.open.add(new OpenJob(5, REPO, Phase.AWAITING_START.name()));
    fake.byId.put(4L, job(4, Action.COMPLETED, "hangar-4-1", "success"));
    fake.byId.put(5L, job(5, Action.QUEUED, null, null));

    ReconcileReport report = pass();

    assertThat(fake.lookUps).containsExactly(List.of(4L, 5L));
    assertThat(fake.delivered).extracting(JobEvent::jobId, JobEvent::action, JobEvent::conclusion)
        .containsExactly(tuple(4L, Action.COMPLETED, "success"));
    assertThat(report.behind()).isEqualTo(1);
    assertThat(report.calls()).isEqualTo(fake.listingCalls + 2);
  }

  @Test
  void openWorkflowsOfRepositoriesNotFullyListedAreNotJudgedByTheirAbsence() {
    fake.completeRepos.clear();
    fake.listingCapReached = true;
    fake.open.add(new OpenJob(6, REPO, Phase.RUNNING.name()));
    fake.open.add(new OpenJob(7, null, null));
    fake.byId.put(6L, job(6, Action.COMPLETED, "hangar-6-1", "success"));

    ReconcileReport report = pass();

    assertThat(fake.lookUps).isEmpty();
    assertThat(fake.delivered).isEmpty();
    assertThat(report.capReached()).isTrue();
  }

  @Test
  void lookUpsGetOnlyTheCallsTheListingLeftAndNoneWhenItSpentThemAll() {
    fake.open.add(new OpenJob(8, REPO, Phase.RUNNING.name()));
    fake.byId.put(8L, job(8, Action.COMPLETED, null, "failure"));
    fake.listingCalls = 7;

    pass();
    fake.listingCalls = REQUEST.maxCallsPerPass();
    ReconcileReport spent = pass();

    assertThat(fake.listingCaps).containsExactly(10, 10);
    assertThat(fake.lookUpCaps).containsExactly(3);
    assertThat(spent.capReached()).isTrue();
    assertThat(spent.calls()).isEqualTo(REQUEST.maxCallsPerPass());
  }

  @Test
  void onePassRepairsALostQueuedALostInProgressAndALostCompleted() {
    fake.listed.add(job(1, Action.QUEUED, null, null));
    fake.listed.add(job(2, Action.IN_PROGRESS, "hangar-2-1", null));
    fake.open.add(new OpenJob(2, REPO, Phase.AWAITING_START.name()));
    fake.open.add(new OpenJob(3, REPO, Phase.RUNNING.name()));
    fake.byId.put(3L, job(3, Action.COMPLETED, "hangar-3-1", "success"));

    ReconcileReport report = pass();

    assertThat(fake.delivered).extracting(JobEvent::jobId, JobEvent::action).containsExactly(
        tuple(1L, Action.QUEUED), tuple(2L, Action.IN_PROGRESS), tuple(3L, Action.COMPLETED));
    assertThat(report).isEqualTo(new ReconcileReport(2, 2, 1, 2, 0, fake.listingCalls + 1, false));
    recordHistory("pass-with-three-repairs");
  }

  /**
   * With {@code -Dhangar.histories.write=true}, saves the pass's history as a replay fixture under
   * src/test/resources/histories/reconcile; {@link ReconcileWorkflowReplayTest} replays them.
   */
  private void recordHistory(String name) {
    if (!Boolean.getBoolean("hangar.histories.write")) {
      return;
    }
    try {
      Path dir = Path.of("src/test/resources/histories/reconcile");
      Files.createDirectories(dir);
      Files.writeString(dir.resolve(name + ".json"), client.fetchHistory(WORKFLOW_ID).toJson(true));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void aSpentRateLimitEndsThePassAtOnceWithoutRetryOrRepair() {
    fake.listingFailure = ApplicationFailure.newFailure("rate limit spent", Failures.RATE_LIMITED);

    assertThatThrownBy(this::pass).isInstanceOf(WorkflowFailedException.class);

    assertThat(fake.listings).hasValue(1);
    assertThat(fake.delivered).isEmpty();
  }

  @Test
  void aGitHubThatNeverAnswersEndsThePassAfterTwoActivityTimeoutsWithNothingDelivered() {
    fake.hangListing = true;

    assertThatThrownBy(this::pass)
        .isInstanceOf(WorkflowFailedException.class)
        .rootCause()
        .isInstanceOf(TimeoutFailure.class);

    List<HistoryEvent> history = client.fetchHistory(WORKFLOW_ID).getHistory().getEventsList();
    Duration took = Duration.ofSeconds(
        history.get(history.size() - 1).getEventTime().getSeconds() - history.get(0).getEventTime().getSeconds());
    assertThat(took).isBetween(ACTIVITY_TIMEOUT.multipliedBy(2), ACTIVITY_TIMEOUT.multipliedBy(3));
    assertThat(fake.listings).hasValue(2);
    assertThat(fake.delivered).isEmpty();
  }
}
