package dev.hangar.workflows;

/**
 * Every task queue name Hangar uses, in one place.
 *
 * <ul>
 *   <li>{@link #ORCHESTRATOR}: job workflows, routing and GitHub activities. Only processes that
 *       hold GitHub credentials (the webhook gateway) poll it.
 *   <li>{@link #placement(String)}: one queue per template size class. A host polls it only while
 *       it has room for a VM of that class, so a claim never has to scan or skip anything.
 *   <li>{@link #host(String)}: the VM work of one Mac. Once a host has claimed an attempt, every
 *       later activity of that attempt runs there.
 * </ul>
 */
public final class TaskQueues {

  /** Job workflows, template routing and every GitHub call. */
  public static final String ORCHESTRATOR = "hangar-orchestrator";

  private static final String PLACEMENT_PREFIX = "hangar-placement-";
  private static final String HOST_PREFIX = "hangar-host-";

  private TaskQueues() {}

  /** The placement queue of a size class, for example {@code hangar-placement-c4-m8192}. */
  public static String placement(String sizeClass) {
    return PLACEMENT_PREFIX + sizeClass;
  }

  /** The queue of one host's VM activities. */
  public static String host(String hostId) {
    return HOST_PREFIX + hostId;
  }
}
