package dev.hangar.e2e;

import dev.hangar.emulator.Endpoints;
import dev.hangar.emulator.JobInfo;
import dev.hangar.emulator.JobPlan;
import io.temporal.api.workflowservice.v1.ListWorkflowExecutionsRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scenarios, each against the same running stack: overhead at light load, sustained
 * throughput, and a burst. Each waits until its jobs' workflows have closed and every VM and runner
 * is gone before the next starts, so the GitHub calls counted belong to its own jobs.
 */
final class Scenarios {

  private static final Logger log = LoggerFactory.getLogger(Scenarios.class);
  private static final List<String> SMALL = List.of("self-hosted", HangarStack.POOL);
  private static final List<String> LARGE = List.of("self-hosted", "anka-template:" + HangarStack.LARGE_TEMPLATE);
  static final long OVERHEAD_P50_MS = 50;
  static final long OVERHEAD_P99_MS = 250;
  static final double THROUGHPUT_PER_MIN = 600;
  static final long RSS_MB = 300;
  /** The row of each scenario's processor time per job, by process ({@link CpuMeter}). */
  private static final String CPU_PER_JOB = "processor time per job until the last finished, by process";
  /** How long a scenario's workflows may take to close after its last job finished. */
  private static final Duration SETTLE = Duration.ofSeconds(60);

  private final HangarStack stack;
  private final InProcessRunners runners;
  private final BenchOptions options;
  private final Report report;

  Scenarios(HangarStack stack, InProcessRunners runners, BenchOptions options, Report report) {
    this.stack = stack;
    this.runners = runners;
    this.options = options;
    this.report = report;
  }

  /** Jobs that are not measured: the JVMs compile their hot paths first. */
  void warmUp(int jobs) throws Exception {
    List<Long> ids = create(jobs, false);
    awaitFinished(ids, Duration.ofMinutes(3));
    awaitSettled("warm-up", ids, SETTLE);
  }

  /** Jobs one after another at a steady, light rate: Hangar's own overhead per job. */
  void overhead() throws Exception {
    String scenario = "overhead (" + options.latencyJobs() + " jobs at " + options.latencyRate() + "/s)";
    stack.github.calls().clear();
    long gapNanos = (long) (1e9 / options.latencyRate());
    CpuMeter cpu = CpuMeter.start(stack);
    List<Long> ids = new ArrayList<>();
    long next = System.nanoTime();
    for (int i = 0; i < options.latencyJobs(); i++) {
      long wait = next - System.nanoTime();
      if (wait > 0) {
        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
      }
      ids.add(create(SMALL));
      next += gapNanos;
    }
    awaitFinished(ids, Duration.ofMinutes(5));
    CpuMeter.Reading used = cpu.read();
    String cpuPerJob = used.perJob(ids.size()) + "; " + used.busy();
    awaitSettled(scenario, ids, SETTLE);
    Timeline t = timeline();
    Stats issued = Stats.of(t.between(ids, t.accepted(), StepTimes.vmStartIssued(stack.client(), ids)));
    Stats runner = Stats.of(t.between(ids, t.accepted(), t.events().runnerStarted()));
    report.add(scenario, "webhook accepted → host claimed the job", Stats.of(t.between(ids, t.accepted(), t.events().claimed())).cell());
    report.add(scenario, "webhook accepted → VM start issued on its host", issued.cell(),
        "p50 ≤ " + OVERHEAD_P50_MS + ", p99 ≤ " + OVERHEAD_P99_MS + " ms", overheadMet(issued));
    report.add(scenario, "webhook accepted → VM started on its host",
        Stats.of(t.between(ids, t.accepted(), t.events().vmStarted())).cell());
    report.add(scenario, "webhook accepted → runner started in the VM", runner.cell(),
        "p50 ≤ " + OVERHEAD_P50_MS + ", p99 ≤ " + OVERHEAD_P99_MS + " ms", overheadMet(runner));
    report.add(scenario, "webhook accepted → runner took the job (GitHub in_progress)",
        Stats.of(t.between(ids, t.accepted(), runners.taken())).cell());
    vmsPerJob(scenario, ids, t);
    report.add(scenario, CPU_PER_JOB, cpuPerJob);
    List<String> sample = ids.stream().limit(20).map(dev.hangar.workflows.Names::workflowId).toList();
    report.add(scenario, "Temporal steps to the runner's start (median of " + sample.size() + " jobs)",
        StepTimes.of(stack.client(), sample).cell());
    List<Long> events = sample.stream().map(id -> stack.describe(id).getHistoryLength()).sorted().toList();
    report.add(scenario, "Temporal history events per job (median of " + events.size() + ")",
        Long.toString(events.get(events.size() / 2)));
    apiBudget(scenario, ids);
  }

  /** Keeps {@code inflight} jobs queued or running for the whole duration: jobs completed per minute. */
  void sustained() throws Exception {
    String scenario = "sustained (" + options.inflight() + " in flight, " + options.sustained().toSeconds() + " s)";
    stack.github.calls().clear();
    Duration warm = Duration.ofSeconds(Math.min(10, options.sustained().toSeconds() / 4));
    CpuMeter cpu = CpuMeter.start(stack);
    long start = System.nanoTime();
    long warmEnd = start + warm.toNanos();
    long end = start + options.sustained().toNanos();
    List<Long> ids = new ArrayList<>();
    int finishedAtWarm = -1;
    int done = 0;
    while (System.nanoTime() < end) {
      done = (int) ids.stream().filter(runners::finished).count();
      if (finishedAtWarm < 0 && System.nanoTime() >= warmEnd) {
        finishedAtWarm = done;
      }
      for (int open = ids.size() - done; open < options.inflight(); open++) {
        ids.add(create(ids.size() % 4 == 0 ? LARGE : SMALL));
      }
      Thread.sleep(10);
    }
    done = (int) ids.stream().filter(runners::finished).count();
    String busy = cpu.read().busy();
    double minutes = (options.sustained().toNanos() - warm.toNanos()) / 60e9;
    double perMinute = (done - Math.max(0, finishedAtWarm)) / minutes;
    awaitFinished(ids, Duration.ofMinutes(5));
    String cpuPerJob = cpu.read().perJob(ids.size()) + "; " + busy + " while jobs came";
    awaitSettled(scenario, ids, SETTLE);
    report.add(scenario, "jobs completed per minute (after " + warm.toSeconds() + " s warm-up)",
        String.format(java.util.Locale.ROOT, "%.0f", perMinute), "≥ " + (long) THROUGHPUT_PER_MIN,
        perMinute >= THROUGHPUT_PER_MIN);
    Timeline t = timeline();
    report.add(scenario, "webhook accepted → VM started, under this load",
        Stats.of(t.between(ids, t.accepted(), t.events().vmStarted())).cell());
    vmsPerJob(scenario, ids, t);
    report.add(scenario, CPU_PER_JOB, cpuPerJob);
    apiBudget(scenario, ids);
  }

  /**
   * {@code burst} jobs queued at once, one in four of the large template, over hosts with room for
   * all of them: how pickup holds as the queue deepens, what the gateway answers meanwhile, and the
   * processes' memory after.
   */
  void burst() throws Exception {
    String scenario = "burst (" + options.burst() + " jobs, " + options.hosts() + " hosts)";
    stack.github.calls().clear();
    int deliveriesBefore = stack.github.deliveries().size();
    CpuMeter cpu = CpuMeter.start(stack);
    List<Long> ids = create(options.burst(), true);
    awaitFinished(ids, Duration.ofMinutes(10));
    Instant finished = Instant.now();
    CpuMeter.Reading used = cpu.read();
    String cpuPerJob = used.perJob(ids.size()) + "; " + used.busy();
    awaitSettled(scenario, ids, SETTLE.multipliedBy(2));
    Timeline t = timeline();
    // Pickup is per job that a host claimed a VM for; a job that another job's runner took before
    // its own workflow reached placement needed no VM of its own and has no pickup.
    List<Long> byAcceptance = ids.stream().filter(t.accepted()::containsKey)
        .sorted(Comparator.comparing(t.accepted()::get)).toList();
    List<Long> claimedByAcceptance = byAcceptance.stream().filter(t.events().claimed()::containsKey).toList();
    int n = Math.min(10, claimedByAcceptance.size() / 2);
    Stats first = Stats.of(t.between(claimedByAcceptance.subList(0, n), t.accepted(), t.events().claimed()));
    Stats last = Stats.of(t.between(claimedByAcceptance.subList(claimedByAcceptance.size() - n, claimedByAcceptance.size()),
        t.accepted(), t.events().claimed()));
    Stats all = Stats.of(t.between(ids, t.accepted(), t.events().claimed()));
    report.add(scenario, "pickup (webhook accepted → host claimed), all jobs", all.cell());
    report.add(scenario, "pickup, first " + n + " accepted", first.cell());
    double ratio = first.p50() == 0 ? Double.POSITIVE_INFINITY : (double) last.p50() / first.p50();
    report.add(scenario, "pickup, last " + n + " accepted (p50 ratio to the first)",
        last.cell() + String.format(java.util.Locale.ROOT, "; ratio %.2f", ratio), "≤ 2×", ratio <= 2);
    report.add(scenario, "VMs started per job (jobs with no VM of their own)",
        String.format(java.util.Locale.ROOT, "%.2f (%d)", (double) t.events().vmsFor(ids) / ids.size(),
            ids.size() - claimedByAcceptance.size()));
    report.add(scenario, "deepest backlog (accepted, not yet claimed)", Long.toString(deepestBacklog(ids, t)) + " jobs");
    Instant firstAccepted = t.accepted().get(byAcceptance.get(0));
    Instant lastAccepted = t.accepted().get(byAcceptance.get(byAcceptance.size() - 1));
    report.add(scenario, "all webhooks accepted in", Duration.between(firstAccepted, lastAccepted).toMillis() + " ms");
    double minutes = Duration.between(firstAccepted, finished).toMillis() / 60_000.0;
    report.add(scenario, "first accepted → last job completed",
        String.format(java.util.Locale.ROOT, "%.1f s (%.0f jobs/min)", minutes * 60, ids.size() / minutes));
    report.add(scenario, CPU_PER_JOB, cpuPerJob);
    List<Answers.Answer> answers = Answers.of(stack.github.deliveries().subList(deliveriesBefore, stack.github.deliveries().size()));
    report.add(scenario, "gateway answer time, all deliveries of the burst",
        Stats.of(answers.stream().map(Answers.Answer::took).toList()).cell()
            + ", " + answers.stream().filter(a -> !a.accepted()).count() + " not 2xx");
    apiBudget(scenario, ids);
    memory(scenario);
    report.add(scenario, "gateway workflow tasks that missed the workflow cache (replayed a whole history), whole run",
        String.format(java.util.Locale.ROOT, "%.0f", Prometheus.sum(stack.gateway, "temporal_sticky_cache_miss_total")));
  }

  /**
   * {@code queued} jobs queued while no host runs, then every host started at once: how long one
   * pickup takes (the fleet's interval between two claims) while the placement queues are deep,
   * against the same at the end, when only a few jobs are left. A pickup that scans the queue, as
   * Anklet's does, takes longer the deeper the queue; a Temporal task queue hands out its oldest
   * task at any depth.
   */
  void queued() throws Exception {
    int jobs = options.queued();
    String scenario = "queued (" + jobs + " jobs waiting, then " + options.hosts() + " hosts start)";
    stack.github.calls().clear();
    for (AppProcess host : stack.hosts) {
      host.stop();
    }
    List<Long> ids = create(jobs, true);
    awaitWaitingForHost(ids.size(), Duration.ofMinutes(5));
    Instant starting = Instant.now();
    startHosts();
    Instant allUp = Instant.now();
    awaitFinished(ids, Duration.ofMinutes(10));
    awaitSettled(scenario, ids, SETTLE.multipliedBy(2));
    Timeline t = timeline();
    List<Instant> claims = ids.stream().map(t.events().claimed()::get).filter(java.util.Objects::nonNull).sorted().toList();
    int firstAfterAllUp = (int) claims.stream().filter(c -> c.isBefore(allUp)).count();
    int window = Math.min(10, (claims.size() - firstAfterAllUp) / 2 - 1);
    if (window < 2) {
      report.note(scenario + ": too few claims after every host was up to compare pickups.");
      return;
    }
    double deep = interval(claims, firstAfterAllUp, window);
    double shallow = interval(claims, claims.size() - 1 - window, window);
    report.add(scenario, "hosts started (all healthy in " + Duration.between(starting, allUp).toSeconds()
        + " s) → every job claimed", Duration.between(starting, claims.get(claims.size() - 1)).toMillis() + " ms, "
        + claims.size() + " claims");
    report.add(scenario, "pickup interval, last " + window + " claims (" + (window + 1) + " jobs waiting or fewer)",
        String.format(java.util.Locale.ROOT, "%.1f ms", shallow));
    // The target: a pickup with the queue deep costs at most twice one with it nearly empty.
    double ratio = shallow == 0 ? Double.POSITIVE_INFINITY : deep / shallow;
    report.add(scenario, "pickup interval (fleet, between two claims), " + window + " claims with "
        + (jobs - firstAfterAllUp) + " jobs waiting (ratio to the last claims' interval)",
        String.format(java.util.Locale.ROOT, "%.1f ms; ratio %.2f", deep, ratio), "≤ 2×", ratio <= 2);
    report.add(scenario, "VMs started per job", String.format(java.util.Locale.ROOT, "%.2f",
        (double) t.events().vmsFor(ids) / ids.size()));
    apiBudget(scenario, ids);
  }

  /** The mean time between claim {@code from} and each of the next {@code n}, in milliseconds. */
  private static double interval(List<Instant> claims, int from, int n) {
    return Duration.between(claims.get(from), claims.get(from + n)).toNanos() / 1e6 / n;
  }

  /** Until this many job workflows wait for a host, as their search attributes say. */
  private void awaitWaitingForHost(int jobs, Duration timeout) throws Exception {
    Await.until(jobs + " jobs waiting for a host", timeout, () -> stack.client().getWorkflowServiceStubs()
        .blockingStub().countWorkflowExecutions(io.temporal.api.workflowservice.v1.CountWorkflowExecutionsRequest
            .newBuilder().setNamespace("default")
            .setQuery("ExecutionStatus = 'Running' AND HangarPhase = 'WAITING_FOR_HOST'").build())
        .getCount() >= jobs);
  }

  /** Starts every host at once and waits until all are healthy. */
  private void startHosts() throws Exception {
    List<Thread> starting = new ArrayList<>();
    List<Exception> failed = new java.util.concurrent.CopyOnWriteArrayList<>();
    for (AppProcess host : stack.hosts) {
      Thread thread = new Thread(() -> {
        try {
          host.restart();
        } catch (Exception e) {
          failed.add(e);
        }
      }, "start-" + host.name());
      thread.start();
      starting.add(thread);
    }
    for (Thread thread : starting) {
      thread.join();
    }
    if (!failed.isEmpty()) {
      throw failed.get(0);
    }
  }

  private void memory(String scenario) throws java.io.IOException {
    Machine.Rss gateway = Machine.Rss.of(stack.gateway.pid());
    report.add(scenario, "gateway resident memory after (peak)", gateway.residentMb() + " MiB (" + gateway.peakMb()
        + " MiB = " + megabytes(gateway.peakMb()) + " MB)", "≤ " + RSS_MB + " MB", megabytes(gateway.peakMb()) <= RSS_MB);
    long worst = 0;
    long worstPeak = 0;
    for (AppProcess host : stack.hosts) {
      Machine.Rss rss = Machine.Rss.of(host.pid());
      worst = Math.max(worst, rss.residentMb());
      worstPeak = Math.max(worstPeak, rss.peakMb());
    }
    report.add(scenario, "worker-host resident memory after (peak), largest of " + stack.hosts.size(),
        worst + " MiB (" + worstPeak + " MiB = " + megabytes(worstPeak) + " MB)", "≤ " + RSS_MB + " MB",
        megabytes(worstPeak) <= RSS_MB);
  }

  /** The target is in megabytes (10⁶ bytes); /proc reports kibibytes. */
  private static long megabytes(long mebibytes) {
    return Math.round(mebibytes * 1.048576);
  }

  /** GitHub REST calls during the scenario per job that succeeded, and which endpoints. */
  private void apiBudget(String scenario, Collection<Long> ids) {
    long succeeded = ids.stream()
        .filter(id -> stack.github.job(id).map(j -> "success".equals(j.conclusion())).orElse(false)).count();
    int calls = stack.github.calls().total();
    double perJob = succeeded == 0 ? Double.NaN : (double) calls / succeeded;
    report.add(scenario, "GitHub API calls per successful job",
        String.format(java.util.Locale.ROOT, "%.3f (%d calls, %d of %d jobs succeeded; %s)", perJob, calls, succeeded,
            ids.size(), stack.github.calls().counts()),
        "exactly 1", calls == succeeded && calls == stack.github.calls().count(Endpoints.GENERATE_JITCONFIG));
  }

  private void vmsPerJob(String scenario, Collection<Long> ids, Timeline t) {
    report.add(scenario, "VMs started per job",
        String.format(java.util.Locale.ROOT, "%.2f", (double) t.events().vmsFor(ids) / ids.size()));
  }

  private static boolean overheadMet(Stats s) {
    return s.count() > 0 && s.p50() <= OVERHEAD_P50_MS && s.p99() <= OVERHEAD_P99_MS;
  }

  /** Most jobs that were accepted and not yet claimed by a host at any acceptance. */
  private static long deepestBacklog(List<Long> ids, Timeline t) {
    List<Instant> accepted = ids.stream().map(t.accepted()::get).filter(java.util.Objects::nonNull).sorted().toList();
    List<Instant> claimed = ids.stream().map(t.events().claimed()::get).filter(java.util.Objects::nonNull).sorted().toList();
    long deepest = 0;
    int c = 0;
    for (int a = 0; a < accepted.size(); a++) {
      while (c < claimed.size() && !claimed.get(c).isAfter(accepted.get(a))) {
        c++;
      }
      deepest = Math.max(deepest, a + 1 - c);
    }
    return deepest;
  }

  private List<Long> create(int jobs, boolean mixed) {
    List<Long> ids = new ArrayList<>();
    for (int i = 0; i < jobs; i++) {
      ids.add(create(mixed && i % 4 == 3 ? LARGE : SMALL));
    }
    return ids;
  }

  private long create(List<String> labels) {
    JobInfo job = stack.github.createJob(HangarStack.OWNER, HangarStack.REPO, labels,
        JobPlan.succeedsAfter(options.jobDuration()));
    return job.id();
  }

  private void awaitFinished(Collection<Long> ids, Duration timeout) throws Exception {
    Set<Long> open = new LinkedHashSet<>(ids);
    Await.until(ids.size() + " jobs finished by their runners", timeout, () -> {
      open.removeIf(runners::finished);
      return open.isEmpty();
    }, () -> " (" + open.size() + " still open, for example " + open.stream().limit(5).toList() + ")");
  }

  /**
   * Until none of these jobs' workflows runs and none of their VMs or runners is left. A scenario
   * that does not settle in time is noted in the report with the workflows still open, and the run
   * goes on (a workflow left from an earlier scenario does not hold up a later one).
   */
  private void awaitSettled(String scenario, Collection<Long> ids, Duration timeout) throws Exception {
    Set<String> workflows = new java.util.HashSet<>();
    ids.forEach(id -> workflows.add(dev.hangar.workflows.Names.workflowId(id)));
    Set<Long> jobs = Set.copyOf(ids);
    try {
      Await.until("every workflow closed, VM deleted and runner removed", timeout,
          () -> running(workflows).isEmpty() && leftOver(jobs) == 0);
      log.info("settled");
    } catch (AssertionError e) {
      List<String> open = running(workflows);
      String text = scenario + ": not settled " + timeout.toSeconds() + " s after its jobs finished: "
          + open.size() + " workflows still running " + open.stream().limit(10).toList() + ", " + leftOver(jobs)
          + " VMs or runners left. GitHub calls they make later are counted in the next scenario.";
      log.warn(text);
      report.note(text);
    }
  }

  /** Which of these workflows Temporal still has running. */
  private List<String> running(Set<String> workflows) {
    List<String> open = new ArrayList<>();
    com.google.protobuf.ByteString page = com.google.protobuf.ByteString.EMPTY;
    do {
      var answer = stack.client().getWorkflowServiceStubs().blockingStub()
          .listWorkflowExecutions(ListWorkflowExecutionsRequest.newBuilder()
              .setNamespace("default")
              .setQuery("ExecutionStatus = 'Running'")
              .setPageSize(1000)
              .setNextPageToken(page)
              .build());
      answer.getExecutionsList().stream().map(x -> x.getExecution().getWorkflowId()).filter(workflows::contains)
          .forEach(open::add);
      page = answer.getNextPageToken();
    } while (!page.isEmpty());
    return open;
  }

  /** VMs on any host and runners registered on GitHub that belong to these jobs. */
  private long leftOver(Set<Long> jobs) throws java.io.IOException {
    long vms = stack.allVms().stream().map(dev.hangar.workflows.Names::ownerJobOfRunner)
        .filter(o -> o.isPresent() && jobs.contains(o.get())).count();
    long runnersLeft = stack.github.runners().stream().map(r -> dev.hangar.workflows.Names.ownerJobOfRunner(r.name()))
        .filter(o -> o.isPresent() && jobs.contains(o.get())).count();
    return vms + runnersLeft;
  }

  private Timeline timeline() throws java.io.IOException {
    return new Timeline(Answers.queuedAccepted(Answers.of(stack.github.deliveries())), HostLog.read(HostLog.of(stack)));
  }

  /** When each job's webhook was accepted, and what the hosts did for it. */
  record Timeline(Map<Long, Instant> accepted, HostLog.Events events) {

    /** For each job that has both instants, the time from one to the other. */
    List<Duration> between(Collection<Long> ids, Map<Long, Instant> from, Map<Long, Instant> to) {
      List<Duration> out = new ArrayList<>();
      for (Long id : ids) {
        Instant a = from.get(id);
        Instant b = to.get(id);
        if (a != null && b != null) {
          out.add(Duration.between(a, b));
        }
      }
      return out;
    }
  }
}
