package dev.hangar.e2e;

import dev.hangar.emulator.GitHubEmulator;
import dev.hangar.emulator.JobInfo;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The runners of the simulated VMs, played in this process: as soon as a VM's runner process is up
 * (its {@code runner.pid} is written), reads the VM's {@code .jitconfig} and speaks the runner
 * protocol to the emulator as {@link dev.hangar.emulator.SimulatedRunner} does (claim until GitHub
 * hands out a job, run it for its plan, finish), without starting a JVM per VM, which on a small
 * machine would cost more than Hangar itself. The VM's own runner process is {@code sleep}.
 */
final class InProcessRunners implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(InProcessRunners.class);
  private static final long SCAN_MILLIS = 10;
  private static final long CLAIM_POLL_MILLIS = 50;

  private final GitHubEmulator github;
  private final List<Path> vmDirs;
  private final ScheduledExecutorService scanner = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "vm-scan"));
  private final ScheduledExecutorService runners = Executors.newScheduledThreadPool(2, r -> daemon(r, "runner"));
  private final Set<String> seen = ConcurrentHashMap.newKeySet();
  private final Map<Long, Instant> taken = new ConcurrentHashMap<>();
  private final Set<Long> finished = ConcurrentHashMap.newKeySet();

  InProcessRunners(GitHubEmulator github, Collection<Path> hostRoots) {
    this.github = github;
    this.vmDirs = hostRoots.stream().map(r -> r.resolve("vms")).toList();
  }

  InProcessRunners start() {
    scanner.scheduleWithFixedDelay(this::scan, 0, SCAN_MILLIS, TimeUnit.MILLISECONDS);
    return this;
  }

  /** When a runner took each job (GitHub's {@code in_progress}), by job id. */
  Map<Long, Instant> taken() {
    return Map.copyOf(taken);
  }

  /** Whether the job was finished by one of these runners. */
  boolean finished(long jobId) {
    return finished.contains(jobId);
  }

  int finishedCount() {
    return finished.size();
  }

  private void scan() {
    for (Path vms : vmDirs) {
      if (!Files.isDirectory(vms)) {
        continue;
      }
      try (var list = Files.list(vms)) {
        list.filter(vm -> !vm.getFileName().toString().startsWith(".") && !seen.contains(vm.getFileName().toString()))
            .filter(vm -> Files.exists(vm.resolve("runner").resolve("runner.pid")))
            .forEach(this::connect);
      } catch (IOException | UncheckedIOException e) {
        // a VM was deleted while listed; the next scan sees the truth
      }
    }
  }

  private void connect(Path vm) {
    String name = vm.getFileName().toString();
    String jitConfig;
    try {
      jitConfig = Files.readString(vm.resolve("runner").resolve(".jitconfig"), StandardCharsets.UTF_8).trim();
    } catch (IOException e) {
      return; // deleted meanwhile, or not readable yet: the next scan tries again
    }
    if (seen.add(name)) {
      runners.execute(() -> claim(name, jitConfig));
    }
  }

  private void claim(String vm, String jitConfig) {
    Optional<JobInfo> job;
    try {
      job = github.claim(jitConfig);
    } catch (IllegalArgumentException e) {
      log.debug("runner of {} was removed before it got a job", vm);
      return;
    }
    if (job.isEmpty()) {
      runners.schedule(() -> claim(vm, jitConfig), CLAIM_POLL_MILLIS, TimeUnit.MILLISECONDS);
      return;
    }
    JobInfo info = job.get();
    taken.putIfAbsent(info.id(), Instant.now());
    runners.schedule(() -> {
      github.finish(jitConfig, info.plan().conclusion());
      finished.add(info.id());
    }, info.plan().duration().toMillis(), TimeUnit.MILLISECONDS);
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  @Override
  public void close() {
    scanner.shutdownNow();
    runners.shutdownNow();
  }
}
