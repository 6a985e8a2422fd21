package dev.hangar.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hangar.emulator.JobInfo;
import dev.hangar.emulator.JobPlan;
import dev.hangar.emulator.RunnerInfo;
import io.temporal.api.workflow.v1.WorkflowExecutionInfo;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Runs real jobs through the whole stack, then searches everything an attacker or an operator could
 * read — every process's command line while the jobs ran, every log, every workflow history as
 * JSON, every file left on the host — for the webhook secret, the secrets key, the GitHub token and
 * every JIT runner configuration handed out. The JIT configuration may exist in exactly one place
 * in clear: the 0600 file inside its VM, which is deleted with the VM.
 */
class SecretsNeverLeakTest {

  private static HangarStack stack;

  @BeforeAll
  static void start() throws Exception {
    stack = new HangarStack("secrets", Map.of(), List.of("mac-1"), HangarStack.Runners.EMULATED, Map.of()).start();
  }

  @AfterAll
  static void stop() {
    if (stack != null) {
      stack.close();
    }
  }

  @Test
  void noSecretAppearsInArgumentsLogsHistoryOrLeftoverFiles() throws Exception {
    List<JobInfo> jobs = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      jobs.add(stack.github.createJob(HangarStack.OWNER, HangarStack.REPO, List.of("self-hosted", HangarStack.POOL),
          JobPlan.succeedsAfter(Duration.ofSeconds(2))));
    }
    Set<String> jitConfigs = new LinkedHashSet<>();
    Set<String> commandLines = new LinkedHashSet<>();
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    EndState end = new EndState(stack);
    while (System.nanoTime() < deadline && !allCompleted(jobs)) {
      stack.github.runners().stream().map(RunnerInfo::encodedJitConfig).forEach(jitConfigs::add);
      commandLines.addAll(allCommandLines());
      Thread.sleep(100);
    }
    end.concludedAndClean(jobs, "success", Duration.ofSeconds(60));
    assertThat(jitConfigs).as("JIT configs seen while the jobs ran").isNotEmpty();

    List<String> secrets = new ArrayList<>(List.of(stack.secretsForLeakCheck().split("\n")));
    secrets.addAll(jitConfigs);
    Map<String, String> places = new java.util.LinkedHashMap<>();
    commandLines.forEach(c -> places.put("a process command line: " + c.substring(0, Math.min(80, c.length())), c));
    for (Path log : logs()) {
      places.put("log " + log.getFileName(), Files.readString(log, StandardCharsets.ISO_8859_1));
    }
    for (JobInfo job : jobs) {
      String id = dev.hangar.workflows.Names.workflowId(job.id());
      places.put("history of " + id, stack.client().fetchHistory(id).toJson(false));
      WorkflowExecutionInfo info = stack.describe(id);
      places.put("search attributes of " + id, info.getSearchAttributes().toString());
    }
    for (Path file : filesLeftOnHost()) {
      places.put("host file " + file, Files.readString(file, StandardCharsets.ISO_8859_1));
    }

    for (String secret : secrets) {
      for (Map.Entry<String, String> place : places.entrySet()) {
        assertThat(place.getValue()).as("a secret in %s", place.getKey()).doesNotContain(secret);
      }
    }
    // The search really looked where the secrets would be: the places hold the jobs' traces.
    String firstWorkflow = dev.hangar.workflows.Names.workflowId(jobs.get(0).id());
    assertThat(places.entrySet()).anyMatch(e -> e.getKey().startsWith("log gateway") && e.getValue().contains(firstWorkflow));
    assertThat(commandLines).anyMatch(c -> c.contains("hangar-worker-host"));
    assertThat(commandLines).anyMatch(c -> c.contains("SimulatedRunner"));
  }

  private static boolean allCompleted(List<JobInfo> jobs) {
    return jobs.stream().allMatch(j -> stack.github.job(j.id()).map(i -> "completed".equals(i.status())).orElse(false));
  }

  /** The command lines of every process on this machine, NUL separators as spaces. */
  private static List<String> allCommandLines() throws IOException {
    List<String> out = new ArrayList<>();
    try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
      for (Path p : procs.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit)).toList()) {
        try {
          byte[] raw = Files.readAllBytes(p.resolve("cmdline"));
          out.add(new String(raw, StandardCharsets.UTF_8).replace('\0', ' '));
        } catch (IOException gone) {
          // the process ended meanwhile
        }
      }
    }
    return out;
  }

  private static List<Path> logs() throws IOException {
    try (Stream<Path> s = Files.walk(stack.workDir)) {
      return s.filter(p -> p.toString().endsWith(".log")).toList();
    }
  }

  private static List<Path> filesLeftOnHost() throws IOException {
    Path root = stack.hostRoots.get("mac-1");
    if (!Files.exists(root)) {
      return List.of();
    }
    try (Stream<Path> s = Files.walk(root)) {
      return s.filter(Files::isRegularFile).filter(p -> !p.toString().endsWith(".img")).toList();
    }
  }
}
