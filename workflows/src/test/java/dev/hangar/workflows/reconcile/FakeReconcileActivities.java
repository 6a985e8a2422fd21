package dev.hangar.workflows.reconcile;

import dev.hangar.workflows.job.JobEvent;
import dev.hangar.workflows.job.JobRequest;
import io.temporal.activity.Activity;
import io.temporal.failure.ApplicationFailure;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * GitHub and Temporal as a pass sees them, set up by the test: the jobs GitHub lists, the open job
 * workflows, the jobs a look-up finds; and what the pass asked for, recorded.
 */
final class FakeReconcileActivities implements ReconcileActivities {

  static final String REPO = "octo-org/app";

  final List<GitHubJob> listed = new ArrayList<>();
  final List<String> completeRepos = new ArrayList<>(List.of(REPO));
  int listingCalls = 2;
  boolean listingCapReached;
  final List<OpenJob> open = new ArrayList<>();
  final Map<Long, GitHubJob> byId = new HashMap<>();

  /**
   * The listing never answers (a GitHub that hangs): it completes "asynchronously", never, so that
   * no worker thread is held while the activity times out.
   */
  boolean hangListing;
  /** When set, the listing fails with it. */
  ApplicationFailure listingFailure;

  final AtomicInteger listings = new AtomicInteger();
  final List<Integer> listingCaps = new CopyOnWriteArrayList<>();
  final List<List<Long>> lookUps = new CopyOnWriteArrayList<>();
  final List<Integer> lookUpCaps = new CopyOnWriteArrayList<>();
  final List<JobEvent> delivered = new CopyOnWriteArrayList<>();

  static GitHubJob job(long id, JobEvent.Action action, String runnerName, String conclusion) {
    JobRequest request = new JobRequest(id, id * 10, 1, "octo-org", "app", List.of("self-hosted", "macos"),
        "https://github.com/octo-org/app/actions/runs/" + id * 10 + "/job/" + id, null);
    return new GitHubJob(request, action, runnerName, runnerName == null ? null : 7L, conclusion,
        Instant.parse("2026-01-01T00:00:00Z"));
  }

  @Override
  public GitHubJobs listActiveJobs(ReconcileRequest request, int maxCalls) {
    listings.incrementAndGet();
    listingCaps.add(maxCalls);
    if (listingFailure != null) {
      throw listingFailure;
    }
    if (hangListing) {
      Activity.getExecutionContext().doNotCompleteOnReturn();
      return null;
    }
    return new GitHubJobs(listed, completeRepos, listingCalls, listingCapReached);
  }

  @Override
  public List<OpenJob> listOpenJobWorkflows() {
    return List.copyOf(open);
  }

  @Override
  public GitHubJobs lookUpJobs(List<OpenJob> jobs, int rateLimitReserve, int maxCalls) {
    lookUps.add(jobs.stream().map(OpenJob::jobId).toList());
    lookUpCaps.add(maxCalls);
    List<GitHubJob> found = new ArrayList<>();
    for (OpenJob job : jobs.subList(0, Math.min(maxCalls, jobs.size()))) {
      GitHubJob j = byId.get(job.jobId());
      if (j != null) {
        found.add(j);
      }
    }
    return new GitHubJobs(found, List.of(), Math.min(maxCalls, jobs.size()), maxCalls < jobs.size());
  }

  @Override
  public Delivered deliver(List<GitHubJob> jobs, String source) {
    jobs.forEach(j -> delivered.add(j.event(source)));
    return new Delivered(jobs.size(), 0);
  }
}
