package dev.hangar.workflows.host;

/**
 * Room reserved for one VM on one host.
 *
 * @param hostId the host that has the room
 * @param taskQueue that host's own task queue, where every later activity of the attempt runs
 * @param templatePresent whether the template, at its tag, was already on the host when it granted
 *     the claim, so the workflow need not ask it to ensure the template first. {@code false} when
 *     the host could not tell, and in claims of hosts (and histories) from before hosts looked:
 *     their JSON has no such field
 */
public record Claim(String hostId, String taskQueue, boolean templatePresent) {

  /** A claim whose host did not look for the template. */
  public Claim(String hostId, String taskQueue) {
    this(hostId, taskQueue, false);
  }
}
