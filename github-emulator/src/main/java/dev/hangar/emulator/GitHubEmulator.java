package dev.hangar.emulator;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Predicate;

/**
 * A loopback HTTP server that answers like GitHub's REST API for self-hosted runners, jobs, runs
 * and rate limits, and sends {@code workflow_job} webhooks like GitHub. Tests and the local demo
 * drive it through the methods below (mirrored over HTTP under {@code /_emulator/}; see the
 * module's README).
 *
 * <pre>{@code
 * try (GitHubEmulator github = GitHubEmulator.start()) {
 *   JobInfo job = github.createJob("acme", "app", List.of("self-hosted", "macOS"));
 *   // point the client at github.baseUrl() with EmulatorConfig.DEFAULT_TOKEN
 * }
 * }</pre>
 */
public final class GitHubEmulator implements AutoCloseable {

  private final EmulatorConfig config;
  private final ObjectMapper mapper = new ObjectMapper();
  private final EmulatorState state = new EmulatorState();
  private final ApiHandler api;
  private final Faults faults = new Faults();
  private final CallLog calls = new CallLog();
  private final RateLimit rateLimit;
  private final RunnerStarvation starvation = new RunnerStarvation();
  private final HttpServer server;
  private final ExecutorService handlers;
  private final WebhookQueue hooks;
  private final WebhookSender sender;
  private final Renderer renderer;
  private final String baseUrl;
  private final AppAuth appAuth;
  private final List<WebhookDelivery> delivered = new ArrayList<>();
  private long nextDeliveryId = 90000001L;

  private GitHubEmulator(EmulatorConfig config) throws IOException {
    this.config = config;
    this.rateLimit = new RateLimit(config.rateLimit(), config.rateLimitWindow());
    this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), config.port()), 0);
    this.baseUrl = "http://127.0.0.1:" + server.getAddress().getPort() + config.apiPath();
    this.renderer = new Renderer(mapper, baseUrl);
    this.sender = new WebhookSender(mapper);
    this.sender.hookId(config.hookId());
    this.handlers = Executors.newCachedThreadPool(daemon("github-emulator-http"));
    this.hooks = new WebhookQueue(this::send, this::record, config.deliveryConcurrency());
    this.appAuth = new AppAuth(config.app(), config.clock());
    this.api = new ApiHandler(
        mapper, state, renderer, faults, calls, rateLimit, config.tokens(), baseUrl,
        this::deliverConfigured, starvation, appAuth, config.apiPath());
    new HookRoutes(mapper, this, baseUrl).register(api::route);
    server.createContext("/", api);
    server.createContext("/_emulator/", new ControlHandler(this));
    server.setExecutor(handlers);
    server.start();
  }

  /** Starts an emulator with {@link EmulatorConfig#defaults()}. */
  public static GitHubEmulator start() {
    return start(EmulatorConfig.defaults());
  }

  /** Starts an emulator on 127.0.0.1. */
  public static GitHubEmulator start(EmulatorConfig config) {
    try {
      return new GitHubEmulator(config);
    } catch (IOException e) {
      throw new UncheckedIOException("could not start the GitHub emulator", e);
    }
  }

  /**
   * The API URL, for example {@code http://127.0.0.1:54321} (no trailing slash), or
   * {@code http://127.0.0.1:54321/api/v3} when mounted like GitHub Enterprise Server
   * ({@link EmulatorConfig#withApiPath}).
   */
  public String baseUrl() {
    return baseUrl;
  }

  /** The configuration it was started with. */
  public EmulatorConfig config() {
    return config;
  }

  /** Every REST call received so far. */
  public CallLog calls() {
    return calls;
  }

  // ---- model ---------------------------------------------------------------------------------

  /** Adds a repository (idempotent). Jobs created in an unknown repository add it as private. */
  public void addRepository(String owner, String repo, boolean isPrivate) {
    state.addRepo(owner, repo, isPrivate);
  }

  /**
   * Queues a job in a new run of the repository (created private if unknown) and, if a webhook URL
   * is configured, delivers {@code workflow_job queued} (asynchronously, alongside other deliveries
   * as GitHub does: see {@link EmulatorConfig#deliveryConcurrency()}). Once a runner
   * takes it, it runs as {@link JobPlan#DEFAULT} says.
   */
  public JobInfo createJob(String owner, String repo, List<String> labels) {
    return createJob(owner, repo, labels, JobPlan.DEFAULT);
  }

  /** Queues a job in a new run that, once a runner takes it, runs as {@code plan} says. */
  public JobInfo createJob(String owner, String repo, List<String> labels, JobPlan plan) {
    synchronized (state) {
      EmulatorState.Repo r = state.repo(owner, repo).orElseGet(() -> state.addRepo(owner, repo, true));
      EmulatorState.Job job = state.addJob(state.addRun(r), labels, plan);
      deliverConfigured(job, "queued");
      return job.info();
    }
  }

  /** Queues one more job in an existing run. */
  public JobInfo createJobInRun(long runId, List<String> labels) {
    return createJobInRun(runId, labels, JobPlan.DEFAULT);
  }

  /** Queues one more job in an existing run that runs as {@code plan} says. */
  public JobInfo createJobInRun(long runId, List<String> labels, JobPlan plan) {
    synchronized (state) {
      EmulatorState.Run run = state.run(runId).orElseThrow(() -> unknown("run", runId));
      EmulatorState.Job job = state.addJob(run, labels, plan);
      deliverConfigured(job, "queued");
      return job.info();
    }
  }

  /** Gives a queued job to a registered runner (as GitHub would), delivering {@code in_progress}. */
  public JobInfo startJob(long jobId, String runnerName) {
    synchronized (state) {
      EmulatorState.Job job = state.job(jobId).orElseThrow(() -> unknown("job", jobId));
      EmulatorState.Runner runner = state.runnerServing(job.run.repo, runnerName)
          .orElseThrow(() -> new IllegalArgumentException("no runner named " + runnerName));
      state.start(job, runner);
      deliverConfigured(job, "in_progress");
      return job.info();
    }
  }

  /** Completes a job (its ephemeral runner is removed), delivering {@code completed}. */
  public JobInfo completeJob(long jobId, String conclusion) {
    synchronized (state) {
      EmulatorState.Job job = state.job(jobId).orElseThrow(() -> unknown("job", jobId));
      state.complete(job, conclusion);
      deliverConfigured(job, "completed");
      return job.info();
    }
  }

  /**
   * The runner protocol: the runner holding this JIT configuration comes online and GitHub gives
   * it the oldest queued job of its repository whose labels it satisfies, not necessarily the job
   * it was made for. Delivers {@code in_progress}. Empty when no job fits (the runner waits).
   */
  public Optional<JobInfo> claim(String encodedJitConfig) {
    synchronized (state) {
      EmulatorState.Runner runner = state.runnerByJitConfig(encodedJitConfig)
          .orElseThrow(UnknownRunnerException::new);
      if (runner.busy()) {
        return Optional.of(runner.job.info());
      }
      runner.status = "online";
      Optional<EmulatorState.Job> next = state.queuedJobFor(runner);
      if (next.isEmpty()) {
        return Optional.empty();
      }
      EmulatorState.Job job = next.get();
      state.start(job, runner);
      deliverConfigured(job, "in_progress");
      return Optional.of(job.info());
    }
  }

  /** The runner protocol: the runner finishes its job with a conclusion; it is then removed. */
  public Optional<JobInfo> finish(String encodedJitConfig, String conclusion) {
    synchronized (state) {
      Optional<EmulatorState.Runner> runner = state.runnerByJitConfig(encodedJitConfig);
      if (runner.isEmpty()) {
        return Optional.empty();
      }
      EmulatorState.Job job = runner.get().job;
      if (job == null) {
        state.removeRunner(runner.get());
        return Optional.empty();
      }
      state.complete(job, conclusion);
      deliverConfigured(job, "completed");
      return Optional.of(job.info());
    }
  }

  // ---- actions/runner#3621 -------------------------------------------------------------------

  /**
   * actions/runner#3621: the next {@code count} runners to register (generate-jitconfig) come
   * online but GitHub never gives them a job; {@link #claim} answers nothing, forever. Replaces an
   * earlier count.
   */
  public void neverAssign(int count) {
    starvation.nextRunners(count);
  }

  /** actions/runner#3621 for every runner that registers from now on under a matching name. */
  public void neverAssign(Predicate<String> runnerNames) {
    starvation.runnersNamed(runnerNames);
  }

  /** Runners registered from now on get jobs again (runners already starved stay starved). */
  public void assignNormally() {
    starvation.clear();
  }

  /** A job as it is now. */
  public Optional<JobInfo> job(long jobId) {
    return state.job(jobId).map(EmulatorState.Job::info);
  }

  /**
   * The runner protocol of {@code config.sh}: registers runner {@code name} with a registration
   * token for {@code url} (the repository's, organisation's or enterprise's page), as GitHub does;
   * {@code group} is a runner group's name, or {@code null} for Default. Answers the runner's
   * credential, which {@link #claim} and {@link #finish} take like a JIT configuration.
   *
   * @throws IllegalArgumentException "Not Found" (GitHub's answer) for a token that is wrong,
   *     expired (tokens last one hour) or made for another repository or organisation
   */
  public String registerWithToken(String url, String token, String name, List<String> labels, String group) {
    try {
      return api.registerWithToken(url, token, name, List.copyOf(labels), group, "_work");
    } catch (ApiError e) {
      throw new IllegalArgumentException(e.status + " " + e.getMessage());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Every registration token handed out so far expires {@code by} earlier (1 hour: all expired). */
  public void expireRegistrationTokens(Duration by) {
    api.ageRegistrationTokens(by);
  }

  /** Whether {@code token} is a live registration token for {@code scope} ({@code owner/repo} or an organisation). */
  public boolean registrationTokenValid(String token, String scope) {
    return api.registrationTokenValid(token, scope);
  }

  /**
   * The run ignores {@code cancel}, as a run stuck in a step that does not react to the signal:
   * GitHub accepts the cancel (202) and the run goes on until {@code force-cancel}.
   */
  public void ignoreCancel(long runId) {
    synchronized (state) {
      state.run(runId).orElseThrow(() -> unknown("run", runId)).ignoresCancel = true;
    }
  }

  /** A run as it is now. */
  public Optional<RunInfo> run(long runId) {
    return state.run(runId).map(EmulatorState.Run::info);
  }

  /** A runner by repository and name. */
  public Optional<RunnerInfo> runner(String owner, String repo, String name) {
    return state.repo(owner, repo).flatMap(r -> state.runnerByName(r, name)).map(EmulatorState.Runner::info);
  }

  /** Every runner. */
  public List<RunnerInfo> runners() {
    return state.runnerInfos();
  }

  /** Every job. */
  public List<JobInfo> jobs() {
    return state.jobInfos();
  }

  /** Every run. */
  public List<RunInfo> runs() {
    return state.runInfos();
  }

  // ---- faults and limits ---------------------------------------------------------------------

  /** Queues faults for an endpoint (a key of {@link Endpoints}); each call takes the next one. */
  public void inject(String endpoint, Fault... faultsInOrder) {
    for (Fault f : faultsInOrder) {
      faults.add(endpoint, f);
    }
  }

  /** Drops every queued fault. */
  public void clearFaults() {
    faults.clear();
  }

  /** Spends the whole primary rate limit until {@code resetAt}. */
  public void exhaustRateLimit(Instant resetAt) {
    rateLimit.exhaust(resetAt);
  }

  /**
   * Spends the whole primary rate limit until {@code resetAt}; calls are answered {@code status}
   * (GitHub answers a spent primary limit with 403 or 429, {@code x-ratelimit-remaining: 0}).
   */
  public void exhaustRateLimit(Instant resetAt, int status) {
    rateLimit.exhaust(resetAt, status);
  }

  /** Revokes every installation token handed out so far: they get 401 {@code Bad credentials}. */
  public void revokeInstallationTokens() {
    appAuth.revokeAll();
  }

  /** How long installation tokens issued from now on live (GitHub: one hour). */
  public void installationTokenLifetime(Duration lifetime) {
    appAuth.tokenLifetime(lifetime);
  }

  /** Sets the primary rate limit budget. */
  public void setRateLimit(int limit, int remaining, Instant resetAt) {
    rateLimit.set(limit, remaining, resetAt);
  }

  // ---- webhooks ------------------------------------------------------------------------------

  /**
   * Sends every automatic delivery twice, with the same {@code X-GitHub-Delivery} (GitHub delivers
   * at least once); both attempts are in {@link #deliveries()}.
   */
  public void duplicateDeliveries(boolean enabled) {
    hooks.duplicate(enabled);
  }

  /**
   * Drops the next {@code count} automatic deliveries of an action ({@code queued},
   * {@code in_progress}, {@code completed}): GitHub never sends them, and they are not in
   * {@link #deliveries()}.
   */
  public void dropDeliveries(String action, int count) {
    hooks.drop(action, count);
  }

  /** Sends every automatic delivery {@code delay} late. */
  public void delayDeliveries(Duration delay) {
    hooks.delay(delay);
  }

  /** Holds automatic deliveries until {@link #releaseDeliveries}. */
  public void holdDeliveries() {
    hooks.hold();
  }

  /** Sends the held deliveries in the given order, and stops holding. */
  public void releaseDeliveries(DeliveryOrder order) {
    hooks.release(order);
  }

  /**
   * Reorders automatic deliveries from now on: they are collected in groups of {@code window}
   * and each group is sent in {@code order}; a group not full within {@code maxHold} is sent as it
   * is, so nothing waits for ever. A window of 0 or 1 turns reordering off.
   */
  public void reorderDeliveries(int window, DeliveryOrder order, Duration maxHold) {
    hooks.reorder(window, order, maxHold);
  }

  /** Back to prompt, single deliveries (as many in flight as configured); anything held is sent now, in order. */
  public void resetDeliveries() {
    hooks.reset();
  }

  /** Whether no automatic delivery is waiting or being sent. */
  public boolean deliveriesSettled() {
    return hooks.idle();
  }

  /**
   * Sends an earlier delivery again with the same id and body, as "Redeliver" on GitHub's Recent
   * Deliveries page does, and records the new attempt.
   */
  public WebhookDelivery redeliver(String deliveryId) {
    if (config.webhookUrl() == null) {
      throw new IllegalStateException("no webhook URL configured");
    }
    WebhookDelivery original = deliveries().stream()
        .filter(d -> d.deliveryId().equals(deliveryId))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no delivery " + deliveryId));
    WebhookDelivery again = sender.deliver(
        config.webhookUrl(), config.webhookSecret(), original.event(), deliveryId, original.body());
    return record(again, true);
  }

  boolean webhookConfigured() {
    return config.webhookUrl() != null;
  }

  URI webhookUrl() {
    return config.webhookUrl();
  }

  /**
   * Adds a runner group to an organisation (besides Default, id 1, which every organisation has);
   * org runners may be registered in it and it is open to every repository of the organisation.
   */
  public void addRunnerGroup(String org, long id, String name) {
    state.addRunnerGroup(org, id, name);
  }

  /**
   * Adds an enterprise owning these organisations; its runners ({@code /enterprises/{slug}/…}, a
   * token that sees everything only) take jobs of any of them. Runner groups of the enterprise are
   * added with {@link #addRunnerGroup} under the name {@code enterprises/<slug>}.
   */
  public void addEnterprise(String slug, String... orgs) {
    state.addEnterprise(slug, java.util.Set.of(orgs));
  }

  /** The hook id deliveries are made by ({@link EmulatorConfig#hookId()}). */
  public long hookId() {
    return config.hookId();
  }

  /**
   * How long a receiver may take to answer before the attempt is recorded as timed out (status 0,
   * {@code timed out}); GitHub's is 10 seconds, the default.
   */
  public void webhookDeadline(Duration deadline) {
    sender.deadline(deadline);
  }

  /** The delivery attempt with GitHub's numeric id {@code id}. */
  public java.util.Optional<WebhookDelivery> delivery(long id) {
    synchronized (delivered) {
      return delivered.stream().filter(d -> d.id() == id).findFirst();
    }
  }

  /** Redelivers an attempt in the background, as the REST API's "redeliver" does (it answers 202 first). */
  void redeliverLater(WebhookDelivery attempt) {
    handlers.execute(() -> redeliver(attempt.deliveryId()));
  }

  /** Delivers {@code workflow_job} for the job's current state to the configured URL, now. */
  public WebhookDelivery deliverWorkflowJob(long jobId, String action) {
    if (config.webhookUrl() == null) {
      throw new IllegalStateException("no webhook URL configured");
    }
    return deliverWorkflowJob(jobId, action, config.webhookUrl(), config.webhookSecret());
  }

  /** Delivers {@code workflow_job} for the job's current state to {@code url}, now. */
  public WebhookDelivery deliverWorkflowJob(long jobId, String action, URI url, String secret) {
    EmulatorState.Job job = state.job(jobId).orElseThrow(() -> unknown("job", jobId));
    ObjectNode payload;
    synchronized (state) {
      payload = renderer.workflowJobEvent(job, action, null);
    }
    return record(sender.deliver(url, secret, "workflow_job", payload), false);
  }

  /** Every delivery made so far, oldest first. */
  public List<WebhookDelivery> deliveries() {
    synchronized (delivered) {
      return List.copyOf(delivered);
    }
  }

  /** Stops the server. */
  @Override
  public void close() {
    server.stop(0);
    hooks.close();
    handlers.shutdownNow();
  }

  /**
   * Queues the automatic delivery of an event that just happened, rendered now. Called while
   * holding the state's lock, so deliveries keep the order of the changes.
   */
  private void deliverConfigured(EmulatorState.Job job, String action) {
    if (config.webhookUrl() != null) {
      hooks.submit(new WebhookQueue.Pending(job.id, action, renderer.workflowJobEvent(job, action, null)));
    }
  }

  private WebhookDelivery send(String deliveryId, WebhookQueue.Pending pending) {
    return sender.deliver(config.webhookUrl(), config.webhookSecret(), "workflow_job", deliveryId, pending.payload());
  }

  private void record(WebhookDelivery delivery) {
    record(delivery, false);
  }

  private WebhookDelivery record(WebhookDelivery delivery, boolean redelivery) {
    synchronized (delivered) {
      WebhookDelivery numbered = delivery.numbered(nextDeliveryId++, redelivery);
      delivered.add(numbered);
      return numbered;
    }
  }

  private static IllegalArgumentException unknown(String what, long id) {
    return new IllegalArgumentException("no " + what + " " + id);
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }
}
