package dev.hangar.workflows.job;

import dev.hangar.workflows.TaskQueues;
import dev.hangar.workflows.host.Claim;
import dev.hangar.workflows.host.ClaimRequest;
import dev.hangar.workflows.host.PlacementActivities;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;

/** Claims for a default host, or for the hosts a test queued up (for example a host about to die). */
final class FakePlacement implements PlacementActivities {

  final List<String> claims = new CopyOnWriteArrayList<>();
  final Deque<String> nextHosts = new ConcurrentLinkedDeque<>();
  /** Runs before each claim; a test makes it throw to play a fleet with no room. */
  volatile java.util.function.Consumer<ClaimRequest> beforeClaim = request -> {};
  /** The template ids the hosts already have; a claim for one of them says so. */
  final java.util.Set<String> presentTemplates = java.util.concurrent.ConcurrentHashMap.newKeySet();
  private final String defaultHost;

  FakePlacement(String defaultHost) {
    this.defaultHost = defaultHost;
  }

  @Override
  public Claim claimHost(ClaimRequest request) {
    beforeClaim.accept(request);
    String host = nextHosts.isEmpty() ? defaultHost : nextHosts.poll();
    claims.add(request.vmName() + "@" + host);
    return new Claim(host, TaskQueues.host(host), presentTemplates.contains(request.template().id()));
  }
}
