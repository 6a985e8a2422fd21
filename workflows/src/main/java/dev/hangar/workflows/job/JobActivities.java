package dev.hangar.workflows.job;

import dev.hangar.workflows.Failures;
import dev.hangar.workflows.TaskQueues;
import dev.hangar.workflows.github.GitHubActivities;
import dev.hangar.workflows.host.HostActivities;
import dev.hangar.workflows.host.PlacementActivities;
import dev.hangar.workflows.routing.RoutingActivities;
import dev.hangar.workflows.template.TemplateRef;
import io.temporal.activity.ActivityCancellationType;
import io.temporal.activity.ActivityOptions;
import io.temporal.activity.LocalActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.Map;

/**
 * The retry and timeout policy of every activity a job calls, declared once. Each method returns a
 * stub whose options say where the activity runs and how long Hangar waits for it.
 */
final class JobActivities {

  /**
   * GitHub calls: retried with backoff, except what no retry can fix. A spent rate limit is retried
   * exactly at the reset time GitHub states (the activity sets the next retry delay), which can be
   * up to an hour away, so the calls may take up to 90 minutes in all.
   */
  private static final RetryOptions GITHUB_RETRY =
      RetryOptions.newBuilder()
          .setInitialInterval(Duration.ofSeconds(1))
          .setBackoffCoefficient(2)
          .setMaximumInterval(Duration.ofMinutes(1))
          .setDoNotRetry(Failures.NON_RETRYABLE)
          .build();

  /** Host work: a few tries; a host that does not pick the task up at all is lost, not retried. */
  private static final RetryOptions HOST_RETRY =
      RetryOptions.newBuilder()
          .setInitialInterval(Duration.ofSeconds(1))
          .setBackoffCoefficient(2)
          .setMaximumAttempts(3)
          .setDoNotRetry(Failures.NON_RETRYABLE)
          .build();

  /** A claim that raced and found no room goes back on the queue quickly. */
  private static final RetryOptions PLACEMENT_RETRY =
      RetryOptions.newBuilder()
          .setInitialInterval(Duration.ofSeconds(1))
          .setBackoffCoefficient(1.5)
          .setMaximumInterval(Duration.ofSeconds(10))
          .setDoNotRetry(Failures.NON_RETRYABLE)
          .build();

  /** The activity type of {@link GitHubActivities#cancelRun}. */
  static final String CANCEL_RUN = "CancelRun";

  /**
   * The longest a runner start or a VM deletion may take. These heartbeat, so a lost task is
   * noticed by its missing heartbeats long before; the limit catches a hypervisor call that hangs.
   */
  private static final Duration HOST_CALL_LIMIT = Duration.ofMinutes(10);

  /** The longest a clone and boot may take, including a pull of a template evicted meanwhile. */
  private static final Duration START_VM_LIMIT = Duration.ofMinutes(30);

  /** The longest a template pull may take. */
  private static final Duration PULL_LIMIT = Duration.ofHours(3);

  private final JobPolicy policy;

  JobActivities(JobPolicy policy) {
    this.policy = policy;
  }

  RoutingActivities routing() {
    return Workflow.newLocalActivityStub(
        RoutingActivities.class,
        LocalActivityOptions.newBuilder()
            .setStartToCloseTimeout(Duration.ofSeconds(10))
            .setRetryOptions(GITHUB_RETRY)
            .build());
  }

  /**
   * GitHub calls, 30 s each. {@code cancelRun} waits for the run to stop and may force-cancel it,
   * heartbeating while it waits: it may take {@link GitHubActivities#MAX_FORCE_CANCEL_AFTER} and a
   * minute more, and is retried when its heartbeats stop.
   */
  GitHubActivities github() {
    ActivityOptions calls = ActivityOptions.newBuilder()
        .setTaskQueue(TaskQueues.ORCHESTRATOR)
        .setStartToCloseTimeout(Duration.ofSeconds(30))
        .setScheduleToCloseTimeout(Duration.ofMinutes(90))
        .setRetryOptions(GITHUB_RETRY)
        .build();
    ActivityOptions cancel = ActivityOptions.newBuilder(calls)
        .setStartToCloseTimeout(GitHubActivities.MAX_FORCE_CANCEL_AFTER.plusMinutes(1))
        .setHeartbeatTimeout(GitHubActivities.CANCEL_RUN_HEARTBEAT)
        .build();
    return Workflow.newActivityStub(GitHubActivities.class, calls, Map.of(CANCEL_RUN, cancel));
  }

  /**
   * The claim waits on the size class's placement queue for at most {@code maxPlacementWait}: a
   * schedule-to-start timeout there means no host had room in time. A claim the job no longer
   * needs is abandoned, not cancelled: if a host grants it anyway, the host frees the reservation
   * when no VM follows within its reservation TTL.
   */
  PlacementActivities placement(TemplateRef template) {
    return Workflow.newActivityStub(
        PlacementActivities.class,
        ActivityOptions.newBuilder()
            .setTaskQueue(TaskQueues.placement(template.sizeClass()))
            .setScheduleToStartTimeout(policy.maxPlacementWait())
            .setStartToCloseTimeout(Duration.ofSeconds(30))
            .setScheduleToCloseTimeout(policy.maxPlacementWait().plus(Duration.ofMinutes(5)))
            .setRetryOptions(PLACEMENT_RETRY)
            .setCancellationType(ActivityCancellationType.ABANDON)
            .build());
  }

  /**
   * Work on the claimed host: clone and start, put the runner in, check, delete. Schedule-to-start
   * is the host timeout: a host that stops polling its own queue is lost, and the attempt moves on
   * to a new VM elsewhere. Once started, each call has a start-to-close timeout that fits it, and
   * the calls that wait on the hypervisor or the VM heartbeat while they do, with the host timeout
   * as heartbeat timeout: a task the host never received (Temporal may record a task as started
   * that an overloaded server never delivered) or a host that died mid-call is retried after the
   * host timeout, not after the call's whole start-to-close timeout. {@code checkVm} answers at
   * once, so the host timeout is its start-to-close timeout. {@code startVm} pulls the template
   * again if it was evicted since {@code ensureTemplate}, hence its longer limit.
   */
  HostActivities host(String hostQueue) {
    return Workflow.newActivityStub(
        HostActivities.class,
        heartbeating(hostQueue, HOST_CALL_LIMIT),
        Map.of(
            "StartVm", heartbeating(hostQueue, START_VM_LIMIT),
            "CheckVm", hostCall(hostQueue).setStartToCloseTimeout(policy.hostTimeout()).build(),
            "EnsureTemplate", heartbeating(hostQueue, PULL_LIMIT)));
  }

  /** A template pull may take long, so it heartbeats; silence for the host timeout means lost. */
  HostActivities pull(String hostQueue) {
    return Workflow.newActivityStub(HostActivities.class, heartbeating(hostQueue, PULL_LIMIT));
  }

  /** A call on the claimed host that heartbeats: silence for the host timeout means lost. */
  private ActivityOptions heartbeating(String hostQueue, Duration limit) {
    return hostCall(hostQueue)
        .setStartToCloseTimeout(limit)
        .setHeartbeatTimeout(policy.hostTimeout())
        .build();
  }

  /** Options every call on the claimed host shares: its queue, the host timeout, the retries. */
  private ActivityOptions.Builder hostCall(String hostQueue) {
    return ActivityOptions.newBuilder()
        .setTaskQueue(hostQueue)
        .setScheduleToStartTimeout(policy.hostTimeout())
        .setRetryOptions(HOST_RETRY);
  }
}
