package dev.hangar.workflows.job;

import dev.hangar.workflows.Names;
import dev.hangar.workflows.github.GitHubActivities;
import dev.hangar.workflows.github.RunRef;
import dev.hangar.workflows.routing.Route;
import dev.hangar.workflows.routing.TrustPolicy;
import dev.hangar.workflows.template.TemplateRef;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToLongFunction;
import org.slf4j.Logger;

/**
 * A GitHub job's life, top to bottom: route its labels to a template, make VMs until GitHub starts
 * the job (at most {@link JobPolicy#maxAttempts()}), wait for it to complete, and delete every VM on
 * the way out, whatever the path. See docs/architecture.md.
 */
public class JobWorkflowImpl implements JobWorkflow {

  private static final Logger log = Workflow.getLogger(JobWorkflowImpl.class);

  /** Workflow.getVersion change id: job workflows publish search attributes from version 1 on. */
  static final String SEARCH_ATTRIBUTES = "search-attributes";

  /**
   * Workflow.getVersion change id: from version 1 on, only VMs that served no job use an attempt,
   * and a template no registry has ends the job at once instead of using up the attempts.
   */
  static final String UNSERVED_ATTEMPTS = "attempts-count-unserved-vms";

  /**
   * Workflow.getVersion change id: from version 1 on, jobs that swap runners with other Hangar jobs
   * make no extra VM (a job whose VM another Hangar job took waits for that job's own VM), and a
   * job that ran on another Hangar job's runner keeps its own VMs for that job. See
   * docs/architecture.md, "Another job on our runner".
   */
  static final String SWAP_AWARE = "swap-aware-vms";

  /**
   * Workflow.getVersion change id: from version 1 on, both swap windows (a job waiting for its
   * partner's VM, a kept claim waiting for a host) last the registration timeout plus the longest
   * placement wait the job has seen, so a placement backlog longer than the registration timeout
   * does not end them before the partner's VM can come. See docs/architecture.md.
   */
  static final String SWAP_WINDOW_FOLLOWS_BACKLOG = "swap-window-follows-backlog";

  /**
   * Workflow.getVersion change id: from version 1 on, the backlog in both swap windows is the
   * longest time the job's VMs took from claim to started VM (leaving out template pulls), not only
   * the claim's wait: behind a backlog of VM starts, a partner's VM granted a host in time may
   * still be many seconds from starting. See docs/architecture.md.
   */
  static final String SWAP_WINDOW_FOLLOWS_VM_STARTS = "swap-window-follows-vm-starts";

  /**
   * Workflow.getVersion change id: from version 1 on, a job that GitHub started on another Hangar
   * job's runner before it made any VM of its own makes one VM anyway and keeps it for that job,
   * which now waits for it (the swap rule). Before, that job waited its whole swap window for a VM
   * that never came and then made a second one. See docs/architecture.md.
   */
  static final String SWAP_PARTNER_GETS_A_VM = "swap-partner-gets-a-vm";

  /**
   * Ends the result detail of every path that cancels the run on GitHub, in the same words: the
   * cancel's reach is GitHub's, not Hangar's choice, and every job of the run stops.
   */
  static final String RUN_CANCELLED = "; run cancelled (GitHub cancels whole runs only)";

  /** VMs a job may make per attempt when other jobs keep taking its runners. */
  private static final int MAX_VMS_PER_ATTEMPT = 4;

  private final OwnJob own = new OwnJob();
  private final List<VmLife> vms = new ArrayList<>();
  private final List<Promise<Void>> lives = new ArrayList<>();
  private final List<JobEvent> early = new ArrayList<>();
  private final JobMetrics metrics = new JobMetrics();

  private JobRequest job;
  private JobPolicy policy;
  private JobActivities activities;
  private GitHubActivities github;
  private Phase phase = Phase.ROUTING;
  private Instant createdAt;
  private boolean runCancelled;
  private TemplateRef template;
  /** The pool's trust policy, for the VMs' job-started hook; null in older histories. */
  private TrustPolicy trust;
  private JobOutcome.Result endResult;
  /** Null in histories recorded before jobs carried search attributes. */
  private SearchAttributesPublisher searchAttributes;
  private JobStateLog stateLog;
  /** Whether this execution follows the swap-aware policy ({@link #SWAP_AWARE}). */
  private boolean swapAware;
  /** Whether the swap windows include the placement backlog ({@link #SWAP_WINDOW_FOLLOWS_BACKLOG}). */
  private boolean swapWindowFollowsBacklog;
  /** Whether the swap windows' backlog runs to the VM start ({@link #SWAP_WINDOW_FOLLOWS_VM_STARTS}). */
  private boolean swapWindowFollowsVmStarts;
  /** True while the job waits for the VM of a Hangar job that took its runner. */
  private boolean awaitingSwap;

  @Override
  public JobOutcome run(JobRequest job, JobPolicy policy) {
    this.job = job;
    this.policy = policy;
    this.activities = new JobActivities(policy);
    this.github = activities.github();
    this.createdAt = Instant.ofEpochMilli(Workflow.currentTimeMillis());
    early.forEach(this::event);
    early.clear();
    if (Workflow.getVersion(SEARCH_ATTRIBUTES, Workflow.DEFAULT_VERSION, 1) == 1) {
      searchAttributes = new SearchAttributesPublisher(this::searchable);
      Async.procedure(searchAttributes::keepPublishing);
    }
    stateLog = new JobStateLog(job.jobId(), this::loggable);
    Async.procedure(stateLog::keepLogging);

    Route route = activities.routing().route(job);
    template = route.template();
    trust = route.trust();
    switch (route.decision()) {
      case NOT_OURS:
        return finish(JobOutcome.Result.NOT_OURS, route.reason());
      case UNKNOWN_TEMPLATE:
        cancelRunOnGitHub("unknown template: " + route.reason() + RUN_CANCELLED);
        return finish(JobOutcome.Result.UNKNOWN_TEMPLATE, route.reason() + RUN_CANCELLED);
      case UNTRUSTED:
        return refuse(route);
      default:
        break;
    }
    try {
      return serve(route.template());
    } catch (CanceledFailure e) {
      onManualCancel();
      throw e;
    }
  }

  /**
   * A job the pool does not trust: no VM and no runner; the run is cancelled on GitHub or left for
   * other runners, as the pool's policy says.
   */
  private JobOutcome refuse(Route route) {
    log.warn("job {} of {} refused by pool {}: {}", job.jobId(), job.fullName(), route.pool(), route.reason());
    if (route.trust() != null && route.trust().onUntrusted() == TrustPolicy.OnUntrusted.LEAVE) {
      return finish(JobOutcome.Result.UNTRUSTED, route.reason() + "; left for other runners");
    }
    String detail = route.reason() + RUN_CANCELLED;
    cancelRunOnGitHub(detail);
    return finish(JobOutcome.Result.UNTRUSTED, detail);
  }

  /** Makes VMs until GitHub starts the job, waits for it to complete, then retires every VM. */
  private JobOutcome serve(TemplateRef template) {
    boolean countOnlyUnservedVms =
        Workflow.getVersion(UNSERVED_ATTEMPTS, Workflow.DEFAULT_VERSION, 1) == 1;
    swapAware = Workflow.getVersion(SWAP_AWARE, Workflow.DEFAULT_VERSION, 1) == 1;
    swapWindowFollowsBacklog =
        Workflow.getVersion(SWAP_WINDOW_FOLLOWS_BACKLOG, Workflow.DEFAULT_VERSION, 1) == 1;
    swapWindowFollowsVmStarts =
        Workflow.getVersion(SWAP_WINDOW_FOLLOWS_VM_STARTS, Workflow.DEFAULT_VERSION, 1) == 1;
    boolean swapPartnerGetsAVm =
        Workflow.getVersion(SWAP_PARTNER_GETS_A_VM, Workflow.DEFAULT_VERSION, 1) == 1;
    JobOutcome.Result result = JobOutcome.Result.COMPLETED;
    String detail = "job completed";
    while (!own.startedOrCompleted()) {
      if (countOnlyUnservedVms && lastVmFoundNoTemplate()) {
        result = JobOutcome.Result.UNKNOWN_TEMPLATE;
        detail = newestVm().detail() + RUN_CANCELLED;
        cancelRunOnGitHub(detail);
        break;
      }
      if (attemptsUsed(countOnlyUnservedVms) >= policy.maxAttempts() || lastVmFoundNoHost()) {
        result = JobOutcome.Result.GAVE_UP;
        detail = giveUpReason();
        cancelRunOnGitHub(detail);
        break;
      }
      VmLife vm = startVm(template);
      Workflow.await(() -> own.startedOrCompleted() || !vm.availableForOwnJob());
      awaitSwapPartner(vm);
    }
    boolean keepForSwap = swapAware && ranOnAnotherHangarJobsRunner();
    if (keepForSwap && vms.isEmpty() && swapPartnerGetsAVm) {
      // GitHub gave this job another Hangar job's runner before this job made a VM: that job now
      // waits for this job's VM, so there must be one. It is kept for the swap like any other.
      log.info("job {} started on runner {} before it made a VM; making one for that runner's job",
          job.jobId(), own.runnerName());
      startVm(template);
    }
    if (!keepForSwap) {
      vms.forEach(VmLife::releaseIfUnclaimed);
    } else if (vms.stream().anyMatch(vm -> vm.state() == VmLife.State.CLAIMING)) {
      Async.procedure(this::withdrawClaimsAfterTheSwapWindow);
    }
    if (result == JobOutcome.Result.COMPLETED && !own.completed()) {
      phase = Phase.RUNNING;
      if (!Workflow.await(policy.maxJobDuration(), own::completed)) {
        result = JobOutcome.Result.TIMED_OUT;
        detail = "job ran longer than " + policy.maxJobDuration() + RUN_CANCELLED;
        cancelRunOnGitHub(detail);
      }
    }
    retireAll(keepForSwap);
    return finish(result, detail);
  }

  /**
   * Another job Hangar serves took this job's VM: that job's own VM, claimed or coming, is free
   * for this job, and GitHub gives it the oldest queued job its labels fit. So this job waits for
   * its job to start on any runner for the swap window before it makes its next VM.
   */
  private void awaitSwapPartner(VmLife vm) {
    if (!swapAware || own.startedOrCompleted() || !vm.tookAnotherHangarJob()) {
      return;
    }
    Duration window = swapWindow();
    log.info("job {}: runner {} took Hangar job {}; waiting up to {} for that job's VM",
        job.jobId(), vm.vmName(), vm.servedJobId(), window);
    awaitingSwap = true;
    Workflow.await(window, own::startedOrCompleted);
    awaitingSwap = false;
  }

  /**
   * How long a swap partner's VM may take to reach a waiting job: a runner waits the registration
   * timeout for a job, and, from {@link #SWAP_WINDOW_FOLLOWS_BACKLOG} 1 on, a claim waits about as
   * long for a host as this job's claims have waited (its longest, never more than the maximum
   * placement wait); from {@link #SWAP_WINDOW_FOLLOWS_VM_STARTS} 1 on, a VM takes about as long
   * from claim to started as this job's VMs have taken. At light load that is the registration
   * timeout; behind a burst's backlog it grows with the backlog, so the partner's VM is not given
   * up while it is still in line. A VM made instead would wait in the same line.
   */
  private Duration swapWindow() {
    if (!swapWindowFollowsBacklog) {
      return policy.registrationTimeout();
    }
    ToLongFunction<VmLife> wait =
        swapWindowFollowsVmStarts ? VmLife::vmStartWaitMillis : VmLife::placementWaitMillis;
    long backlog = vms.stream().mapToLong(wait).max().orElse(0);
    return policy.registrationTimeout()
        .plus(Duration.ofMillis(Math.min(backlog, policy.maxPlacementWait().toMillis())));
  }

  /**
   * Whether the job ran on a runner of another Hangar job's VM. That job waits for a VM, and this
   * job's VMs that are coming or idle are its replacement.
   */
  private boolean ranOnAnotherHangarJobsRunner() {
    return Names.ownerJobOfRunner(own.runnerName()).filter(owner -> owner != job.jobId()).isPresent();
  }

  /**
   * The job whose runner this job took waits for a VM for at most the swap window; a claim still
   * waiting for a host after that is no use to it, so it is withdrawn.
   */
  private void withdrawClaimsAfterTheSwapWindow() {
    Workflow.sleep(swapWindow());
    vms.forEach(VmLife::releaseIfUnclaimed);
  }

  private VmLife startVm(TemplateRef template) {
    VmLife vm = new VmLife(job, policy, activities, github, metrics, Names.vmName(job.jobId(), vms.size() + 1), trust);
    vms.add(vm);
    lives.add(Async.procedure(vm::live, template));
    return vm;
  }

  /**
   * Releases VMs whose runner took no job, and waits until every VM is deleted. VMs kept for a swap
   * are not released: another job's work may still come to them, and each retires by itself at its
   * registration timeout (or once the job its runner takes completes).
   */
  private void retireAll(boolean keepForSwap) {
    if (!keepForSwap) {
      vms.forEach(VmLife::release);
    }
    awaitEveryVm();
  }

  /** Waits until every VM life has ended, whether it ended well or not. */
  private void awaitEveryVm() {
    for (Promise<Void> life : lives) {
      try {
        life.get();
      } catch (RuntimeException e) {
        // A VM life that failed or was cancelled has still cleaned up after itself.
      }
    }
  }

  /**
   * A manual cancel ({@code temporal workflow cancel}): delete every VM and, by policy, cancel the
   * run on GitHub, in a scope the cancellation cannot reach.
   */
  private void onManualCancel() {
    log.info("job {} cancelled by an operator; cleaning up", job.jobId());
    Workflow.newDetachedCancellationScope(
            () -> {
              if (policy.cancelRunOnManualCancel() && !own.completed()) {
                cancelRunOnGitHub("cancelled by an operator in Temporal" + RUN_CANCELLED);
              }
              awaitEveryVm();
              phase = Phase.DONE;
              if (searchAttributes != null) {
                searchAttributes.publish();
              }
              metrics.jobEnded("cancelled");
              stateLog.logChange();
            })
        .run();
  }

  /** GitHub can only cancel a whole run, not one job: every job of the run stops. */
  private void cancelRunOnGitHub(String why) {
    if (runCancelled) {
      return;
    }
    runCancelled = true;
    log.info("cancelling run {} of job {} on GitHub: {}", job.runId(), job.jobId(), why);
    try {
      github.cancelRun(new RunRef(job.owner(), job.repo(), job.installationId(), job.runId()));
    } catch (ActivityFailure e) {
      log.warn("could not cancel run {} on GitHub: {}", job.runId(), e.getMessage());
    }
  }

  /**
   * The attempts spent. A VM whose runner GitHub gave another job's work did not fail: that job was
   * served, so it does not count, except as a guard against an endless chain of such swaps.
   */
  private int attemptsUsed(boolean countOnlyUnservedVms) {
    if (!countOnlyUnservedVms) {
      return vms.size();
    }
    long unserved = vms.stream().filter(vm -> vm.servedJobId() == null).count();
    return (int) Math.max(unserved, vms.size() / MAX_VMS_PER_ATTEMPT);
  }

  /** The VM made last, or {@code null} before the first. */
  private VmLife newestVm() {
    return vms.isEmpty() ? null : vms.get(vms.size() - 1);
  }

  private boolean lastVmFoundNoTemplate() {
    return newestVm() != null && newestVm().templateMissing();
  }

  private boolean lastVmFoundNoHost() {
    return newestVm() != null && newestVm().noHostInTime();
  }

  private String giveUpReason() {
    if (lastVmFoundNoHost()) {
      return newestVm().detail() + RUN_CANCELLED;
    }
    return "GitHub started the job on none of "
        + vms.size()
        + " VMs"
        + RUN_CANCELLED;
  }

  private JobOutcome finish(JobOutcome.Result result, String detail) {
    phase = Phase.DONE;
    endResult = result;
    if (searchAttributes != null) {
      searchAttributes.publish();
    }
    metrics.jobEnded(result.name().toLowerCase(java.util.Locale.ROOT));
    stateLog.logChange();
    log.info("job {} done: {} ({})", job.jobId(), result, detail);
    return new JobOutcome(result, own.conclusion(), vms.size(), detail);
  }

  @Override
  public void event(JobEvent event) {
    if (job == null) {
      early.add(event);
      return;
    }
    if (event.jobId() == job.jobId()) {
      own.apply(event);
    }
    if (event.runnerName() != null) {
      for (VmLife vm : vms) {
        if (vm.vmName().equals(event.runnerName())) {
          vm.onRunnerEvent(event);
        }
      }
    }
  }

  /** What the Web UI can search this job by, now. */
  private SearchAttributesPublisher.Snapshot searchable() {
    VmLife newest = newestVm();
    String conclusion = own.conclusion();
    if (endResult == JobOutcome.Result.UNTRUSTED) {
      conclusion = null; // a refusal says why, whatever GitHub's conclusion of the cancelled run
    }
    if (conclusion == null && endResult != null && endResult != JobOutcome.Result.COMPLETED) {
      conclusion = endResult.name().toLowerCase(java.util.Locale.ROOT);
    }
    if (conclusion == null && phase == Phase.DONE && endResult == null) {
      conclusion = "cancelled_by_operator";
    }
    return new SearchAttributesPublisher.Snapshot(
        job.owner(),
        job.fullName(),
        template == null ? null : template.id(),
        newest == null ? null : newest.hostId(),
        currentPhase(newest),
        vms.size(),
        conclusion);
  }

  /** What the one line per state change reports. */
  private JobStateLog.State loggable() {
    VmLife newest = newestVm();
    return new JobStateLog.State(
        currentPhase(newest), vms.size(), newest == null ? null : newest.hostId(), newest == null ? null : newest.vmName());
  }

  @Override
  public JobStatus status() {
    VmLife newest = newestVm();
    List<JobStatus.VmStatus> vmStatuses = new ArrayList<>();
    for (VmLife vm : vms) {
      vmStatuses.add(
          new JobStatus.VmStatus(vm.vmName(), vm.hostId(), vm.state().name(), vm.servedJobId(), vm.detail()));
    }
    return new JobStatus(
        job == null ? 0 : job.jobId(),
        currentPhase(newest),
        vms.size(),
        newest == null ? null : newest.hostId(),
        newest == null ? null : newest.vmName(),
        own.runnerName(),
        own.conclusion(),
        createdAt,
        own.startedAt(),
        own.completedAt(),
        vmStatuses);
  }

  private Phase currentPhase(VmLife newest) {
    if (phase == Phase.DONE || phase == Phase.ROUTING && newest == null) {
      return phase;
    }
    if (own.completed()) {
      return Phase.CLEANING_UP;
    }
    if (own.started()) {
      return Phase.RUNNING;
    }
    if (newest == null) {
      return phase;
    }
    if (awaitingSwap) {
      return Phase.AWAITING_START;
    }
    switch (newest.state()) {
      case CLAIMING:
        return Phase.WAITING_FOR_HOST;
      case PREPARING:
        return Phase.PREPARING_VM;
      case REGISTERING:
        return Phase.REGISTERING_RUNNER;
      case IDLE:
        return Phase.AWAITING_START;
      default:
        return Phase.CLEANING_UP;
    }
  }
}
