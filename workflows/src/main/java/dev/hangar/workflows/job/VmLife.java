package dev.hangar.workflows.job;

import dev.hangar.workflows.github.GitHubActivities;
import dev.hangar.workflows.github.RunnerRef;
import dev.hangar.workflows.github.RunnerRegistration;
import dev.hangar.workflows.github.RunnerRemoval;
import dev.hangar.workflows.github.RunnerRequest;
import dev.hangar.workflows.host.Claim;
import dev.hangar.workflows.host.ClaimRequest;
import dev.hangar.workflows.host.HostActivities;
import dev.hangar.workflows.host.VmCheck;
import dev.hangar.workflows.routing.TrustPolicy;
import dev.hangar.workflows.template.TemplateRef;
import dev.hangar.workflows.Failures;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.failure.TimeoutFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.CancellationScope;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import org.slf4j.Logger;

/**
 * The life of one VM a job creates: claim a host, prepare the VM, register a single-use runner in
 * it, wait for GitHub to give that runner a job, wait for that job to end, then delete the VM. The
 * job its runner takes may be another workflow's (see docs/architecture.md); the VM belongs to this
 * workflow either way, and this workflow deletes it.
 */
final class VmLife {

  /** Where a VM is in its life. */
  enum State {
    CLAIMING,
    PREPARING,
    REGISTERING,
    IDLE,
    BUSY,
    RETIRING,
    RETIRED
  }

  private static final Logger log = Workflow.getLogger(VmLife.class);

  /**
   * Workflow.getVersion change id: from version 1 on, a claim whose host already has the template
   * goes straight to the VM start, without the ensureTemplate round trip.
   */
  static final String TEMPLATE_CHECKED_AT_CLAIM = "template-checked-at-claim";

  /**
   * Workflow.getVersion change id: from version 1 on, the runner's JIT configuration is requested
   * from GitHub while the VM starts, not after.
   */
  static final String JIT_WHILE_VM_STARTS = "jit-config-while-vm-starts";

  private final JobRequest job;
  private final JobPolicy policy;
  private final JobActivities activities;
  private final GitHubActivities github;
  private final JobMetrics metrics;
  private final String vmName;
  private final TrustPolicy trust;

  private State state = State.CLAIMING;
  private Claim claim;
  private RunnerRef runner;
  private boolean runnerGone;
  private Long servedJobId;
  /** Whether the job this VM's runner took is known to be one Hangar serves too (a swap). */
  private boolean servedHangarJob;
  private boolean servedJobDone;
  private boolean releaseRequested;
  private boolean noHostInTime;
  private boolean templateMissing;
  private String detail;
  private CancellationScope claimScope;
  private String templateId;
  /** Workflow time when the claim was put on the placement queue, or 0 before. */
  private long claimRequestedMillis;
  /** How long the claim waited for a host, or -1 while it waits (or never was granted). */
  private long claimWaitMillis = -1;
  /** How long making sure the template was on the host took (0 when the claim found it there). */
  private long pullMillis;
  /** Workflow time when the host reported the VM started, or 0 before. */
  private long vmStartedMillis;
  /** Workflow time when the runner's registration began, or 0 before. */
  private long registrationStartedMillis;
  /** The JIT registration requested while the VM starts; null before, and in older histories. */
  private Promise<RunnerRegistration> registration;

  VmLife(
      JobRequest job,
      JobPolicy policy,
      JobActivities activities,
      GitHubActivities github,
      JobMetrics metrics,
      String vmName,
      TrustPolicy trust) {
    this.job = job;
    this.trust = trust;
    this.policy = policy;
    this.activities = activities;
    this.github = github;
    this.metrics = metrics;
    this.vmName = vmName;
  }

  /** Runs the whole life; every path ends with the VM deleted and the runner gone. */
  void live(TemplateRef template) {
    templateId = template.id();
    try {
      if (!claimHost(template)) {
        return;
      }
      HostActivities host = activities.host(claim.taskQueue());
      state = State.PREPARING;
      boolean checkedAtClaim =
          Workflow.getVersion(TEMPLATE_CHECKED_AT_CLAIM, Workflow.DEFAULT_VERSION, 1) == 1;
      if (!checkedAtClaim || !claim.templatePresent()) {
        long pullIssued = Workflow.currentTimeMillis();
        activities.pull(claim.taskQueue()).ensureTemplate(template);
        pullMillis = Workflow.currentTimeMillis() - pullIssued;
      }
      if (Workflow.getVersion(JIT_WHILE_VM_STARTS, Workflow.DEFAULT_VERSION, 1) == 1) {
        requestRegistration();
      }
      metrics.vmStartIssued(templateId);
      long startIssued = Workflow.currentTimeMillis();
      host.startVm(vmName, template);
      vmStartedMillis = Workflow.currentTimeMillis();
      metrics.vmStarted(templateId, startIssued);
      if (releaseRequested) {
        return;
      }
      state = State.REGISTERING;
      registerRunner(host);
      state = State.IDLE;
      Workflow.await(policy.registrationTimeout(), () -> servedJobId != null || releaseRequested);
      if (servedJobId == null) {
        retireIdleRunner();
      }
      if (servedJobId != null) {
        state = State.BUSY;
        awaitServedJob(host);
      }
    } catch (ActivityFailure e) {
      templateMissing = isTemplateNotFound(e);
      detail = "failed on " + hostId() + ": " + rootMessage(e);
      log.warn("VM {} of job {} failed: {}", vmName, job.jobId(), detail);
    } catch (CanceledFailure e) {
      detail = "cancelled";
      throw e;
    } finally {
      awaitRequestedRegistration();
      cleanUp();
    }
  }

  /** Claims room on a host; false if no host had room in time or the VM is no longer wanted. */
  private boolean claimHost(TemplateRef template) {
    ClaimRequest request = new ClaimRequest(Workflow.getInfo().getWorkflowId(), vmName, template);
    Claim[] result = new Claim[1];
    claimRequestedMillis = Workflow.currentTimeMillis();
    claimScope =
        Workflow.newCancellationScope(() -> result[0] = activities.placement(template).claimHost(request));
    try {
      claimScope.run();
    } catch (ActivityFailure e) {
      if (e.getCause() instanceof TimeoutFailure) {
        metrics.placementWaited(template.sizeClass(), "no_host", claimRequestedMillis);
        noHostInTime = true;
        detail = "no host had room for " + template.sizeClass() + " within " + policy.maxPlacementWait();
        return false;
      }
      if (releaseRequested && e.getCause() instanceof CanceledFailure) {
        detail = "released before a host was claimed";
        return false;
      }
      throw e;
    } catch (CanceledFailure e) {
      if (releaseRequested) {
        detail = "released before a host was claimed";
        return false;
      }
      throw e;
    }
    claim = result[0];
    claimWaitMillis = Workflow.currentTimeMillis() - claimRequestedMillis;
    metrics.placementWaited(template.sizeClass(), "claimed", claimRequestedMillis);
    return !releaseRequested;
  }

  /**
   * Starts the runner in the VM with its JIT configuration: the one requested while the VM started,
   * or, in older histories, one requested now.
   */
  private void registerRunner(HostActivities host) {
    // Registration is not cancellable: once GitHub has a runner for us, we must learn its id to
    // remove it, even if the job is being cancelled at that moment.
    registrationStartedMillis = Workflow.currentTimeMillis();
    Workflow.newDetachedCancellationScope(
            () -> {
              RunnerRegistration registered =
                  registration != null ? registration.get() : github.registerRunner(runnerRequest());
              runner = registered.runner();
              host.startRunner(vmName, registered.jitConfig(), trust);
            })
        .run();
  }

  /**
   * Asks GitHub for the runner's JIT configuration without waiting for it, so the call overlaps
   * the VM start. Like every registration it is not cancellable once sent (detached scope).
   */
  private void requestRegistration() {
    Workflow.newDetachedCancellationScope(
            () -> registration = Async.function(github::registerRunner, runnerRequest()))
        .run();
  }

  /**
   * Before cleanup: if the VM life ends (the VM failed to start, the job was cancelled, the VM was
   * released) while a registration requested during the VM start is still out, waits for it, so
   * the runner GitHub made is known and removed. Cancellation cannot reach the wait.
   */
  private void awaitRequestedRegistration() {
    if (registration == null || runner != null) {
      return;
    }
    Workflow.newDetachedCancellationScope(
            () -> {
              try {
                runner = registration.get().runner();
              } catch (ActivityFailure e) {
                log.warn("could not register runner {}: {}", vmName, rootMessage(e));
              }
            })
        .run();
  }

  private RunnerRequest runnerRequest() {
    return new RunnerRequest(job.owner(), job.repo(), job.installationId(), vmName, job.labels());
  }

  /**
   * Waits for the job the runner took to complete, looking at the VM every check interval so a
   * runner that exited or a host that is gone is noticed even if GitHub's event never comes.
   */
  private void awaitServedJob(HostActivities host) {
    long deadline = Workflow.currentTimeMillis() + policy.maxJobDuration().toMillis();
    while (!servedJobDone) {
      long left = deadline - Workflow.currentTimeMillis();
      if (left <= 0) {
        detail = "job " + servedJobId + " ran past the maximum job duration";
        return;
      }
      Duration wait = policy.vmCheckInterval().compareTo(Duration.ofMillis(left)) < 0
          ? policy.vmCheckInterval()
          : Duration.ofMillis(left);
      if (Workflow.await(wait, () -> servedJobDone)) {
        break;
      }
      VmCheck check = host.checkVm(vmName);
      if (!check.state().alive()) {
        if (check.state() == VmCheck.State.RUNNER_FINISHED) {
          runnerGone = true;
        }
        detail = check.state() + ": " + check.detail();
        return;
      }
    }
    detail = "served job " + servedJobId;
  }

  /**
   * Removes the idle runner first, so GitHub cannot give it a job while its VM goes away. If GitHub
   * refuses because the runner just took a job, the VM is busy after all and lives on.
   */
  private void retireIdleRunner() {
    RunnerRemoval removal = github.removeRunner(runner);
    if (removal == RunnerRemoval.BUSY) {
      log.info("runner {} took a job while being retired; keeping its VM", vmName);
      Workflow.await(Duration.ofMinutes(5), () -> servedJobId != null);
      if (servedJobId == null) {
        servedJobId = 0L;
      }
      return;
    }
    runnerGone = true;
    detail =
        releaseRequested
            ? "released: the job no longer needs it"
            : "GitHub gave the runner no job within " + policy.registrationTimeout();
  }

  private void cleanUp() {
    state = State.RETIRING;
    Workflow.newDetachedCancellationScope(
            () -> {
              if (claim != null) {
                try {
                  activities.host(claim.taskQueue()).deleteVm(vmName);
                } catch (ActivityFailure e) {
                  log.warn(
                      "could not delete VM {} on {}: {}; the host's orphan sweep removes it",
                      vmName,
                      claim.hostId(),
                      rootMessage(e));
                }
              }
              if (runner != null && !runnerGone && !servedJobDone) {
                try {
                  github.removeRunner(runner);
                } catch (ActivityFailure e) {
                  log.warn("could not remove runner {}: {}", vmName, rootMessage(e));
                }
              }
            })
        .run();
    state = State.RETIRED;
  }

  /**
   * Events about the job this VM's runner took, wherever that job belongs. A {@code completed}
   * event for that job means the runner ran its one job and GitHub removed it (runners are
   * ephemeral), so no removal is asked for.
   */
  void onRunnerEvent(JobEvent event) {
    switch (event.action()) {
      case IN_PROGRESS:
        if (servedJobId == null && registrationStartedMillis > 0) {
          metrics.runnerTookJob(templateId, registrationStartedMillis);
        }
        takeServedJob(event);
        break;
      case COMPLETED:
        takeServedJob(event);
        if (servedJobId == event.jobId()) {
          servedJobDone = true;
          runnerGone = true;
        }
        break;
      default:
        break;
    }
  }

  private void takeServedJob(JobEvent event) {
    if (servedJobId == null || servedJobId == 0L) {
      servedJobId = event.jobId();
      servedHangarJob = event.knownHangarJob();
    }
  }

  /** Asks the VM to go away if its runner has not taken a job. */
  void release() {
    if (servedJobId != null || state == State.RETIRING || state == State.RETIRED) {
      return;
    }
    releaseRequested = true;
    if (state == State.CLAIMING && claimScope != null) {
      claimScope.cancel();
    }
  }

  /** Withdraws a claim still waiting for a host: the job no longer needs a new VM. */
  void releaseIfUnclaimed() {
    if (state == State.CLAIMING) {
      release();
    }
  }

  /** Whether this VM can still serve the workflow's own job. */
  boolean availableForOwnJob() {
    return servedJobId == null && state != State.RETIRING && state != State.RETIRED;
  }

  /**
   * Whether this VM's runner took another job that Hangar serves too: that job's own VM, claimed
   * or coming, is then free for this workflow's job.
   */
  boolean tookAnotherHangarJob() {
    return servedHangarJob && servedJobId != null && servedJobId != job.jobId();
  }

  /**
   * How long this VM's claim waited for a host: until granted, or so far while it still waits; 0
   * before the claim is made. The job's view of how deep the placement queue's backlog is.
   */
  long placementWaitMillis() {
    if (claimWaitMillis >= 0) {
      return claimWaitMillis;
    }
    if (state == State.CLAIMING && claimRequestedMillis > 0) {
      return Workflow.currentTimeMillis() - claimRequestedMillis;
    }
    return 0;
  }

  /**
   * How long this VM took from its claim to a started VM, leaving out a finished template pull:
   * until started, or so far while it is claimed or being prepared (a pull still running counts);
   * for a VM that never started, what its claim waited. The job's view of how far behind the
   * whole line of VM starts is, the placement queue and the workflow steps and host calls after
   * it alike.
   */
  long vmStartWaitMillis() {
    if (vmStartedMillis > 0) {
      return vmStartedMillis - claimRequestedMillis - pullMillis;
    }
    if ((state == State.CLAIMING || state == State.PREPARING) && claimRequestedMillis > 0) {
      return Workflow.currentTimeMillis() - claimRequestedMillis - pullMillis;
    }
    return placementWaitMillis();
  }

  boolean noHostInTime() {
    return noHostInTime;
  }

  /** Whether the host said the template exists in no registry: no other attempt can do better. */
  boolean templateMissing() {
    return templateMissing;
  }

  private static boolean isTemplateNotFound(ActivityFailure e) {
    return e.getCause() instanceof ApplicationFailure app
        && Failures.TEMPLATE_NOT_FOUND.equals(app.getType());
  }

  String vmName() {
    return vmName;
  }

  String hostId() {
    return claim == null ? null : claim.hostId();
  }

  State state() {
    return state;
  }

  Long servedJobId() {
    return servedJobId;
  }

  String detail() {
    return detail;
  }

  private static String rootMessage(Throwable t) {
    Throwable c = t;
    while (c.getCause() != null) {
      c = c.getCause();
    }
    return c.getMessage();
  }
}
