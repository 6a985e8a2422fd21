package dev.hangar.activities.host;

/**
 * What a host has, at one moment.
 *
 * @param cpuCores logical CPU cores
 * @param memoryTotalMb physical memory, in MiB
 * @param memoryAvailableMb memory available now, in MiB
 * @param diskTotalGb size of the file system holding the driver's root, in GiB
 * @param diskFreeGb space usable now on that file system, in GiB
 */
public record HostResources(
    int cpuCores, long memoryTotalMb, long memoryAvailableMb, long diskTotalGb, long diskFreeGb) {}
