package dev.hangar.workflows.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.temporal.testing.WorkflowReplayer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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

  private static final Path HISTORIES = Path.of("src/test/resources/histories/reconcile");

  @TestFactory
  Stream<DynamicTest> everyCommittedPassReplays() throws IOException {
    List<Path> files;
    try (Stream<Path> s = Files.list(HISTORIES)) {
      files = s.filter(p -> p.toString().endsWith(".json")).sorted().toList();
    }
    assertThat(files).as("committed reconcile histories").isNotEmpty();
    return files.stream().map(file -> DynamicTest.dynamicTest(file.getFileName().toString(),
        () -> WorkflowReplayer.replayWorkflowExecution(
            Files.readString(file, StandardCharsets.UTF_8), ReconcileWorkflowImpl.class)));
  }
}
