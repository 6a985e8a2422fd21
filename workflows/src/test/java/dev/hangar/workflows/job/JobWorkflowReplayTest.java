package dev.hangar.workflows.job;

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
 * Replays every committed job history against the current workflow code. A change that would make
 * a running job's history non-deterministic fails here; guard it with {@code Workflow.getVersion}.
 * Histories are recorded by {@link JobWorkflowTest} with {@code -Dhangar.histories.write=true}.
 */
class JobWorkflowReplayTest {

  private static final Path HISTORIES = Path.of("src/test/resources/histories");

  @TestFactory
  Stream<DynamicTest> everyCommittedHistoryReplays() throws IOException {
    List<Path> files;
    try (Stream<Path> s = Files.list(HISTORIES)) {
      files = s.filter(p -> p.toString().endsWith(".json")).sorted().toList();
    }
    assertThat(files).as("committed histories").hasSizeGreaterThanOrEqualTo(5);
    return files.stream()
        .map(
            file ->
                DynamicTest.dynamicTest(
                    file.getFileName().toString(),
                    () ->
                        WorkflowReplayer.replayWorkflowExecution(
                            Files.readString(file, StandardCharsets.UTF_8), JobWorkflowImpl.class)));
  }
}
