package dev.hangar.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hangar.emulator.CallLog;
import dev.hangar.emulator.Endpoints;
import dev.hangar.emulator.JobInfo;
import dev.hangar.emulator.JobPlan;
import dev.hangar.emulator.WebhookDelivery;
import dev.hangar.workflows.job.JobOutcome;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Twenty jobs of two template sizes over two hosts, each run by the emulated runner in its VM:
 * all complete, no host ever holds more VMs than it may, and nothing is left behind.
 */
class FleetLoadTest {

  private static final List<String> SMALL = List.of("self-hosted", HangarStack.POOL);
  private static final List<String> LARGE = List.of("self-hosted", "anka-template:" + HangarStack.LARGE_TEMPLATE);
  private static final int MAX_VMS_PER_HOST = 2;

  private static HangarStack stack;
  private static EndState end;

  @BeforeAll
  static void start() throws Exception {
    stack = new HangarStack("fleet-load", Map.of("registration-timeout", "20s"), List.of("mac-1", "mac-2"),
        HangarStack.Runners.EMULATED, Map.of()).start();
    end = new EndState(stack);
  }

  @AfterAll
  static void stop() {
    if (stack != null) {
      stack.close();
    }
  }

  static List<CallLog.Call> jitCalls() {
    return stack.github.calls().calls().stream()
        .filter(c -> c.endpoint().equals(Endpoints.GENERATE_JITCONFIG))
        .toList();
  }

  @Test
  void twentyJobsOfTwoSizesAllCompleteAndNoHostEverHoldsMoreVmsThanItMay() throws Exception {
    Map<String, Integer> mostVms = new ConcurrentHashMap<>();
    ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
    sampler.scheduleAtFixedRate(() -> {
      for (String host : stack.hostRoots.keySet()) {
        try {
          mostVms.merge(host, stack.vmsOn(host).size(), Math::max);
        } catch (java.io.IOException | java.io.UncheckedIOException e) {
          // a VM directory vanished while listed: the next sample sees the truth
        }
      }
    }, 0, 50, TimeUnit.MILLISECONDS);

    List<JobInfo> jobs = new ArrayList<>();
    try {
      for (int i = 0; i < 20; i++) {
        jobs.add(stack.github.createJob(HangarStack.OWNER, HangarStack.REPO, i % 4 == 0 ? LARGE : SMALL,
            JobPlan.succeedsAfter(Duration.ofMillis(500))));
      }
      end.concludedAndClean(jobs, "success", Duration.ofMinutes(3));
    } finally {
      sampler.shutdownNow();
      sampler.awaitTermination(5, TimeUnit.SECONDS);
    }

    assertThat(mostVms).as("most VMs seen at once per host").containsOnlyKeys("mac-1", "mac-2");
    assertThat(mostVms.values()).allSatisfy(n -> assertThat(n).isBetween(1, MAX_VMS_PER_HOST));
    int vms = 0;
    for (JobInfo job : jobs) {
      JobOutcome outcome = end.outcome(job.id());
      assertThat(outcome.result()).isEqualTo(JobOutcome.Result.COMPLETED);
      vms += outcome.vmsCreated();
    }
    // At most one JIT configuration per VM (a VM whose claim was withdrawn before it had a host
    // registers none), never one name twice (GitHub would answer 409), and no cancel.
    assertThat(jitCalls()).allMatch(c -> c.status() == 201, "answered 201");
    assertThat(jitCalls()).hasSizeBetween(jobs.size(), vms);
    assertThat(stack.github.calls().count(Endpoints.CANCEL_RUN)).isZero();
    assertThat(stack.github.deliveries()).extracting(WebhookDelivery::status).allMatch(s -> s >= 200 && s < 300);
  }
}
