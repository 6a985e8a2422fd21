package dev.hangar.workflows.job;

import io.temporal.workflow.Workflow;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.MDC;

/**
 * One log line each time a job's state changes: phase, attempt, host or VM. A background coroutine
 * waits for the change, so it issues no command and replays unchanged; {@link Workflow#getLogger}
 * writes nothing while a history is replayed. The fields go into the line and, for JSON logs, into
 * the MDC as {@code hangar.jobId}, {@code hangar.workflowId}, {@code hangar.phase}, {@code
 * hangar.attempt}, {@code hangar.host} and {@code hangar.vm}. Nothing secret is in a job's state.
 */
final class JobStateLog {

  private static final Logger log = Workflow.getLogger(JobStateLog.class);

  /** What a line reports. */
  record State(Phase phase, int attempt, String host, String vm) {}

  private final long jobId;
  private final Supplier<State> current;
  private State logged;

  JobStateLog(long jobId, Supplier<State> current) {
    this.jobId = jobId;
    this.current = current;
  }

  /** Logs every change until the job is done. Run it with {@code Async.procedure}. */
  void keepLogging() {
    while (logged == null || logged.phase() != Phase.DONE) {
      Workflow.await(() -> !current.get().equals(logged));
      logChange();
    }
  }

  /** Logs the state now if it changed since the last line. */
  void logChange() {
    State now = current.get();
    if (now.equals(logged)) {
      return;
    }
    logged = now;
    String workflowId = Workflow.getInfo().getWorkflowId();
    Map<String, String> fields = new LinkedHashMap<>();
    fields.put("hangar.jobId", Long.toString(jobId));
    fields.put("hangar.workflowId", workflowId);
    fields.put("hangar.phase", now.phase().name());
    fields.put("hangar.attempt", Integer.toString(now.attempt()));
    if (now.host() != null) {
      fields.put("hangar.host", now.host());
    }
    if (now.vm() != null) {
      fields.put("hangar.vm", now.vm());
    }
    fields.forEach(MDC::put);
    try {
      log.info("job={} workflow={} phase={} attempt={} host={} vm={}",
          jobId, workflowId, now.phase(), now.attempt(), orDash(now.host()), orDash(now.vm()));
    } finally {
      fields.keySet().forEach(MDC::remove);
    }
  }

  private static String orDash(String s) {
    return s == null ? "-" : s;
  }
}
