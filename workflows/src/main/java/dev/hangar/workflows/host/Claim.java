package dev.hangar.workflows.host;

/**
 * Room reserved for one VM on one host.
 *
 * @param hostId the host that has the room
 * @param taskQueue that host's own task queue, where every later activity of the attempt runs
 */
public record Claim(String hostId, String taskQueue) {}
