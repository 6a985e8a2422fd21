package dev.hangar.workflows.reconcile;

import dev.hangar.workflows.CommittedHistories;
import java.io.IOException;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Replays every committed reconcile pass against the current workflow code. A pass lasts seconds,
 * but one in flight during a deployment must still replay; guard a change with {@code
 * Workflow.getVersion}. Histories are recorded by {@link ReconcileWorkflowTest} with {@code
 * -Dhangar.histories.write=true}.
 */
class ReconcileWorkflowReplayTest {

  @TestFactory
  Stream<DynamicTest> everyCommittedPassReplays() throws IOException {
    return CommittedHistories.replayEach(
        Path.of("src/test/resources/histories/reconcile"), ReconcileWorkflowImpl.class, 1);
  }
}
