package dev.hangar.e2e;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Free loopback ports for the processes a test starts.
 *
 * <p>A port is chosen here and bound later by another process, so it must not be one the kernel
 * may hand out meanwhile as the local end of an outgoing connection (gRPC and HTTP clients open
 * many). Ports therefore come from below the kernel's ephemeral range, are checked bindable, and
 * are never handed out twice in one run.
 */
final class Ports {

  private static final int LOWEST = 20_000;
  private static final Set<Integer> HANDED_OUT = new HashSet<>();

  private Ports() {}

  static synchronized int free() {
    int highest = ephemeralRangeStart() - 1;
    for (int tries = 0; tries < 1_000; tries++) {
      int port = ThreadLocalRandom.current().nextInt(LOWEST, highest + 1);
      if (!HANDED_OUT.contains(port) && bindable(port)) {
        HANDED_OUT.add(port);
        return port;
      }
    }
    throw new IllegalStateException("no free loopback port between " + LOWEST + " and " + highest);
  }

  private static boolean bindable(int port) {
    try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort() == port;
    } catch (IOException e) {
      return false;
    }
  }

  /** Linux says where its ephemeral range starts; elsewhere assume the IANA range (49152). */
  private static int ephemeralRangeStart() {
    try {
      String range = Files.readString(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).trim();
      return Math.max(LOWEST + 1_000, Integer.parseInt(range.split("\\s+")[0]));
    } catch (IOException | RuntimeException e) {
      return 49_152;
    }
  }
}
