package dev.hangar.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import oshi.SystemInfo;
import oshi.hardware.CentralProcessor;
import oshi.hardware.HardwareAbstractionLayer;
import oshi.software.os.OperatingSystem;

/** The machine a run measured, described from the running JVM and OSHI. */
record Machine(String cpu, int logicalCores, int physicalCores, long memoryMb, String os, String jdk, double loadAverage) {

  static Machine describe() {
    SystemInfo info = new SystemInfo();
    HardwareAbstractionLayer hardware = info.getHardware();
    CentralProcessor cpu = hardware.getProcessor();
    OperatingSystem os = info.getOperatingSystem();
    return new Machine(
        cpu.getProcessorIdentifier().getName().trim(),
        cpu.getLogicalProcessorCount(),
        cpu.getPhysicalProcessorCount(),
        hardware.getMemory().getTotal() / (1024 * 1024),
        os.getFamily() + " " + os.getVersionInfo() + " (" + System.getProperty("os.arch") + ")",
        System.getProperty("java.vm.vendor") + " " + System.getProperty("java.vm.name") + " "
            + System.getProperty("java.runtime.version"),
        cpu.getSystemLoadAverage(1)[0]);
  }

  String markdown() {
    return "| | |\n| --- | --- |\n"
        + "| CPU | " + cpu + " |\n"
        + "| cores | " + logicalCores + " logical, " + physicalCores + " physical |\n"
        + "| memory | " + memoryMb + " MiB |\n"
        + "| OS | " + os + " |\n"
        + "| JDK | " + jdk + " |\n"
        + "| load average (1 min) at start | " + String.format(Locale.ROOT, "%.2f", loadAverage) + " |\n";
  }

  /** Resident and peak resident memory of a process, in MiB, from {@code /proc/<pid>/status}. */
  record Rss(long residentMb, long peakMb) {

    static Rss of(long pid) throws IOException {
      long rss = 0;
      long hwm = 0;
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
        if (line.startsWith("VmRSS:")) {
          rss = kib(line) / 1024;
        } else if (line.startsWith("VmHWM:")) {
          hwm = kib(line) / 1024;
        }
      }
      return new Rss(rss, hwm);
    }

    private static long kib(String line) {
      return Long.parseLong(line.replaceAll("[^0-9]", ""));
    }
  }
}
