package dev.hangar.workflows.reconcile;

import java.util.List;

/**
 * What a listing found, and what it cost.
 *
 * @param jobs the jobs found
 * @param complete the repositories ({@code owner/name}) whose queued and in-progress jobs were all
 *     listed; a job workflow of any other repository cannot be judged by its absence
 * @param calls GitHub API calls made
 * @param capReached whether the listing stopped at its call cap (or the rate-limit reserve) before
 *     it was done
 */
public record GitHubJobs(List<GitHubJob> jobs, List<String> complete, int calls, boolean capReached) {

  public GitHubJobs {
    jobs = List.copyOf(jobs);
    complete = List.copyOf(complete);
  }
}
