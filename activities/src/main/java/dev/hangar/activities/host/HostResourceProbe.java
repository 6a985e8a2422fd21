package dev.hangar.activities.host;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import oshi.SystemInfo;
import oshi.hardware.HardwareAbstractionLayer;

/**
 * Reads the host's resources: cores and memory from OSHI, disk from the file system that holds the
 * driver's root directory (so a VM root on its own volume is measured, not the boot disk).
 */
public final class HostResourceProbe {

  private static final long MIB = 1024L * 1024;
  private static final long GIB = MIB * 1024;

  private final HardwareAbstractionLayer hardware;
  private final Path diskRoot;

  /** @param diskRoot a directory on the file system whose space VMs use; it must exist */
  public HostResourceProbe(Path diskRoot) {
    this.hardware = new SystemInfo().getHardware();
    this.diskRoot = diskRoot;
  }

  /** The host's resources now. */
  public HostResources snapshot() {
    try {
      FileStore store = Files.getFileStore(diskRoot);
      return new HostResources(
          hardware.getProcessor().getLogicalProcessorCount(),
          hardware.getMemory().getTotal() / MIB,
          hardware.getMemory().getAvailable() / MIB,
          store.getTotalSpace() / GIB,
          store.getUsableSpace() / GIB);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the disk space of " + diskRoot, e);
    }
  }
}
