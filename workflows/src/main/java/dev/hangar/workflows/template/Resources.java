package dev.hangar.workflows.template;

/**
 * What one VM of a template needs on its host.
 *
 * @param cpuCores virtual CPU cores
 * @param memoryMb memory in MiB
 * @param diskGb disk the template takes on the host once pulled, in GiB
 */
public record Resources(int cpuCores, long memoryMb, long diskGb) {

  public Resources {
    if (cpuCores <= 0 || memoryMb <= 0 || diskGb < 0) {
      throw new IllegalArgumentException(
          "resources must be positive: cpu=" + cpuCores + " memoryMb=" + memoryMb + " diskGb=" + diskGb);
    }
  }

  /**
   * The size class these needs fall in, for example {@code c4-m8192}. Templates of one size class
   * share one placement queue, so a host with room for a small VM keeps picking up small jobs
   * while a large one waits.
   */
  public String sizeClass() {
    return "c" + cpuCores + "-m" + memoryMb;
  }
}
