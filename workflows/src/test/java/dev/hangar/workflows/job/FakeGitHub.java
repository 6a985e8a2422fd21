package dev.hangar.workflows.job;

import dev.hangar.workflows.github.GitHubActivities;
import dev.hangar.workflows.github.RunRef;
import dev.hangar.workflows.github.RunnerRef;
import dev.hangar.workflows.github.RunnerRegistration;
import dev.hangar.workflows.github.RunnerRemoval;
import dev.hangar.workflows.github.RunnerRequest;
import dev.hangar.workflows.github.SealedSecret;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/** Records every GitHub call a job makes; runners removed while in {@link #busy} answer BUSY. */
final class FakeGitHub implements GitHubActivities {

  final List<String> registered = new CopyOnWriteArrayList<>();
  final List<String> removed = new CopyOnWriteArrayList<>();
  final List<Long> cancelledRuns = new CopyOnWriteArrayList<>();
  final Set<String> busy = ConcurrentHashMap.newKeySet();
  private final AtomicLong ids = new AtomicLong(100);

  @Override
  public RunnerRegistration registerRunner(RunnerRequest request) {
    registered.add(request.runnerName());
    RunnerRef ref =
        new RunnerRef(request.owner(), request.repo(), request.installationId(), ids.incrementAndGet(), request.runnerName());
    return new RunnerRegistration(ref, new SealedSecret("test", "sealed-" + request.runnerName()));
  }

  @Override
  public RunnerRemoval removeRunner(RunnerRef runner) {
    if (busy.contains(runner.runnerName())) {
      return RunnerRemoval.BUSY;
    }
    removed.add(runner.runnerName());
    return RunnerRemoval.REMOVED;
  }

  @Override
  public void cancelRun(RunRef run) {
    cancelledRuns.add(run.runId());
  }

  int calls() {
    return registered.size() + removed.size() + cancelledRuns.size();
  }
}
