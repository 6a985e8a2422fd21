package dev.hangar.activities.host.anka;

/**
 * What one VM of a template takes, as the registry describes it ({@code anka registry show}).
 *
 * @param cpuCores {@code cpu_cores}
 * @param ramBytes {@code ram_size}, bytes
 * @param hardDriveBytes {@code hard_drive}, bytes: the virtual disk's size
 */
public record TemplateResources(int cpuCores, long ramBytes, long hardDriveBytes) {

  private static final long MIB = 1024L * 1024;

  /** The memory in MiB, as {@code hangar.templates[n].memory-mb} counts it. */
  public long memoryMb() {
    return ramBytes / MIB;
  }
}
