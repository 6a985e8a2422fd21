package dev.hangar.testfixtures;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * What a fault-injection or hostile-input test tried and what it found, for docs/reliability.md.
 * Each call appends one tab-separated line to {@code target/reliability-tally.tsv} of the module
 * whose tests run: test, inputs tried, faults injected, jobs run, jobs lost, VMs leaked. A test
 * records after it has measured its end state, so a lost job or a leaked VM is counted (and then
 * fails the test).
 */
public final class FaultTally {

  /** Where the lines go, relative to the module the tests run in. */
  public static final Path FILE = Path.of("target", "reliability-tally.tsv");

  private FaultTally() {}

  /**
   * @param test the test, as {@code Class.method}
   * @param inputs hostile or malformed inputs sent
   * @param faults faults injected (a process killed, an error answered, a call delayed)
   * @param jobs jobs that ran through Hangar
   * @param jobsLost jobs that did not conclude as they should have
   * @param vmsLeaked VMs (or runners) left behind at the end
   */
  public static synchronized void record(String test, int inputs, int faults, int jobs, int jobsLost, int vmsLeaked) {
    String line = String.join("\t", test, Integer.toString(inputs), Integer.toString(faults),
        Integer.toString(jobs), Integer.toString(jobsLost), Integer.toString(vmsLeaked)) + "\n";
    try {
      Files.createDirectories(FILE.toAbsolutePath().getParent());
      Files.writeString(FILE, line, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
