package dev.hangar.activities.reconcile;

import dev.hangar.activities.dispatch.JobSignals;
import dev.hangar.activities.github.ActionsJobsClient;
import dev.hangar.activities.github.ActionsJobsClient.ActionsJob;
import dev.hangar.activities.github.ActionsJobsClient.Page;
import dev.hangar.activities.github.RateLimitInfo;
import dev.hangar.workflows.HangarSearchAttributes;
import dev.hangar.workflows.Names;
import dev.hangar.workflows.job.JobEvent;
import dev.hangar.workflows.job.JobRequest;
import dev.hangar.workflows.job.JobWorkflow;
import dev.hangar.workflows.reconcile.Delivered;
import dev.hangar.workflows.reconcile.GitHubJob;
import dev.hangar.workflows.reconcile.GitHubJobs;
import dev.hangar.workflows.reconcile.OpenJob;
import dev.hangar.workflows.reconcile.ReconcileActivities;
import dev.hangar.workflows.reconcile.ReconcileRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionMetadata;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.IntFunction;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reconciler's GitHub and Temporal work, on the orchestrator (it holds the GitHub credentials).
 * Listings follow nomadtools' algorithm and count every call against the pass's cap; repairs go
 * through {@link JobSignals}, the gateway's own hand-over.
 */
public final class ReconcileActivitiesImpl implements ReconcileActivities {

  private static final Logger LOG = LoggerFactory.getLogger(ReconcileActivitiesImpl.class);

  /** The run statuses whose jobs may be queued or in progress. */
  private static final List<String> RUN_STATUSES = List.of("queued", "in_progress");

  /** The most open job workflows one pass looks at, which keeps a pass's history small. */
  static final int MAX_OPEN_WORKFLOWS = 2000;

  static final String OPEN_JOBS_QUERY =
      "WorkflowType = '" + JobWorkflow.TYPE + "' AND ExecutionStatus = 'Running'";

  private final ActionsJobsClient github;
  private final Supplier<Optional<RateLimitInfo>> rateLimit;
  private final WorkflowClient temporal;
  private final JobSignals signals;
  private final Predicate<List<String>> ours;

  /**
   * @param github GitHub's Actions listings
   * @param rateLimit the rate limit GitHub last reported
   * @param temporal the client for the visibility query
   * @param signals how events reach job workflows
   * @param ours whether a job's labels are for one of Hangar's pools; others are not started
   */
  public ReconcileActivitiesImpl(
      ActionsJobsClient github,
      Supplier<Optional<RateLimitInfo>> rateLimit,
      WorkflowClient temporal,
      JobSignals signals,
      Predicate<List<String>> ours) {
    this.github = github;
    this.rateLimit = rateLimit;
    this.temporal = temporal;
    this.signals = signals;
    this.ours = ours;
  }

  @Override
  public GitHubJobs listActiveJobs(ReconcileRequest request, int maxCalls) {
    CallBudget budget = new CallBudget(maxCalls, request.rateLimitReserve(), rateLimit);
    List<GitHubJob> jobs = new ArrayList<>();
    List<String> complete = new ArrayList<>();
    for (String fullName : repositories(request, budget)) {
      String[] parts = fullName.split("/", 2);
      if (listRepository(parts[0], parts[1], budget, jobs)) {
        complete.add(fullName);
      }
    }
    LOG.debug("listed {} active jobs of {} repositories in {} calls{}", jobs.size(), complete.size(),
        budget.used(), budget.refused() ? " (stopped at the cap or the rate-limit reserve)" : "");
    return new GitHubJobs(jobs, complete, budget.used(), budget.refused());
  }

  @Override
  public List<OpenJob> listOpenJobWorkflows() {
    return temporal.listExecutions(OPEN_JOBS_QUERY)
        .sorted(Comparator.comparing(WorkflowExecutionMetadata::getStartTime))
        .limit(MAX_OPEN_WORKFLOWS)
        .flatMap(w -> Names.jobOfWorkflow(w.getExecution().getWorkflowId())
            .map(id -> new OpenJob(id,
                w.getTypedSearchAttributes().get(HangarSearchAttributes.REPO),
                w.getTypedSearchAttributes().get(HangarSearchAttributes.PHASE)))
            .stream())
        .toList();
  }

  @Override
  public GitHubJobs lookUpJobs(List<OpenJob> jobs, int rateLimitReserve, int maxCalls) {
    CallBudget budget = new CallBudget(maxCalls, rateLimitReserve, rateLimit);
    List<GitHubJob> found = new ArrayList<>();
    for (OpenJob job : jobs) {
      if (!budget.take()) {
        break;
      }
      String[] parts = job.repo().split("/", 2);
      github.job(parts[0], parts[1], job.jobId())
          .flatMap(j -> gitHubJob(parts[0], parts[1], j))
          .ifPresent(found::add);
    }
    return new GitHubJobs(found, List.of(), budget.used(), budget.refused());
  }

  @Override
  public Delivered deliver(List<GitHubJob> jobs, String source) {
    int closed = 0;
    for (GitHubJob job : jobs) {
      JobSignals.Handover handover = signals.signalWithStart(job.request(), job.event(source));
      if (handover.closed()) {
        closed++;
      }
      LOG.info("reconciler: job {} is {} on GitHub; {} {}", job.jobId(), job.action(),
          handover.closed() ? "nothing to do, it has finished:" : "handed to", handover.workflowId());
    }
    return new Delivered(jobs.size() - closed, closed);
  }

  /** The configured repositories, then every repository of each configured organisation. */
  private Set<String> repositories(ReconcileRequest request, CallBudget budget) {
    Set<String> out = new LinkedHashSet<>(request.repositories());
    for (String org : request.organizations()) {
      if (!eachPage(budget, page -> github.orgRepositories(org, page),
          names -> names.forEach(name -> out.add(org + "/" + name)))) {
        break;
      }
    }
    return out;
  }

  /**
   * Adds the repository's queued and in-progress jobs of Hangar's pools; true if every page was
   * listed.
   */
  private boolean listRepository(String owner, String repo, CallBudget budget, List<GitHubJob> into) {
    Set<Long> runIds = new LinkedHashSet<>();
    for (String status : RUN_STATUSES) {
      if (!eachPage(budget, page -> github.runIds(owner, repo, status, page), runIds::addAll)) {
        return false;
      }
    }
    for (long runId : runIds) {
      boolean listed = eachPage(budget, page -> github.jobsOfRun(owner, repo, runId, page),
          jobs -> jobs.stream()
              .filter(job -> RUN_STATUSES.contains(job.status()))
              .forEach(job -> gitHubJob(owner, repo, job).ifPresent(into::add)));
      if (!listed) {
        return false;
      }
    }
    return true;
  }

  /** Hands each page of a listing to {@code into}, one call a page; false if the budget ran out first. */
  private static <T> boolean eachPage(CallBudget budget, IntFunction<Page<T>> fetch, Consumer<List<T>> into) {
    int page = 1;
    Page<T> current;
    do {
      if (!budget.take()) {
        return false;
      }
      current = fetch.apply(page++);
      into.accept(current.items());
    } while (current.hasNext());
    return true;
  }

  /** The job as the reconciler passes it on, if it is for one of Hangar's pools and in a known state. */
  private Optional<GitHubJob> gitHubJob(String owner, String repo, ActionsJob job) {
    JobEvent.Action action = JobEvent.Action.fromWire(job.status());
    if (action == null || action == JobEvent.Action.WAITING || !ours.test(job.labels())) {
      return Optional.empty();
    }
    JobRequest request = new JobRequest(
        job.id(), job.runId(), job.runAttempt(), owner, repo, job.labels(), job.htmlUrl(), null);
    return Optional.of(new GitHubJob(request, action, job.runnerName(), job.runnerId(), job.conclusion(),
        switch (action) {
          case IN_PROGRESS -> job.startedAt();
          case COMPLETED -> job.completedAt();
          default -> job.createdAt();
        }));
  }
}
