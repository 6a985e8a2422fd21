package dev.hangar.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hangar.activities.github.GitHubApi;
import dev.hangar.activities.github.GitHubCredentials;
import dev.hangar.activities.github.GitHubProperties;
import dev.hangar.activities.secrets.SecretSealer;
import dev.hangar.emulator.CallLog;
import dev.hangar.emulator.EmulatorConfig;
import dev.hangar.emulator.Endpoints;
import dev.hangar.emulator.Fault;
import dev.hangar.emulator.GitHubEmulator;
import dev.hangar.emulator.JobInfo;
import dev.hangar.emulator.JobPlan;
import dev.hangar.testfixtures.FaultTally;
import dev.hangar.testfixtures.GitHubPayloads;
import dev.hangar.testfixtures.WebhookSigner;
import dev.hangar.testfixtures.WorkflowJobSpec;
import dev.hangar.workflows.Names;
import dev.hangar.workflows.TaskQueues;
import dev.hangar.workflows.job.JobOutcome;
import dev.hangar.workflows.template.Resources;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.worker.WorkerFactory;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Primary;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The whole loop in one process, each test stating its fault: the GitHub emulator sends signed
 * webhooks to the real gateway on a real port; the real job workflow runs on the starter's
 * in-process Temporal test server with the real GitHub activities against the emulator; a
 * {@link LoopHost} makes VMs whose runners take jobs from the emulator, which then sends
 * {@code in_progress} and {@code completed}. Every test ends by checking the end state: jobs
 * concluded, workflows closed, no VM and no runner left, and for bad input: nothing started and
 * no GitHub call.
 */
@Import({TestServerSearchAttributes.class, WebhookLoopFaultsTest.Loop.class})
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.DEFINED_PORT,
    properties = {
      "spring.temporal.test-server.enabled=true",
      "hangar.gateway.webhook-secret=" + WebhookLoopFaultsTest.SECRET,
      "hangar.gateway.max-body-bytes=64KB",
      "hangar.secrets.key=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
      "hangar.job.registration-timeout=5s",
      "hangar.templates[0].id=sonoma-xcode16",
      "hangar.templates[0].cpu-cores=4",
      "hangar.templates[0].memory-mb=8192",
      "hangar.templates[0].disk-gb=80",
      "hangar.pools[0].name=macos-xcode16",
      "hangar.pools[0].template=sonoma-xcode16",
    })
class WebhookLoopFaultsTest {

  static final String SECRET = "loop-secret";
  private static final String OWNER = "acme";
  private static final String REPO = "ios-app";
  private static final List<String> OURS = List.of("self-hosted", "macos-xcode16");
  private static final Duration END = Duration.ofSeconds(60);
  private static final int PORT = freePort();
  private static final GitHubEmulator GITHUB = GitHubEmulator.start(
      EmulatorConfig.defaults().withWebhook(URI.create("http://127.0.0.1:" + PORT + "/webhook"), SECRET));

  static {
    GITHUB.addRepository(OWNER, REPO, true);
  }

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    registry.add("server.port", () -> PORT);
    registry.add("hangar.github.api-url", GITHUB::baseUrl);
    registry.add("hangar.github.token", () -> EmulatorConfig.DEFAULT_TOKEN);
  }

  /** The loop host on its queues, and a GitHub client that gives up on a call after one second. */
  @TestConfiguration(proxyBeanMethods = false)
  static class Loop {
    @Bean(destroyMethod = "close")
    LoopHost loopHost(ObjectProvider<WorkerFactory> factories, SecretSealer sealer) {
      LoopHost host = new LoopHost(GITHUB, sealer);
      WorkerFactory factory = factories.getObject();
      factory.newWorker(TaskQueues.placement(new Resources(4, 8192, 80).sizeClass()))
          .registerActivitiesImplementations(host.new Placement());
      factory.newWorker(TaskQueues.host(LoopHost.ID)).registerActivitiesImplementations(host);
      return host;
    }

    @Bean
    @Primary
    GitHubApi impatientGitHubApi() {
      GitHubProperties properties = GitHubProperties.withToken(EmulatorConfig.DEFAULT_TOKEN)
          .withApiUrl(GITHUB.baseUrl())
          .withRequestTimeout(Duration.ofSeconds(1));
      return GitHubApi.create(properties, GitHubCredentials.personalAccessToken(EmulatorConfig.DEFAULT_TOKEN));
    }
  }

  @Autowired private WorkflowClient client;
  @Autowired private LoopHost host;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @AfterEach
  void behaveAgain() {
    GITHUB.clearFaults();
    GITHUB.assignNormally();
    GITHUB.resetDeliveries();
    GITHUB.setRateLimit(5000, 5000, Instant.now().plusSeconds(3600));
  }

  @AfterAll
  static void stopGitHub() {
    GITHUB.close();
  }

  @Test
  void badDeliveriesStartNothingAndCallGitHubNever(TestInfo test) throws Exception {
    int callsBefore = GITHUB.calls().total();
    int claimsBefore = host.claims.size();
    long id = 7_000_000;
    List<Long> jobIds = new ArrayList<>();
    List<int[]> answers = new ArrayList<>();
    // Each input: a job with Hangar's labels that must not start.
    for (String signature : List.of("none", "another secret", "truncated", "sha1 prefix", "empty", "body changed",
        "trailing newline added")) {
      long jobId = ++id;
      jobIds.add(jobId);
      byte[] body = ourQueued(jobId).getBytes(StandardCharsets.UTF_8);
      String good = WebhookSigner.sign(SECRET, body);
      String header = switch (signature) {
        case "none" -> null;
        case "another secret" -> WebhookSigner.sign("not-" + SECRET, body);
        case "truncated" -> good.substring(0, good.length() - 2);
        case "sha1 prefix" -> good.replace("sha256=", "sha1=");
        case "empty" -> "sha256=";
        default -> good;
      };
      byte[] sent = switch (signature) {
        case "body changed" -> ourQueued(jobId + 500).getBytes(StandardCharsets.UTF_8);
        case "trailing newline added" -> (ourQueued(jobId) + "\n").getBytes(StandardCharsets.UTF_8);
        default -> body;
      };
      answers.add(new int[] {post(sent, "workflow_job", header).statusCode(), 401});
    }
    jobIds.add(++id);
    answers.add(new int[] {signed("workflow_job", "{\"action\":\"queued\",\"workflow_job\":{\"id\":" + id).statusCode(), 400});
    answers.add(new int[] {signed("workflow_job", "[\"queued\"]").statusCode(), 400});
    jobIds.add(++id);
    answers.add(new int[] {signed(null, ourQueued(id)).statusCode(), 400});
    jobIds.add(++id);
    String padded = ourQueued(id).replaceFirst("\\{", "{\"pad\":\"" + "x".repeat(70 * 1024) + "\",");
    answers.add(new int[] {signed("workflow_job", padded).statusCode(), 413});
    jobIds.add(++id);
    answers.add(new int[] {signed("check_run", ourQueued(id)).statusCode(), 202});
    jobIds.add(++id);
    answers.add(new int[] {signed("workflow_job", ourQueued(id).replace("\"queued\"", "\"teleported\"")).statusCode(), 202});
    jobIds.add(++id);
    String hostile = GitHubPayloads.workflowJob(WorkflowJobSpec.of("queued", id, 1, List.of(
        "self-hosted; rm -rf /", "$(curl evil)", "`id`", "\"'", "a\nb", "x".repeat(10_000), "macos-xcode16\u202e"))
        .withRepository(OWNER, REPO));
    answers.add(new int[] {signed("workflow_job", hostile).statusCode(), 202});

    for (int i = 0; i < answers.size(); i++) {
      assertThat(answers.get(i)[0]).as("answer to bad input %s", i).isEqualTo(answers.get(i)[1]);
    }
    for (long jobId : jobIds) {
      assertThatThrownBy(() -> client.newUntypedWorkflowStub(Names.workflowId(jobId)).describe())
          .as("a workflow for job %s", jobId)
          .isInstanceOf(WorkflowNotFoundException.class);
    }
    for (long jobId : jobIds) {
      assertThat(callsAbout(callsBefore, jobId, 1)).as("GitHub API calls for job %s", jobId).isEmpty();
      assertThat(host.claims.subList(claimsBefore, host.claims.size()))
          .as("claims for job %s", jobId).noneMatch(vm -> vm.startsWith("hangar-" + jobId + "-"));
    }
    FaultTally.record(name(test), answers.size(), 0, 0, 0, 0);
  }

  @Test
  void theSameDeliveryTenTimesAtOnceMakesOneWorkflowOneVmAndOneJitCall(TestInfo test) throws Exception {
    int callsBefore = GITHUB.calls().total();
    GITHUB.dropDeliveries("queued", 1);
    JobInfo job = GITHUB.createJob(OWNER, REPO, OURS, JobPlan.succeedsAfter(Duration.ofMillis(300)));
    byte[] body = queued(job).getBytes(StandardCharsets.UTF_8);
    String delivery = UUID.randomUUID().toString();

    ExecutorService senders = Executors.newFixedThreadPool(10);
    List<Future<HttpResponse<String>>> answers = new ArrayList<>();
    try {
      for (int i = 0; i < 10; i++) {
        answers.add(senders.submit(() -> post(body, "workflow_job", WebhookSigner.sign(SECRET, body), delivery)));
      }
      for (Future<HttpResponse<String>> answer : answers) {
        assertThat(answer.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(202);
      }
    } finally {
      senders.shutdownNow();
    }

    JobOutcome outcome = concludedAndClean(job, "success");
    assertThat(outcome.vmsCreated()).isEqualTo(1);
    assertThat(host.created).filteredOn(vm -> vm.startsWith("hangar-" + job.id() + "-")).hasSize(1);
    assertOneJitCallOnly(callsBefore, job);
    FaultTally.record(name(test), 10, 9, 1, 0, leaked());
  }

  @Test
  void completedThenInProgressThenQueuedEndsTheJobWithNoVmAndNoCall(TestInfo test) throws Exception {
    int callsBefore = GITHUB.calls().total();
    int claimsBefore = host.claims.size();
    long jobId = 7_100_001;
    String runner = Names.vmName(jobId, 1);
    WorkflowJobSpec spec = WorkflowJobSpec.of("completed", jobId, 71, OURS).withRepository(OWNER, REPO);

    assertThat(signed("workflow_job", GitHubPayloads.workflowJob(spec.withConclusion("cancelled"))).statusCode())
        .isEqualTo(202);
    String firstRun = client.newUntypedWorkflowStub(Names.workflowId(jobId)).describe().getExecution().getRunId();
    assertThat(signed("workflow_job", GitHubPayloads.workflowJob(spec.withAction("in_progress").withRunner(runner, 5)))
        .statusCode()).isEqualTo(202);
    assertThat(signed("workflow_job", GitHubPayloads.workflowJob(spec.withAction("queued"))).statusCode())
        .isEqualTo(202);

    awaitClosed(jobId);
    JobOutcome outcome = outcome(jobId);
    assertThat(outcome.result()).isEqualTo(JobOutcome.Result.COMPLETED);
    assertThat(outcome.conclusion()).isEqualTo("cancelled");
    assertThat(outcome.vmsCreated()).isZero();
    assertThat(client.newUntypedWorkflowStub(Names.workflowId(jobId)).describe().getExecution().getRunId())
        .as("one execution").isEqualTo(firstRun);
    assertThat(callsAbout(callsBefore, jobId, 71)).isEmpty();
    assertThat(host.claims.subList(claimsBefore, host.claims.size())).noneMatch(vm -> vm.startsWith(runner));
    FaultTally.record(name(test), 3, 0, 1, 0, leaked());
  }

  @Test
  void queuedWaitingQueuedMakesOneVm(TestInfo test) throws Exception {
    int callsBefore = GITHUB.calls().total();
    GITHUB.dropDeliveries("queued", 1);
    JobInfo job = GITHUB.createJob(OWNER, REPO, OURS, JobPlan.succeedsAfter(Duration.ofMillis(300)));

    for (String action : List.of("queued", "waiting", "queued")) {
      String payload = GitHubPayloads.workflowJob(spec(job).withAction(action));
      assertThat(signed("workflow_job", payload).statusCode()).as(action).isEqualTo(202);
    }

    assertThat(concludedAndClean(job, "success").vmsCreated()).isEqualTo(1);
    assertOneJitCallOnly(callsBefore, job);
    FaultTally.record(name(test), 3, 0, 1, 0, leaked());
  }

  @Test
  void aJobCancelledBeforeItsRunnerTookItEndsThoughItsCompletedHasNoLabels(TestInfo test) throws Exception {
    // GitHub sends a job cancelled while queued as completed with labels: [] (no runner).
    int callsBefore = GITHUB.calls().total();
    GITHUB.neverAssign(1);
    JobInfo job = GITHUB.createJob(OWNER, REPO, OURS);
    String vm = Names.vmName(job.id(), 1);
    await("runner " + vm + " registered", () -> GITHUB.runner(OWNER, REPO, vm).isPresent());
    GITHUB.dropDeliveries("completed", 1);
    GITHUB.completeJob(job.id(), "cancelled");

    String unlabelled = GitHubPayloads.workflowJob(
        WorkflowJobSpec.of("completed", job.id(), job.runId(), List.of()).withRepository(OWNER, REPO)
            .withConclusion("cancelled"));
    assertThat(signed("workflow_job", unlabelled).body()).contains("not_ours").contains("told the job completed");

    JobOutcome outcome = concludedAndClean(job, "cancelled");
    assertThat(outcome.result()).isEqualTo(JobOutcome.Result.COMPLETED);
    assertThat(outcome.vmsCreated()).as("no VM after the job was gone").isEqualTo(1);
    assertThat(callsAbout(callsBefore, job.id(), job.runId())).as("one runner registered, no run cancelled")
        .extracting(CallLog.Call::endpoint).containsExactly(Endpoints.GENERATE_JITCONFIG);
    assertThat(deletesSince(callsBefore)).as("its idle runner removed").isNotEmpty();
    FaultTally.record(name(test), 1, 1, 1, 0, leaked());
  }

  @Test
  void gitHubFailingOnEveryCallAHangarJobMakesStillServesItAndLeavesNothing(TestInfo test) throws Exception {
    int callsBefore = GITHUB.calls().total();
    // The first runner is never given the job (its VM is replaced, so its runner is removed), and
    // every kind of failure hits the runner calls on the way.
    // A delay past the client's timeout: GitHub registers the runner, Hangar never hears.
    List<Fault> jit = List.of(Fault.status(502), Fault.secondaryRateLimit(403, Duration.ofSeconds(1)),
        Fault.delay(Duration.ofSeconds(2)));
    List<Fault> delete = List.of(Fault.status(500), Fault.secondaryRateLimit(429, Duration.ofSeconds(1)));
    GITHUB.inject(Endpoints.GENERATE_JITCONFIG, jit.toArray(Fault[]::new));
    GITHUB.inject(Endpoints.DELETE_RUNNER, delete.toArray(Fault[]::new));
    GITHUB.dropDeliveries("queued", 1);
    JobInfo job = GITHUB.createJob(OWNER, REPO, OURS, JobPlan.succeedsAfter(Duration.ofMillis(300)));
    GITHUB.neverAssign(Names.vmName(job.id(), 1)::equals);
    assertThat(signed("workflow_job", queued(job)).statusCode()).isEqualTo(202);

    JobOutcome outcome = concludedAndClean(job, "success");

    assertThat(outcome.vmsCreated()).isEqualTo(2);
    List<CallLog.Call> calls = callsAbout(callsBefore, job.id(), job.runId());
    assertThat(calls).extracting(CallLog.Call::endpoint).doesNotContain(Endpoints.CANCEL_RUN);
    // A registration whose answer was lost (here a timeout) is retried; GitHub
    // answers 409 (the name exists) and the runner is replaced: each VM's last answer is a 201.
    for (String vm : List.of(Names.vmName(job.id(), 1), Names.vmName(job.id(), 2))) {
      List<CallLog.Call> jitOfVm = calls.stream()
          .filter(c -> c.endpoint().equals(Endpoints.GENERATE_JITCONFIG) && c.body().contains("\"" + vm + "\""))
          .toList();
      assertThat(jitOfVm).as("registrations of %s", vm).isNotEmpty();
      assertThat(jitOfVm.get(jitOfVm.size() - 1).status()).as("last registration of %s", vm).isEqualTo(201);
    }
    assertThat(calls).as("the lost answers were reconciled through a 409")
        .anyMatch(c -> c.endpoint().equals(Endpoints.GENERATE_JITCONFIG) && c.status() == 409);
    assertThat(deletesSince(callsBefore)).as("the starved runner's removal, retried through each fault")
        .hasSizeGreaterThan(delete.size());
    FaultTally.record(name(test), 0, jit.size() + delete.size() + 1, 1, 0, leaked());
  }

  @Test
  void gitHubFailingOnTheRunCancelAndARateLimitStillCancelTheRunOnce(TestInfo test) throws Exception {
    int callsBefore = GITHUB.calls().total();
    List<Fault> cancel = List.of(Fault.status(503), Fault.secondaryRateLimit(403, Duration.ofSeconds(1)),
        Fault.delay(Duration.ofSeconds(2)));
    GITHUB.inject(Endpoints.CANCEL_RUN, cancel.toArray(Fault[]::new));
    GITHUB.inject(Endpoints.GET_RUN, Fault.status(502));
    GITHUB.exhaustRateLimit(Instant.now().plusSeconds(2));
    // A template no catalog has: the workflow cancels the run on GitHub.
    JobInfo job = GITHUB.createJob(OWNER, REPO, List.of("self-hosted", "anka-template:nowhere"));
    await("workflow of job " + job.id() + " started", () -> exists(job.id()));

    // No VM is involved: the test server may skip the retries' waits.
    JobOutcome outcome = client.newUntypedWorkflowStub(Names.workflowId(job.id()))
        .getResult(60, TimeUnit.SECONDS, JobOutcome.class);
    assertThat(outcome.result()).isEqualTo(JobOutcome.Result.UNKNOWN_TEMPLATE);
    await("run cancelled", () -> "cancelled".equals(GITHUB.run(job.runId()).orElseThrow().conclusion()));
    assertThat(callsAbout(callsBefore, job.id(), job.runId()))
        .filteredOn(c -> c.endpoint().equals(Endpoints.CANCEL_RUN) && c.status() / 100 == 2)
        .as("one cancel that went through").hasSize(1);
    assertThat(host.vms()).isEmpty();
    assertThat(GITHUB.runners()).isEmpty();
    FaultTally.record(name(test), 0, cancel.size() + 2, 1, 0, leaked());
  }

  // ---- the end state ----

  /** Waits until the job concluded on GitHub, its workflow closed, and no VM or runner is left. */
  private JobOutcome concludedAndClean(JobInfo job, String conclusion) throws Exception {
    await("job " + job.id() + " " + conclusion + " on GitHub",
        () -> GITHUB.job(job.id()).filter(j -> "completed".equals(j.status())).isPresent());
    assertThat(GITHUB.job(job.id()).orElseThrow().conclusion()).isEqualTo(conclusion);
    awaitClosed(job.id());
    await("every VM deleted", () -> host.vms().isEmpty());
    await("no runner left on GitHub", () -> GITHUB.runners().isEmpty());
    assertThat(host.deleted).containsAll(host.created);
    return outcome(job.id());
  }

  private void awaitClosed(long jobId) throws Exception {
    await("workflow of job " + jobId + " closed", () -> exists(jobId)
        && client.newUntypedWorkflowStub(Names.workflowId(jobId)).describe().getStatus()
            != WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING);
  }

  private boolean exists(long jobId) {
    try {
      client.newUntypedWorkflowStub(Names.workflowId(jobId)).describe();
      return true;
    } catch (WorkflowNotFoundException notYet) {
      return false;
    }
  }

  private JobOutcome outcome(long jobId) throws Exception {
    return client.newUntypedWorkflowStub(Names.workflowId(jobId)).getResult(10, TimeUnit.SECONDS, JobOutcome.class);
  }

  /** VMs and runners left now. */
  private int leaked() {
    return host.vms().size() + GITHUB.runners().size();
  }

  private static void await(String what, Callable<Boolean> condition) throws Exception {
    long deadline = System.nanoTime() + END.toNanos();
    while (!condition.call()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out after " + END + " waiting for " + what);
      }
      Thread.sleep(100);
    }
  }

  /** Since {@code index}, GitHub was called about the job exactly once: its one runner's registration. */
  private static void assertOneJitCallOnly(int index, JobInfo job) {
    assertThat(callsAbout(index, job.id(), job.runId()))
        .extracting(CallLog.Call::endpoint).containsExactly(Endpoints.GENERATE_JITCONFIG);
  }

  /** Runner removals since {@code index} (their path names the runner by id only). */
  private static List<CallLog.Call> deletesSince(int index) {
    List<CallLog.Call> all = GITHUB.calls().calls();
    return all.subList(index, all.size()).stream().filter(c -> c.endpoint().equals(Endpoints.DELETE_RUNNER)).toList();
  }

  /** The GitHub calls since {@code index} about a job: its runners (hangar-<jobId>-n) or its run. */
  private static List<CallLog.Call> callsAbout(int index, long jobId, long runId) {
    List<CallLog.Call> all = GITHUB.calls().calls();
    String runner = "hangar-" + jobId + "-";
    return all.subList(index, all.size()).stream()
        .filter(c -> c.path().contains("/runs/" + runId + "/") || c.path().endsWith("/runs/" + runId)
            || c.body() != null && c.body().contains(runner))
        .toList();
  }

  // ---- deliveries ----

  private static WorkflowJobSpec spec(JobInfo job) {
    return WorkflowJobSpec.of("queued", job.id(), job.runId(), job.labels()).withRepository(job.owner(), job.repo());
  }

  private static String queued(JobInfo job) {
    return GitHubPayloads.workflowJob(spec(job));
  }

  private static String ourQueued(long jobId) {
    return GitHubPayloads.workflowJob(WorkflowJobSpec.of("queued", jobId, 1, OURS).withRepository(OWNER, REPO));
  }

  private HttpResponse<String> signed(String event, String json) throws IOException, InterruptedException {
    byte[] body = json.getBytes(StandardCharsets.UTF_8);
    return post(body, event, WebhookSigner.sign(SECRET, body));
  }

  private HttpResponse<String> post(byte[] body, String event, String signature)
      throws IOException, InterruptedException {
    return post(body, event, signature, UUID.randomUUID().toString());
  }

  private HttpResponse<String> post(byte[] body, String event, String signature, String delivery)
      throws IOException, InterruptedException {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + PORT + "/webhook"))
        .timeout(Duration.ofSeconds(20))
        .header("Content-Type", "application/json")
        .header("X-GitHub-Delivery", delivery)
        .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (event != null) {
      request.header("X-GitHub-Event", event);
    }
    if (signature != null) {
      request.header(WebhookSigner.HEADER, signature);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static String name(TestInfo test) {
    return WebhookLoopFaultsTest.class.getSimpleName() + "." + test.getTestMethod().orElseThrow().getName();
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
