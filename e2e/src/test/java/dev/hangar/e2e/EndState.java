package dev.hangar.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hangar.emulator.JobInfo;
import dev.hangar.workflows.Names;
import dev.hangar.workflows.job.JobOutcome;
import dev.hangar.workflows.job.JobWorkflow;
import dev.hangar.workflows.job.Phase;
import io.temporal.client.WorkflowException;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.workflowservice.v1.ListWorkflowExecutionsRequest;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * What every scenario checks at its end, waiting for it: each job concluded as expected on GitHub,
 * each job's workflow closed, no VM on any host, no runner left registered on GitHub.
 */
final class EndState {

  private final HangarStack stack;

  EndState(HangarStack stack) {
    this.stack = stack;
  }

  /** Waits until every job has completed on GitHub, and checks their conclusions. */
  void jobsConcluded(List<JobInfo> jobs, String conclusion, Duration timeout) throws Exception {
    for (JobInfo job : jobs) {
      JobInfo done = Await.until("job " + job.id() + " completed on GitHub", timeout,
          () -> stack.github.job(job.id()).filter(j -> "completed".equals(j.status())).orElse(null), context());
      assertThat(done.conclusion()).as("conclusion of job %s", job.id()).isEqualTo(conclusion);
    }
  }

  /** Waits until each job's workflow has closed, every VM is deleted and no runner is registered. */
  void clean(List<JobInfo> jobs, Duration timeout) throws Exception {
    for (JobInfo job : jobs) {
      String id = Names.workflowId(job.id());
      Await.until("workflow " + id + " closed", timeout,
          () -> status(id) != WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING, context());
    }
    Await.until("every VM deleted", timeout, () -> stack.allVms().isEmpty(), context());
    Await.until("no runner left on GitHub", timeout, () -> stack.github.runners().isEmpty(), context());
  }

  /** The result of a job's closed workflow. */
  JobOutcome outcome(long jobId) throws java.util.concurrent.TimeoutException {
    return stack.client().newUntypedWorkflowStub(Names.workflowId(jobId))
        .getResult(30, TimeUnit.SECONDS, JobOutcome.class);
  }

  /** Both at once: concluded as expected, every workflow completed, nothing left. */
  void concludedAndClean(List<JobInfo> jobs, String conclusion, Duration timeout) throws Exception {
    jobsConcluded(jobs, conclusion, timeout);
    clean(jobs, timeout);
    for (JobInfo job : jobs) {
      assertThat(status(Names.workflowId(job.id())))
          .as("workflow of job %s", job.id())
          .isEqualTo(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_COMPLETED);
    }
  }

  /** The phase a job's workflow reports now; {@code null} while it cannot be asked (not started yet). */
  Phase phase(long jobId) {
    try {
      return stack.client().newWorkflowStub(JobWorkflow.class, Names.workflowId(jobId)).status().phase();
    } catch (WorkflowException e) {
      return null;
    }
  }

  WorkflowExecutionStatus status(String workflowId) {
    return stack.describe(workflowId).getStatus();
  }

  /** How many executions Temporal has with this workflow id (open or closed). */
  int executions(String workflowId) {
    return stack.client().getWorkflowServiceStubs().blockingStub()
        .listWorkflowExecutions(ListWorkflowExecutionsRequest.newBuilder()
            .setNamespace("default")
            .setQuery("WorkflowId = '" + workflowId + "'")
            .build())
        .getExecutionsCount();
  }

  /** Logs of the processes, for failure messages. */
  Supplier<String> context() {
    return () -> {
      StringBuilder out = new StringBuilder();
      try {
        out.append("\n--- VMs: ").append(stack.allVms()).append("\n--- runners: ").append(stack.github.runners());
        out.append("\n--- gateway log ---\n").append(stack.gateway.tail());
        for (AppProcess host : stack.hosts) {
          out.append("\n--- ").append(host.name()).append(" log ---\n").append(host.tail());
        }
      } catch (IOException e) {
        out.append("\n(logs unreadable: ").append(e).append(')');
      }
      return out.toString();
    };
  }
}
