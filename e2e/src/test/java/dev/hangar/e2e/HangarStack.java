package dev.hangar.e2e;

import dev.hangar.emulator.EmulatorConfig;
import dev.hangar.emulator.GitHubEmulator;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.security.SecureRandom;

/**
 * The whole of Hangar, for real: a Temporal dev server, the webhook gateway process, worker-host
 * processes with the simulated driver, and the GitHub emulator sending signed webhooks to the
 * gateway. Secrets reach the processes through their environment only.
 */
final class HangarStack implements AutoCloseable {

  static final String OWNER = "octo-org";
  static final String REPO = "example-workflow";
  static final String POOL = "hangar-sim";
  static final String SMALL_TEMPLATE = "sim-small";
  static final String LARGE_TEMPLATE = "sim-large";

  final Path workDir;
  final TemporalDevServer temporal;
  final GitHubEmulator github;
  final AppProcess gateway;
  final List<AppProcess> hosts = new ArrayList<>();
  final Map<String, Path> hostRoots = new LinkedHashMap<>();
  private final String webhookSecret = randomSecret();
  private final String secretsKey = randomKey();
  private WorkflowServiceStubs stubs;
  private WorkflowClient client;

  HangarStack(String name, Map<String, String> jobPolicy, List<String> hostIds) throws Exception {
    this.workDir = Path.of("target", "e2e", name).toAbsolutePath();
    deleteRecursively(workDir);
    Files.createDirectories(workDir);
    this.temporal = new TemporalDevServer(workDir.resolve("temporal"));
    Path gatewayConfig = workDir.resolve("gateway.yml");
    this.gateway =
        new AppProcess(
            "gateway",
            AppProcess.jarOf("webhook-gateway"),
            workDir,
            List.of("--spring.config.additional-location=file:" + gatewayConfig),
            Map.of(
                "HANGAR_GATEWAY_WEBHOOK_SECRET", webhookSecret,
                "HANGAR_SECRETS_KEY", secretsKey,
                "HANGAR_GITHUB_TOKEN", EmulatorConfig.DEFAULT_TOKEN,
                "SPRING_TEMPORAL_CONNECTION_TARGET", temporal.target()));
    this.github =
        GitHubEmulator.start(
            EmulatorConfig.defaults().withWebhook(URI.create(gateway.baseUrl() + "/webhook"), webhookSecret));
    github.addRepository(OWNER, REPO, true);
    writeGatewayConfig(gatewayConfig, jobPolicy);
    for (String hostId : hostIds) {
      Path root = workDir.resolve("hosts").resolve(hostId);
      hostRoots.put(hostId, root);
      hosts.add(
          new AppProcess(
              hostId,
              AppProcess.jarOf("worker-host"),
              workDir,
              List.of("--spring.config.additional-location=file:" + writeHostConfig(hostId, root)),
              Map.of(
                  "HANGAR_SECRETS_KEY", secretsKey,
                  "SPRING_TEMPORAL_CONNECTION_TARGET", temporal.target())));
    }
  }

  HangarStack start() throws Exception {
    temporal.start();
    gateway.start();
    for (AppProcess host : hosts) {
      host.start();
    }
    return this;
  }

  WorkflowClient client() {
    if (client == null) {
      stubs = WorkflowServiceStubs.newServiceStubs(
          WorkflowServiceStubsOptions.newBuilder().setTarget(temporal.target()).build());
      client = WorkflowClient.newInstance(stubs, WorkflowClientOptions.newBuilder().setNamespace("default").build());
    }
    return client;
  }

  Path vmDir(String hostId, String vmName) {
    return hostRoots.get(hostId).resolve("vms").resolve(vmName);
  }

  /** The names of VMs present on a host now. */
  List<String> vmsOn(String hostId) throws IOException {
    Path vms = hostRoots.get(hostId).resolve("vms");
    if (!Files.isDirectory(vms)) {
      return List.of();
    }
    try (var s = Files.list(vms)) {
      return s.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith(".")).sorted().toList();
    }
  }

  String secretsForLeakCheck() {
    return webhookSecret + "\n" + secretsKey + "\n" + EmulatorConfig.DEFAULT_TOKEN;
  }

  private void writeGatewayConfig(Path file, Map<String, String> jobPolicy) throws IOException {
    StringBuilder yml = new StringBuilder();
    yml.append("hangar:\n");
    yml.append("  github:\n    api-url: ").append(github.baseUrl()).append('\n');
    yml.append("  job:\n");
    jobPolicy.forEach((k, v) -> yml.append("    ").append(k).append(": ").append(v).append('\n'));
    yml.append(templates());
    yml.append("  pools:\n    - name: ").append(POOL).append("\n      template: ").append(SMALL_TEMPLATE).append('\n');
    Files.writeString(file, yml.toString());
  }

  private Path writeHostConfig(String hostId, Path root) throws IOException {
    String yml =
        "hangar:\n"
            + "  host:\n"
            + "    id: " + hostId + "\n"
            + "    max-running-vms: 2\n"
            + "    skip-cpu-and-memory-resource-checks: true\n"
            + "    capacity-check-interval: 1s\n"
            + "    simulated:\n"
            + "      root: " + root + "\n"
            + templates();
    Path file = workDir.resolve(hostId + ".yml");
    Files.writeString(file, yml);
    return file;
  }

  private static String templates() {
    return "  templates:\n"
        + "    - id: " + SMALL_TEMPLATE + "\n      cpu-cores: 2\n      memory-mb: 4096\n      disk-gb: 1\n"
        + "    - id: " + LARGE_TEMPLATE + "\n      cpu-cores: 8\n      memory-mb: 16384\n      disk-gb: 1\n";
  }

  @Override
  public void close() {
    if (stubs != null) {
      stubs.shutdownNow();
    }
    for (AppProcess host : hosts) {
      host.close();
    }
    gateway.close();
    github.close();
    temporal.close();
  }

  private static String randomSecret() {
    byte[] b = new byte[24];
    new SecureRandom().nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  private static String randomKey() {
    byte[] b = new byte[32];
    new SecureRandom().nextBytes(b);
    return Base64.getEncoder().encodeToString(b);
  }

  private static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (var s = Files.walk(dir)) {
      for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
