package dev.hangar.e2e;

import com.google.protobuf.Timestamp;
import dev.hangar.workflows.Names;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowClient;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Where a job's time goes on its way to a running runner, from its Temporal history: each workflow
 * task and each activity, split into waiting (scheduled until a worker started it) and running
 * (started until completed, the completion included). The median of each over a set of jobs. Also
 * when each job's VM start was issued on a host, which only the history knows.
 */
final class StepTimes {

  private static final String RUNNER_STARTED = "StartRunner";
  private static final String VM_STARTED = "StartVm";

  private final Map<String, List<Duration>> waiting = new LinkedHashMap<>();
  private final Map<String, List<Duration>> running = new LinkedHashMap<>();
  private int jobs;

  /** The steps of each workflow's history up to its first runner start. */
  static StepTimes of(WorkflowClient client, List<String> workflowIds) {
    StepTimes times = new StepTimes();
    for (String workflowId : workflowIds) {
      times.add(client.fetchHistory(workflowId).getEvents());
    }
    return times;
  }

  /**
   * For each job, when Temporal handed its first VM start to a host (the {@code StartVm} activity
   * task's start): the instant the VM start was issued on a host. Jobs whose history has none (their
   * job went to another Hangar job's runner first) are left out.
   */
  static Map<Long, Instant> vmStartIssued(WorkflowClient client, List<Long> jobIds) {
    Map<Long, Instant> issued = new HashMap<>();
    for (Long jobId : jobIds) {
      Map<Long, HistoryEvent> scheduled = new HashMap<>();
      for (HistoryEvent e : client.fetchHistory(Names.workflowId(jobId)).getEvents()) {
        if (e.getEventType() == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED) {
          scheduled.put(e.getEventId(), e);
        } else if (e.getEventType() == EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED
            && VM_STARTED.equals(scheduled.get(e.getActivityTaskStartedEventAttributes().getScheduledEventId())
                .getActivityTaskScheduledEventAttributes().getActivityType().getName())) {
          issued.put(jobId, instant(e.getEventTime()));
          break;
        }
      }
    }
    return issued;
  }

  private void add(List<HistoryEvent> events) {
    jobs++;
    Map<Long, HistoryEvent> byId = new HashMap<>();
    for (HistoryEvent e : events) {
      byId.put(e.getEventId(), e);
      if (e.getEventType() == EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED) {
        HistoryEvent started = byId.get(e.getWorkflowTaskCompletedEventAttributes().getStartedEventId());
        HistoryEvent scheduled = byId.get(started.getWorkflowTaskStartedEventAttributes().getScheduledEventId());
        record("workflow task", scheduled, started, e);
      } else if (e.getEventType() == EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED) {
        var done = e.getActivityTaskCompletedEventAttributes();
        HistoryEvent scheduled = byId.get(done.getScheduledEventId());
        String type = scheduled.getActivityTaskScheduledEventAttributes().getActivityType().getName();
        record(type, scheduled, byId.get(done.getStartedEventId()), e);
        if (type.equals(RUNNER_STARTED)) {
          return;
        }
      }
    }
  }

  private void record(String step, HistoryEvent scheduled, HistoryEvent started, HistoryEvent completed) {
    waiting.computeIfAbsent(step, s -> new ArrayList<>()).add(between(scheduled, started));
    running.computeIfAbsent(step, s -> new ArrayList<>()).add(between(started, completed));
  }

  private static Duration between(HistoryEvent from, HistoryEvent to) {
    return Duration.between(instant(from.getEventTime()), instant(to.getEventTime()));
  }

  private static Instant instant(Timestamp t) {
    return Instant.ofEpochSecond(t.getSeconds(), t.getNanos());
  }

  /** How many of a step a job has: a whole number, or to two decimals when only some jobs have it. */
  private String perJob(int steps) {
    return steps % jobs == 0
        ? Integer.toString(steps / jobs)
        : String.format(Locale.ROOT, "%.2f", (double) steps / jobs);
  }

  /**
   * For a table cell: {@code workflow task ×3 waiting 30 + running 40 ms; ClaimHost ×1 ...}, the
   * medians, steps in the order they first happen.
   */
  String cell() {
    return waiting.keySet().stream()
        .map(step -> String.format(Locale.ROOT, "%s ×%s: waiting %d + running %d ms", step,
            perJob(waiting.get(step).size()), Stats.of(waiting.get(step)).p50(), Stats.of(running.get(step)).p50()))
        .collect(Collectors.joining("; "));
  }
}
