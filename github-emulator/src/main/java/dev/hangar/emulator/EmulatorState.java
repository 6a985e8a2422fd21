package dev.hangar.emulator;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

/** The emulator's in-memory model: repositories, runs, jobs and runners. Every method is atomic. */
final class EmulatorState {

  static final class Repo {
    final long id;
    final String owner;
    final String name;
    final boolean isPrivate;

    Repo(long id, String owner, String name, boolean isPrivate) {
      this.id = id;
      this.owner = owner;
      this.name = name;
      this.isPrivate = isPrivate;
    }

    String fullName() {
      return owner + "/" + name;
    }
  }

  static final class Run {
    final long id;
    final Repo repo;
    final Instant createdAt;
    String status = "queued";
    String conclusion;
    Instant updatedAt;
    /** The run does not stop on {@code cancel}, as one stuck in a step; only force-cancel stops it. */
    boolean ignoresCancel;

    Run(long id, Repo repo, Instant now) {
      this.id = id;
      this.repo = repo;
      this.createdAt = now;
      this.updatedAt = now;
    }

    RunInfo info() {
      return new RunInfo(id, repo.owner, repo.name, status, conclusion);
    }
  }

  static final class Job {
    final long id;
    final Run run;
    final List<String> labels;
    final JobPlan plan;
    final Instant createdAt;
    String status = "queued";
    String conclusion;
    Instant startedAt;
    Instant completedAt;
    Runner runner;

    Job(long id, Run run, List<String> labels, JobPlan plan, Instant now) {
      this.id = id;
      this.run = run;
      this.labels = List.copyOf(labels);
      this.plan = plan;
      this.createdAt = now;
      this.startedAt = now;
    }

    JobInfo info() {
      return new JobInfo(
          id, run.id, run.repo.owner, run.repo.name, labels, status, conclusion,
          runner == null ? null : runner.id, runner == null ? null : runner.name, plan);
    }
  }

  /** An organisation's runner group (every repository of the organisation may use it). */
  record RunnerGroup(long id, String name, boolean isDefault) {}

  static final class Runner {
    final long id;
    /** The repository of a repository runner; {@code null} for an organisation runner. */
    final Repo repo;
    /**
     * Where an organisation or enterprise runner is registered: the organisation ({@code acme}) or
     * {@code enterprises/<slug>}; {@code null} for a repository runner.
     */
    final String org;
    /** The organisations whose jobs an organisation or enterprise runner may take. */
    final Set<String> servedOrgs;
    final String name;
    final List<String> labels;
    final long groupId;
    final String jitConfig;
    /** actions/runner#3621: GitHub never gives this runner a job. */
    final boolean starved;
    String status = "offline";
    Job job;

    Runner(long id, Repo repo, String name, List<String> labels, long groupId, String jitConfig, boolean starved) {
      this(id, repo, null, Set.of(), name, labels, groupId, jitConfig, starved);
    }

    Runner(long id, Repo repo, String org, Set<String> servedOrgs, String name, List<String> labels, long groupId,
        String jitConfig, boolean starved) {
      this.id = id;
      this.repo = repo;
      this.org = org;
      this.servedOrgs = Set.copyOf(servedOrgs);
      this.name = name;
      this.labels = List.copyOf(labels);
      this.groupId = groupId;
      this.jitConfig = jitConfig;
      this.starved = starved;
    }

    boolean busy() {
      return job != null;
    }

    RunnerInfo info() {
      return new RunnerInfo(id, owner(), repo == null ? null : repo.name, name, labels, status, busy(), jitConfig);
    }

    String owner() {
      return repo != null ? repo.owner : org.startsWith(ENTERPRISES) ? org.substring(ENTERPRISES.length()) : org;
    }

    /** Whether this runner may take jobs of a repository: its own, or any of its organisation's (or enterprise's). */
    boolean serves(Repo other) {
      return repo != null ? repo == other : servedOrgs.contains(other.owner);
    }

    boolean satisfies(List<String> jobLabels) {
      Set<String> mine =
          labels.stream().map(l -> l.toLowerCase(Locale.ROOT)).collect(Collectors.toSet());
      return jobLabels.stream().allMatch(l -> mine.contains(l.toLowerCase(Locale.ROOT)));
    }
  }

  private final AtomicLong repoIds = new AtomicLong(700_000_000L);
  private final AtomicLong runIds = new AtomicLong(9_000_000_000L);
  private final AtomicLong jobIds = new AtomicLong(25_000_000_000L);
  private final AtomicLong runnerIds = new AtomicLong(100L);
  private final Map<String, Repo> repos = new LinkedHashMap<>();
  private final Map<Long, Run> runs = new LinkedHashMap<>();
  private final Map<Long, Job> jobs = new LinkedHashMap<>();
  private final Map<Long, Runner> runners = new LinkedHashMap<>();
  private final Map<String, List<RunnerGroup>> extraGroups = new LinkedHashMap<>();
  private final Map<String, Set<String>> enterprises = new LinkedHashMap<>();

  /** The prefix of an enterprise's key where organisation keys are used ({@code enterprises/<slug>}). */
  static final String ENTERPRISES = "enterprises/";

  synchronized Repo addRepo(String owner, String name, boolean isPrivate) {
    return repos.computeIfAbsent(
        owner + "/" + name, k -> new Repo(repoIds.incrementAndGet(), owner, name, isPrivate));
  }

  synchronized Optional<Repo> repo(String owner, String name) {
    return Optional.ofNullable(repos.get(owner + "/" + name));
  }

  synchronized Run addRun(Repo repo) {
    Run run = new Run(runIds.incrementAndGet(), repo, Instant.now());
    runs.put(run.id, run);
    return run;
  }

  synchronized Job addJob(Run run, List<String> labels, JobPlan plan) {
    Job job = new Job(jobIds.incrementAndGet(), run, labels, plan, Instant.now());
    jobs.put(job.id, job);
    if ("completed".equals(run.status)) {
      run.status = "queued";
      run.conclusion = null;
    }
    return job;
  }

  synchronized Optional<Run> run(Repo repo, long id) {
    return Optional.ofNullable(runs.get(id)).filter(r -> r.repo == repo);
  }

  synchronized List<Run> runsOf(Repo repo) {
    return runs.values().stream().filter(r -> r.repo == repo).toList();
  }

  synchronized Optional<Run> run(long id) {
    return Optional.ofNullable(runs.get(id));
  }

  synchronized Optional<Job> job(Repo repo, long id) {
    return Optional.ofNullable(jobs.get(id)).filter(j -> j.run.repo == repo);
  }

  synchronized Optional<Job> job(long id) {
    return Optional.ofNullable(jobs.get(id));
  }

  synchronized List<Job> jobsOf(Run run) {
    return jobs.values().stream().filter(j -> j.run == run).toList();
  }

  synchronized Optional<Runner> runner(Repo repo, long id) {
    return Optional.ofNullable(runners.get(id)).filter(r -> r.repo == repo);
  }

  synchronized Optional<Runner> runnerByName(Repo repo, String name) {
    return runners.values().stream().filter(r -> r.repo == repo && r.name.equals(name)).findFirst();
  }

  synchronized Optional<Runner> runnerByJitConfig(String jitConfig) {
    return runners.values().stream().filter(r -> r.jitConfig.equals(jitConfig)).findFirst();
  }

  synchronized boolean orgExists(String org) {
    return repos.values().stream().anyMatch(r -> r.owner.equals(org));
  }

  synchronized List<Runner> runnersOfOrg(String org) {
    return runners.values().stream().filter(r -> org.equals(r.org)).toList();
  }

  synchronized Optional<Runner> orgRunner(String org, long id) {
    return Optional.ofNullable(runners.get(id)).filter(r -> org.equals(r.org));
  }

  synchronized Optional<Runner> orgRunnerByName(String org, String name) {
    return runners.values().stream().filter(r -> org.equals(r.org) && r.name.equals(name)).findFirst();
  }

  /**
   * A runner by name that may take the repository's jobs: a repository runner first, then an org
   * one, then one of the enterprise the organisation belongs to.
   */
  synchronized Optional<Runner> runnerServing(Repo repo, String name) {
    return runnerByName(repo, name)
        .or(() -> orgRunnerByName(repo.owner, name))
        .or(() -> enterprises.entrySet().stream()
            .filter(e -> e.getValue().contains(repo.owner))
            .flatMap(e -> orgRunnerByName(ENTERPRISES + e.getKey(), name).stream())
            .findFirst());
  }

  /** Adds an enterprise owning these organisations. */
  synchronized void addEnterprise(String slug, Set<String> orgs) {
    enterprises.put(slug, Set.copyOf(orgs));
  }

  synchronized boolean enterpriseExists(String slug) {
    return enterprises.containsKey(slug);
  }

  /** The organisations a runner registered at {@code home} (an organisation or enterprise key) serves. */
  synchronized Set<String> orgsServedFrom(String home) {
    return home.startsWith(ENTERPRISES)
        ? enterprises.getOrDefault(home.substring(ENTERPRISES.length()), Set.of())
        : Set.of(home);
  }

  /** The runner groups of an organisation (or {@code enterprises/<slug>}): Default (id 1) and any added. */
  synchronized List<RunnerGroup> runnerGroups(String org) {
    List<RunnerGroup> out = new ArrayList<>();
    out.add(new RunnerGroup(1, "Default", true));
    out.addAll(extraGroups.getOrDefault(org, List.of()));
    return out;
  }

  synchronized void addRunnerGroup(String org, long id, String name) {
    extraGroups.computeIfAbsent(org, k -> new ArrayList<>()).add(new RunnerGroup(id, name, false));
  }

  synchronized List<Runner> runnersOf(Repo repo) {
    return runners.values().stream().filter(r -> r.repo == repo).toList();
  }

  synchronized long nextRunnerId() {
    return runnerIds.incrementAndGet();
  }

  synchronized Runner addRunner(Runner runner) {
    runners.put(runner.id, runner);
    return runner;
  }

  synchronized void removeRunner(Runner runner) {
    runners.remove(runner.id);
  }

  /** Gives a job to a runner: the job starts, the runner is busy. */
  synchronized void start(Job job, Runner runner) {
    if (!"queued".equals(job.status)) {
      throw new IllegalStateException("job " + job.id + " is " + job.status + ", not queued");
    }
    if (runner.busy()) {
      throw new IllegalStateException("runner " + runner.name + " is busy with job " + runner.job.id);
    }
    Instant now = Instant.now();
    job.status = "in_progress";
    job.startedAt = now;
    job.runner = runner;
    runner.job = job;
    runner.status = "online";
    job.run.status = "in_progress";
    job.run.updatedAt = now;
  }

  /**
   * Completes a job. Its runner, being ephemeral, is removed. The run completes once all its jobs
   * have; its conclusion is the first non-success conclusion, else success.
   */
  synchronized void complete(Job job, String conclusion) {
    if ("completed".equals(job.status)) {
      return;
    }
    Instant now = Instant.now();
    job.status = "completed";
    job.conclusion = conclusion;
    job.completedAt = now;
    if (job.runner != null) {
      job.runner.job = null;
      runners.remove(job.runner.id);
    }
    Run run = job.run;
    List<Job> all = jobsOf(run);
    if (all.stream().allMatch(j -> "completed".equals(j.status))) {
      run.status = "completed";
      run.conclusion =
          all.stream().map(j -> j.conclusion).filter(c -> !"success".equals(c)).findFirst().orElse("success");
    }
    run.updatedAt = now;
  }

  /**
   * The oldest queued job of the runner's repository whose labels the runner satisfies; none for a
   * starved runner.
   */
  synchronized Optional<Job> queuedJobFor(Runner runner) {
    if (runner.starved) {
      return Optional.empty();
    }
    return jobs.values().stream()
        .filter(j -> "queued".equals(j.status) && runner.serves(j.run.repo) && runner.satisfies(j.labels))
        .findFirst();
  }

  synchronized List<RunnerInfo> runnerInfos() {
    return runners.values().stream().map(Runner::info).toList();
  }

  synchronized List<JobInfo> jobInfos() {
    return jobs.values().stream().map(Job::info).toList();
  }

  synchronized List<RunInfo> runInfos() {
    return runs.values().stream().map(Run::info).toList();
  }

  synchronized List<Repo> repos() {
    return new ArrayList<>(repos.values());
  }
}
