package dev.hangar.host;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hangar.workflows.host.PlacementActivities;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import org.junit.jupiter.api.Test;

class WorkerPollingSwitchTest {

  @Test
  void suspendsAndResumesARealWorkerOnceItsFactoryStarted() {
    try (TestWorkflowEnvironment env = TestWorkflowEnvironment.newInstance()) {
      Worker worker = env.newWorker("hangar-placement-c4-m8192");
      worker.registerActivitiesImplementations((PlacementActivities) request -> null);
      WorkerPollingSwitch control = new WorkerPollingSwitch(env.getWorkerFactory(), worker);

      assertThat(control.poll(false)).isFalse(); // would be lost before the start

      env.start();
      assertThat(worker.isSuspended()).isFalse();
      assertThat(control.poll(false)).isTrue();
      assertThat(worker.isSuspended()).isTrue();
      assertThat(control.poll(true)).isTrue();
      assertThat(worker.isSuspended()).isFalse();
    }
  }
}
