package dev.hangar.emulator;

import java.util.List;

/**
 * A self-hosted runner as the emulator holds it.
 *
 * @param id GitHub's runner id
 * @param owner repository owner
 * @param repo repository name
 * @param name the runner's name
 * @param labels its labels
 * @param status {@code offline} until it claimed work, then {@code online}
 * @param busy whether it runs a job
 * @param encodedJitConfig the JIT configuration GitHub handed out for it
 */
public record RunnerInfo(
    long id,
    String owner,
    String repo,
    String name,
    List<String> labels,
    String status,
    boolean busy,
    String encodedJitConfig) {

  public RunnerInfo {
    labels = List.copyOf(labels);
  }

  @Override
  public String toString() {
    return "RunnerInfo[id=" + id + ", name=" + name + ", labels=" + labels + ", status=" + status
        + ", busy=" + busy + "]";
  }
}
