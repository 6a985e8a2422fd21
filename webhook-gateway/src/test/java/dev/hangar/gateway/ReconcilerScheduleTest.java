package dev.hangar.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hangar.workflows.TaskQueues;
import dev.hangar.workflows.reconcile.ReconcileRequest;
import dev.hangar.workflows.reconcile.ReconcileWorkflow;
import io.temporal.api.enums.v1.ScheduleOverlapPolicy;
import io.temporal.client.schedules.Schedule;
import io.temporal.client.schedules.ScheduleActionStartWorkflow;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The schedule the gateway puts in place says what docs/operations.md says it does. */
class ReconcilerScheduleTest {

  @Test
  void onePassEveryIntervalNeverTwoAtOnceOnTheOrchestratorWithTheConfiguredRequest() {
    ReconcileRequest request = new ReconcileRequest(List.of("acme/app"), List.of("octo-org"), 40, 300);

    Schedule schedule = ReconcilerSchedule.schedule(request, Duration.ofSeconds(45));

    assertThat(schedule.getSpec().getIntervals()).singleElement()
        .satisfies(i -> assertThat(i.getEvery()).isEqualTo(Duration.ofSeconds(45)));
    assertThat(schedule.getPolicy().getOverlap()).isEqualTo(ScheduleOverlapPolicy.SCHEDULE_OVERLAP_POLICY_SKIP);
    assertThat(schedule.getPolicy().getCatchupWindow()).isEqualTo(Duration.ofSeconds(45));
    ScheduleActionStartWorkflow action = (ScheduleActionStartWorkflow) schedule.getAction();
    assertThat(action.getWorkflowType()).isEqualTo(ReconcileWorkflow.TYPE);
    assertThat(action.getOptions().getWorkflowId()).isEqualTo(ReconcileWorkflow.SCHEDULE_ID);
    assertThat(action.getOptions().getTaskQueue()).isEqualTo(TaskQueues.ORCHESTRATOR);
    assertThat(action.getOptions().getWorkflowExecutionTimeout()).isEqualTo(ReconcilerSchedule.PASS_TIMEOUT);
    assertThat(action.getArguments().get(0, ReconcileRequest.class)).isEqualTo(request);
  }

  @Test
  void theHourlyBoundIsTheCapTimesThePassesAnHour() {
    ReconcilerProperties defaults = new ReconcilerProperties(null, null, null, null, null, null, null);
    ReconcilerProperties polling =
        new ReconcilerProperties(true, true, Duration.ofSeconds(30), List.of("a/b"), null, 20, null);

    assertThat(defaults.maxCallsPerHour()).isEqualTo(3000);
    assertThat(polling.maxCallsPerHour()).isEqualTo(2400);
  }
}
