package dev.hangar.workflows;

import static org.assertj.core.api.Assertions.assertThat;

import io.temporal.testing.WorkflowReplayer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;

/** Committed workflow histories (JSON, as the CLI exports them), replayed one test each. */
public final class CommittedHistories {

  private CommittedHistories() {}

  /**
   * One test per {@code .json} file directly in {@code dir}, replaying it against {@code
   * workflowImpl}; fails if there are fewer than {@code atLeast}.
   */
  public static Stream<DynamicTest> replayEach(Path dir, Class<?> workflowImpl, int atLeast) throws IOException {
    List<Path> files;
    try (Stream<Path> s = Files.list(dir)) {
      files = s.filter(p -> p.toString().endsWith(".json")).sorted().toList();
    }
    assertThat(files).as("committed histories in %s", dir).hasSizeGreaterThanOrEqualTo(atLeast);
    return files.stream().map(file -> DynamicTest.dynamicTest(file.getFileName().toString(),
        () -> WorkflowReplayer.replayWorkflowExecution(Files.readString(file, StandardCharsets.UTF_8), workflowImpl)));
  }
}
