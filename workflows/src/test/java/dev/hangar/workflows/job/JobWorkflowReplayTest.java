package dev.hangar.workflows.job;

import dev.hangar.workflows.CommittedHistories;
import java.io.IOException;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Replays every committed job history against the current workflow code. A change that would make
 * a running job's history non-deterministic fails here; guard it with {@code Workflow.getVersion}.
 * Histories are recorded by {@link JobWorkflowTest} with {@code -Dhangar.histories.write=true}.
 */
class JobWorkflowReplayTest {

  @TestFactory
  Stream<DynamicTest> everyCommittedHistoryReplays() throws IOException {
    return CommittedHistories.replayEach(Path.of("src/test/resources/histories"), JobWorkflowImpl.class, 5);
  }
}
