package dev.hangar.workflows.reconcile;

import dev.hangar.workflows.Failures;
import dev.hangar.workflows.TaskQueues;
import dev.hangar.workflows.job.JobEvent;
import dev.hangar.workflows.job.Phase;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.slf4j.Logger;

/**
 * One reconcile pass, top to bottom: list GitHub's active jobs, list the open job workflows, look
 * up the jobs of open workflows GitHub no longer lists, and hand every difference to the job
 * workflows as the event a webhook would have carried. Nothing here waits on a timer; a pass that
 * fails or times out is simply followed by the next one.
 */
public class ReconcileWorkflowImpl implements ReconcileWorkflow {

  private static final Logger log = Workflow.getLogger(ReconcileWorkflowImpl.class);

  /**
   * A pass's calls: one retry for a blip; no waiting for a spent rate limit (the next pass comes
   * soon, and the budget belongs to runner registrations first) and none for what no retry fixes.
   */
  private static final RetryOptions RETRY =
      RetryOptions.newBuilder()
          .setInitialInterval(Duration.ofSeconds(1))
          .setMaximumAttempts(2)
          .setDoNotRetry(
              Stream.concat(Stream.of(Failures.NON_RETRYABLE), Stream.of(Failures.RATE_LIMITED))
                  .toArray(String[]::new))
          .build();

  @Override
  public ReconcileReport run(ReconcileRequest request) {
    ReconcileActivities activities = Workflow.newActivityStub(
        ReconcileActivities.class,
        ActivityOptions.newBuilder()
            .setTaskQueue(TaskQueues.ORCHESTRATOR)
            .setStartToCloseTimeout(request.activityTimeout())
            .setRetryOptions(RETRY)
            .build());

    GitHubJobs active = activities.listActiveJobs(request, request.maxCallsPerPass());
    Map<Long, OpenJob> open = byJobId(activities.listOpenJobWorkflows());

    List<GitHubJob> repairs = new ArrayList<>();
    Set<Long> listed = new HashSet<>();
    for (GitHubJob job : active.jobs()) {
      listed.add(job.jobId());
      if (needsEvent(open.get(job.jobId()), job)) {
        repairs.add(job);
      }
    }

    List<OpenJob> unlisted = unlistedOpenJobs(open, listed, active.complete());
    int callsLeft = request.maxCallsPerPass() - active.calls();
    GitHubJobs lookedUp = unlisted.isEmpty() || callsLeft <= 0
        ? new GitHubJobs(List.of(), List.of(), 0, !unlisted.isEmpty())
        : activities.lookUpJobs(unlisted, request.rateLimitReserve(), callsLeft);
    for (GitHubJob job : lookedUp.jobs()) {
      if (needsEvent(open.get(job.jobId()), job)) {
        repairs.add(job);
      }
    }

    Delivered delivered = repairs.isEmpty()
        ? new Delivered(0, 0)
        : activities.deliver(repairs, Workflow.getInfo().getWorkflowId());
    int missing = (int) repairs.stream().filter(job -> !open.containsKey(job.jobId())).count();
    ReconcileReport report = new ReconcileReport(
        active.jobs().size(), open.size(), missing, repairs.size() - missing, delivered.closed(),
        active.calls() + lookedUp.calls(), active.capReached() || lookedUp.capReached());
    log.info("reconcile pass: {}", report);
    return report;
  }

  /**
   * Whether a job's workflow must hear GitHub's state: it has none (its {@code queued} was lost),
   * or it has not seen the job start or complete that GitHub reports.
   */
  private static boolean needsEvent(OpenJob workflow, GitHubJob job) {
    if (workflow == null) {
      return job.action() != JobEvent.Action.COMPLETED;
    }
    switch (job.action()) {
      case IN_PROGRESS:
        return !Phase.RUNNING.name().equals(workflow.phase());
      case COMPLETED:
        return true;
      default:
        return false;
    }
  }

  /**
   * Open workflows of fully listed repositories whose job GitHub did not list: their job has
   * completed (its {@code completed} was lost), or changed state since the listing.
   */
  private static List<OpenJob> unlistedOpenJobs(Map<Long, OpenJob> open, Set<Long> listed, List<String> complete) {
    Set<String> listedRepos = new HashSet<>(complete);
    return open.values().stream()
        .filter(w -> !listed.contains(w.jobId()))
        .filter(w -> w.repo() != null && listedRepos.contains(w.repo()))
        .filter(w -> !Phase.DONE.name().equals(w.phase()))
        .toList();
  }

  private static Map<Long, OpenJob> byJobId(List<OpenJob> open) {
    Map<Long, OpenJob> out = new LinkedHashMap<>();
    open.forEach(w -> out.put(w.jobId(), w));
    return out;
  }
}
