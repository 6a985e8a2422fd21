package dev.hangar.e2e;

import ch.qos.logback.classic.LoggerContext;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hangar.emulator.SimulatedRunner;
import java.io.File;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The worker-host's {@code hangar.host.simulated.runner-command} that makes each simulated VM run
 * the GitHub emulator's {@link SimulatedRunner}: this JVM's {@code java}, and a class path of the
 * github-emulator jar (as the reactor built it) and its runtime dependencies, found from where this
 * test JVM loaded them. The runner's environment holds only {@code PATH}, so every path is absolute.
 */
final class EmulatedRunnerCommand {

  private EmulatedRunnerCommand() {}

  static List<String> command() {
    Set<String> classPath = new LinkedHashSet<>();
    for (Class<?> c : List.of(
        SimulatedRunner.class, ObjectMapper.class, JsonFactory.class, JsonProperty.class,
        org.slf4j.LoggerFactory.class, LoggerContext.class, ch.qos.logback.core.Context.class)) {
      classPath.add(locationOf(c));
    }
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(List.of("-Xmx64m", "-Xss512k", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-XX:-UsePerfData"));
    URL logback = EmulatedRunnerCommand.class.getClassLoader().getResource("logback-test.xml");
    if (logback != null) {
      cmd.add("-Dlogback.configurationFile=" + logback.getPath());
    }
    cmd.add("-cp");
    cmd.add(String.join(File.pathSeparator, classPath));
    cmd.add(SimulatedRunner.class.getName());
    return cmd;
  }

  private static String locationOf(Class<?> c) {
    try {
      return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    } catch (URISyntaxException e) {
      throw new IllegalStateException("cannot locate the classes of " + c.getName(), e);
    }
  }
}
