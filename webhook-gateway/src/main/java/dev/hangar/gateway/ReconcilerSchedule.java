package dev.hangar.gateway;

import dev.hangar.workflows.TaskQueues;
import dev.hangar.workflows.reconcile.ReconcileRequest;
import dev.hangar.workflows.reconcile.ReconcileWorkflow;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.enums.v1.ScheduleOverlapPolicy;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.schedules.Schedule;
import io.temporal.client.schedules.ScheduleActionStartWorkflow;
import io.temporal.client.schedules.ScheduleAlreadyRunningException;
import io.temporal.client.schedules.ScheduleClient;
import io.temporal.client.schedules.ScheduleException;
import io.temporal.client.schedules.ScheduleIntervalSpec;
import io.temporal.client.schedules.ScheduleOptions;
import io.temporal.client.schedules.SchedulePolicy;
import io.temporal.client.schedules.ScheduleSpec;
import io.temporal.client.schedules.ScheduleUpdate;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Temporal Schedule {@value ReconcileWorkflow#SCHEDULE_ID} that starts a reconcile pass every
 * interval, created or updated so that it matches the configuration. Idempotent: every gateway
 * does it at start-up. An update keeps the schedule's state, so a schedule an operator paused stays
 * paused. Overlap policy skip: a pass still running when the next is due makes that one skipped,
 * never two at once; a missed pass is not caught up beyond one interval.
 */
final class ReconcilerSchedule {

  private static final Logger log = LoggerFactory.getLogger(ReconcilerSchedule.class);

  /** A pass that has not finished by then is ended, so the next can start. */
  static final Duration PASS_TIMEOUT = Duration.ofMinutes(15);

  private final ScheduleClient schedules;

  ReconcilerSchedule(ScheduleClient schedules) {
    this.schedules = schedules;
  }

  /** Creates the schedule, or updates it to this request and interval. */
  void ensure(ReconcileRequest request, Duration interval) {
    Schedule desired = schedule(request, interval);
    try {
      schedules.createSchedule(ReconcileWorkflow.SCHEDULE_ID, desired, ScheduleOptions.newBuilder().build());
      log.info("created schedule {}: a reconcile pass every {}", ReconcileWorkflow.SCHEDULE_ID, interval);
    } catch (ScheduleAlreadyRunningException e) {
      schedules.getHandle(ReconcileWorkflow.SCHEDULE_ID).update(input -> new ScheduleUpdate(
          Schedule.newBuilder(desired).setState(input.getDescription().getSchedule().getState()).build()));
      log.info("updated schedule {}: a reconcile pass every {}", ReconcileWorkflow.SCHEDULE_ID, interval);
    }
  }

  /** Deletes the schedule if there is one. */
  void remove() {
    try {
      schedules.getHandle(ReconcileWorkflow.SCHEDULE_ID).delete();
      log.info("deleted schedule {}: the reconciler is disabled", ReconcileWorkflow.SCHEDULE_ID);
    } catch (ScheduleException | StatusRuntimeException e) {
      Throwable cause = e instanceof ScheduleException && e.getCause() != null ? e.getCause() : e;
      if (!(cause instanceof StatusRuntimeException status) || status.getStatus().getCode() != Status.Code.NOT_FOUND) {
        throw e;
      }
    }
  }

  static Schedule schedule(ReconcileRequest request, Duration interval) {
    WorkflowOptions pass = WorkflowOptions.newBuilder()
        .setWorkflowId(ReconcileWorkflow.SCHEDULE_ID)
        .setTaskQueue(TaskQueues.ORCHESTRATOR)
        .setWorkflowExecutionTimeout(PASS_TIMEOUT)
        .build();
    return Schedule.newBuilder()
        .setAction(ScheduleActionStartWorkflow.newBuilder()
            .setWorkflowType(ReconcileWorkflow.TYPE)
            .setArguments(request)
            .setOptions(pass)
            .build())
        .setSpec(ScheduleSpec.newBuilder().setIntervals(List.of(new ScheduleIntervalSpec(interval))).build())
        .setPolicy(SchedulePolicy.newBuilder()
            .setOverlap(ScheduleOverlapPolicy.SCHEDULE_OVERLAP_POLICY_SKIP)
            .setCatchupWindow(interval)
            .build())
        .build();
  }
}
