package dev.hangar.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hangar.emulator.Endpoints;
import dev.hangar.emulator.JobInfo;
import dev.hangar.emulator.JobPlan;
import dev.hangar.workflows.Names;
import dev.hangar.workflows.job.JobOutcome;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code hangar.github.runner-registration: registration-token}, end to end: the gateway gets a
 * registration token (no JIT configuration), the host opens the sealed file into the VM, the
 * emulated runner registers itself with the token as {@code config.sh} does, takes the job and
 * ends it, and everything is cleaned up, with one GitHub call for the runner.
 */
class RegistrationTokenRunnerTest {

  private static HangarStack stack;
  private static EndState end;

  @BeforeAll
  static void start() throws Exception {
    stack = new HangarStack("registration-token", Map.of(), List.of("mac-1"), HangarStack.Runners.EMULATED,
        Map.of(), Map.of(), Map.of("runner-registration", "registration-token")).start();
    end = new EndState(stack);
  }

  @AfterAll
  static void stop() {
    if (stack != null) {
      stack.close();
    }
  }

  @Test
  void aJobRunsOnARunnerThatRegisteredWithAToken() throws Exception {
    JobInfo job = stack.github.createJob(HangarStack.OWNER, HangarStack.REPO,
        List.of("self-hosted", HangarStack.POOL), JobPlan.succeedsAfter(Duration.ofMillis(500)));

    end.jobsConcluded(List.of(job), "success", Duration.ofMinutes(2));
    end.clean(List.of(job), Duration.ofSeconds(60));

    JobOutcome outcome = end.outcome(job.id());
    assertThat(outcome.result()).isEqualTo(JobOutcome.Result.COMPLETED);
    assertThat(outcome.vmsCreated()).isEqualTo(1);
    assertThat(stack.github.job(job.id()).orElseThrow().runnerName()).isEqualTo(Names.vmName(job.id(), 1));
    assertThat(stack.github.calls().count(Endpoints.REGISTRATION_TOKEN)).isEqualTo(1);
    assertThat(stack.github.calls().count(Endpoints.GENERATE_JITCONFIG)).isZero();
    // Served on its first attempt: no look-up by name, no removal.
    assertThat(stack.github.calls().count(Endpoints.LIST_RUNNERS)).isZero();
    assertThat(stack.github.runners()).isEmpty();
  }
}
