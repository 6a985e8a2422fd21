package dev.hangar.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hangar.emulator.CallLog;
import dev.hangar.emulator.Endpoints;
import dev.hangar.emulator.JobInfo;
import dev.hangar.emulator.JobPlan;
import dev.hangar.workflows.job.Phase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Temporal server stops while jobs run and starts again on the same SQLite file and ports: the
 * gateway and the hosts reconnect, and every job still finishes with nothing left behind. A webhook
 * the gateway could not hand over meanwhile was answered 503, and is redelivered, as an operator
 * would from GitHub's Recent Deliveries.
 */
class TemporalRestartTest {

  private static final List<String> SMALL = List.of("self-hosted", HangarStack.POOL);

  private static HangarStack stack;
  private static EndState end;

  @BeforeAll
  static void start() throws Exception {
    stack = new HangarStack("temporal-restart", Map.of(), List.of("mac-1"), HangarStack.Runners.EMULATED, Map.of())
        .start();
    end = new EndState(stack);
  }

  @AfterAll
  static void stop() {
    if (stack != null) {
      stack.close();
    }
  }

  @Test
  void temporalStoppedAndStartedAgainMidFlightLosesNoJob() throws Exception {
    List<JobInfo> jobs = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      jobs.add(stack.github.createJob(HangarStack.OWNER, HangarStack.REPO, SMALL,
          JobPlan.succeedsAfter(Duration.ofSeconds(8))));
    }
    for (JobInfo job : jobs) {
      Await.until("job " + job.id() + " running", Duration.ofSeconds(60),
          () -> end.phase(job.id()) == Phase.RUNNING, end.context());
    }

    stack.temporal.stop();
    Thread.sleep(2000);
    stack.temporal.start();

    Await.until("every job completed, its deliveries handed over", Duration.ofSeconds(90), () -> {
      redeliverFailed();
      return stack.github.jobs().stream().allMatch(j -> "completed".equals(j.status()));
    }, end.context());
    Await.until("no delivery left unanswered", Duration.ofSeconds(30), () -> redeliverFailed() == 0);
    end.concludedAndClean(jobs, "success", Duration.ofSeconds(90));
    int vms = 0;
    for (JobInfo job : jobs) {
      vms += end.outcome(job.id()).vmsCreated();
    }
    // No runner registered twice: each JIT call answered 201, at most one per VM.
    List<CallLog.Call> jit = stack.github.calls().calls().stream()
        .filter(c -> c.endpoint().equals(Endpoints.GENERATE_JITCONFIG)).toList();
    assertThat(jit).hasSizeBetween(jobs.size(), vms).allMatch(c -> c.status() == 201, "answered 201");
    assertThat(stack.github.calls().count(Endpoints.CANCEL_RUN)).isZero();
  }

  private static int redeliverFailed() {
    return stack.redeliverUnacknowledged();
  }
}
