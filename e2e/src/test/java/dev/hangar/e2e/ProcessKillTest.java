package dev.hangar.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hangar.emulator.JobInfo;
import dev.hangar.emulator.JobPlan;
import dev.hangar.emulator.WebhookDelivery;
import dev.hangar.testfixtures.FaultTally;
import dev.hangar.workflows.Names;
import dev.hangar.workflows.job.JobOutcome;
import dev.hangar.workflows.job.JobStatus;
import dev.hangar.workflows.job.JobWorkflow;
import dev.hangar.workflows.job.Phase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Processes die with SIGKILL at the worst moments, on one stack of two hosts with emulated
 * runners: a worker-host while it pulls a template for a job, never to come back; and the gateway
 * while GitHub's deliveries are in flight, started again. Each test ends with every job
 * concluded, every workflow closed, no VM and no runner left; the last one searches what the
 * crashes left behind (logs, histories) for every secret.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ProcessKillTest {

  private static final List<String> SMALL = List.of("self-hosted", HangarStack.POOL);

  @AutoClose private static HangarStack stack;
  private static EndState end;
  private static final List<JobInfo> JOBS = new ArrayList<>();
  /** Every JIT configuration GitHub handed out while the tests ran. */
  private static final Set<String> JIT_CONFIGS = new java.util.concurrent.ConcurrentSkipListSet<>();

  @BeforeAll
  static void start() throws Exception {
    stack = new HangarStack("process-kill", Map.of("host-timeout", "5s"), List.of("mac-1", "mac-2"),
        HangarStack.Runners.EMULATED, Map.of("simulated.pull-delay", "5s", "orphan-sweep-interval", "3s")).start();
    end = new EndState(stack);
  }

  @Test
  @Order(1)
  void aHostKilledWhilePullingForAJobAndNeverBackLosesOnlyThatAttempt() throws Exception {
    JobInfo job = stack.github.createJob(HangarStack.OWNER, HangarStack.REPO, SMALL,
        JobPlan.succeedsAfter(Duration.ofSeconds(1)));
    JOBS.add(job);
    JobWorkflow workflow = stack.client().newWorkflowStub(JobWorkflow.class, Names.workflowId(job.id()));
    JobStatus pulling = Await.until("job " + job.id() + " pulling its template", Duration.ofSeconds(60), () -> {
      JobStatus s = end.phase(job.id()) == Phase.PREPARING_VM ? workflow.status() : null;
      return s != null && s.host() != null ? s : null;
    }, end.context());
    String dead = pulling.host();

    stack.host(dead).kill();

    Await.until("job " + job.id() + " completed", Duration.ofSeconds(120), () -> {
      noteJitConfigs();
      return stack.github.job(job.id()).filter(j -> "completed".equals(j.status())).isPresent();
    }, end.context());
    end.concludedAndClean(List.of(job), "success", Duration.ofSeconds(60));
    JobOutcome outcome = end.outcome(job.id());
    assertThat(outcome.vmsCreated()).as("the attempt on the dead host, then one elsewhere").isEqualTo(2);
    String survivor = stack.hostRoots.keySet().stream().filter(h -> !h.equals(dead)).findFirst().orElseThrow();
    assertThat(workflow.status().vms()).extracting(JobStatus.VmStatus::host).containsExactly(dead, survivor);
    FaultTally.record("ProcessKillTest.hostKilledMidPull", 0, 1, 1, 0, stack.allVms().size());
    // The dead host stays down: the other tests of this stack need one host only.
  }

  @Test
  @Order(2)
  void aGatewayKilledWithDeliveriesInFlightLosesNoEvent() throws Exception {
    Await.until("earlier deliveries sent", Duration.ofSeconds(10), stack.github::deliveriesSettled);
    int deliveriesBefore = stack.github.deliveries().size();
    List<JobInfo> jobs = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      jobs.add(stack.github.createJob(HangarStack.OWNER, HangarStack.REPO, SMALL,
          JobPlan.succeedsAfter(Duration.ofMillis(500))));
    }
    JOBS.addAll(jobs);
    stack.gateway.kill();
    Await.until("deliveries of the burst attempted", Duration.ofSeconds(30), stack.github::deliveriesSettled);
    List<WebhookDelivery> whileKilled = since(deliveriesBefore);

    // Every event acknowledged with 2xx before the kill was handed over: its job's workflow exists.
    Set<Long> acknowledged = whileKilled.stream().filter(d -> d.status() / 100 == 2)
        .map(d -> jobIdOf(d)).collect(Collectors.toSet());
    for (long jobId : acknowledged) {
      assertThat(end.status(Names.workflowId(jobId))).as("workflow of acknowledged job %s", jobId).isNotNull();
    }
    stack.gateway.restart();
    Await.until("every job completed, its deliveries redelivered", Duration.ofSeconds(120), () -> {
      stack.redeliverUnacknowledged();
      noteJitConfigs();
      return jobs.stream().allMatch(j -> stack.github.job(j.id()).map(x -> "completed".equals(x.status())).orElse(false));
    }, end.context());
    Await.until("no delivery left unanswered", Duration.ofSeconds(30), () -> stack.redeliverUnacknowledged() == 0);

    end.concludedAndClean(jobs, "success", Duration.ofSeconds(90));
    long unanswered = whileKilled.stream().filter(d -> d.status() / 100 != 2).count();
    assertThat(unanswered).as("deliveries the killed gateway never answered").isPositive();
    for (JobInfo job : jobs) {
      assertThat(end.executions(Names.workflowId(job.id()))).as("executions of job %s", job.id()).isEqualTo(1);
    }
    FaultTally.record("ProcessKillTest.gatewayKilledWithDeliveriesInFlight", 0, 1, jobs.size(), 0,
        stack.allVms().size() + stack.github.runners().size());
  }

  @Test
  @Order(3)
  void whatTheCrashesLeftBehindHoldsNoSecret() throws Exception {
    assertThat(JIT_CONFIGS).as("JIT configurations seen").isNotEmpty();
    List<String> secrets = new ArrayList<>(List.of(stack.secretsForLeakCheck().split("\n")));
    secrets.addAll(JIT_CONFIGS);
    Map<String, String> places = new java.util.LinkedHashMap<>();
    try (var files = java.nio.file.Files.walk(stack.workDir)) {
      for (java.nio.file.Path log : files.filter(p -> p.toString().endsWith(".log")).toList()) {
        places.put("log " + stack.workDir.relativize(log),
            java.nio.file.Files.readString(log, java.nio.charset.StandardCharsets.ISO_8859_1));
      }
    }
    for (JobInfo job : JOBS) {
      places.put("history of job " + job.id(), stack.client().fetchHistory(Names.workflowId(job.id())).toJson(false));
    }
    assertThat(places).containsKeys("log gateway.log", "log mac-1.log", "log mac-2.log");
    for (Map.Entry<String, String> place : places.entrySet()) {
      for (String secret : secrets) {
        assertThat(place.getValue()).as("a secret in %s", place.getKey()).doesNotContain(secret);
      }
    }
  }

  /** Remembers the JIT configuration of every runner registered now. */
  private static void noteJitConfigs() {
    stack.github.runners().forEach(r -> JIT_CONFIGS.add(r.encodedJitConfig()));
  }

  private static List<WebhookDelivery> since(int index) {
    List<WebhookDelivery> all = stack.github.deliveries();
    return all.subList(index, all.size());
  }

  private static long jobIdOf(WebhookDelivery delivery) {
    try {
      return new com.fasterxml.jackson.databind.ObjectMapper().readTree(delivery.body()).path("workflow_job").path("id")
          .asLong();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
