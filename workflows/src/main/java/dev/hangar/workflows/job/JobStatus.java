package dev.hangar.workflows.job;

import java.time.Instant;
import java.util.List;

/**
 * A job's state, as the {@code status} query returns it.
 *
 * @param jobId the GitHub job id
 * @param phase where the job is
 * @param attempt the number of VMs created for it so far
 * @param host the host of the newest VM, or {@code null}
 * @param vmName the newest VM's name, or {@code null}
 * @param runnerName the runner GitHub started the job on (ours or another), or {@code null}
 * @param conclusion GitHub's conclusion once completed, or {@code null}
 * @param createdAt when the workflow started
 * @param startedAt when GitHub started the job, or {@code null}
 * @param completedAt when GitHub completed the job, or {@code null}
 * @param vms every VM the job created, oldest first
 */
public record JobStatus(
    long jobId,
    Phase phase,
    int attempt,
    String host,
    String vmName,
    String runnerName,
    String conclusion,
    Instant createdAt,
    Instant startedAt,
    Instant completedAt,
    List<VmStatus> vms) {

  /**
   * One VM of the job.
   *
   * @param vmName its name, also its runner's name
   * @param host its host, once claimed
   * @param state where it is in its life
   * @param servedJobId the job its runner took, which may be another workflow's, or {@code null}
   * @param detail how it ended, once ended
   */
  public record VmStatus(String vmName, String host, String state, Long servedJobId, String detail) {}
}
