package dev.hangar.e2e;

import dev.hangar.emulator.EmulatorConfig;
import dev.hangar.emulator.GitHubEmulator;
import dev.hangar.workflows.reconcile.ReconcileWorkflow;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.client.schedules.ScheduleClient;
import io.temporal.client.schedules.ScheduleClientOptions;
import io.temporal.client.schedules.ScheduleHandle;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.security.SecureRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole of Hangar, for real: a Temporal dev server, the webhook gateway process, worker-host
 * processes with the simulated driver, and the GitHub emulator sending signed webhooks to the
 * gateway. Secrets reach the processes through their environment only.
 */
final class HangarStack implements AutoCloseable {

  /** What runs as the runner in each simulated VM. */
  enum Runners {
    /** {@code sleep}: the test plays the runner with the emulator's {@code claim} and {@code finish}. */
    IDLE,
    /**
     * The emulator's {@link dev.hangar.emulator.SimulatedRunner}: finds the emulator from its JIT
     * configuration, takes any fitting job, runs it for the job's plan and finishes it, as a real
     * runner does.
     */
    EMULATED
  }

  private static final Logger log = LoggerFactory.getLogger(HangarStack.class);

  static final String OWNER = "octo-org";
  static final String REPO = "example-workflow";
  static final String POOL = "hangar-sim";
  /** A repository of {@link #OWNER} that the pool's trust policy denies. */
  static final String UNTRUSTED_REPO = "untrusted-sandbox";
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
  private final Runners runners;
  private final Map<String, String> hostSettings;
  private WorkflowServiceStubs stubs;
  private WorkflowClient client;

  HangarStack(String name, Map<String, String> jobPolicy, List<String> hostIds) throws Exception {
    this(name, jobPolicy, hostIds, Runners.IDLE, Map.of());
  }

  /**
   * @param jobPolicy {@code hangar.job.*} of the gateway, for example {@code registration-timeout: 5s}
   * @param runners what runs in the VMs
   * @param hostSettings more {@code hangar.host.*} for every host, for example {@code
   *     orphan-sweep-interval: 3s}
   */
  HangarStack(
      String name, Map<String, String> jobPolicy, List<String> hostIds, Runners runners, Map<String, String> hostSettings)
      throws Exception {
    this(name, jobPolicy, hostIds, runners, hostSettings, Map.of());
  }

  /**
   * @param reconciler {@code hangar.reconciler.*} of the gateway, for example {@code interval: 10s};
   *     when not empty, the reconciler looks at the stack's repository
   */
  HangarStack(
      String name, Map<String, String> jobPolicy, List<String> hostIds, Runners runners, Map<String, String> hostSettings,
      Map<String, String> reconciler)
      throws Exception {
    this(name, jobPolicy, hostIds, runners, hostSettings, reconciler, Map.of(), EmulatorConfig.DEFAULT_DELIVERY_CONCURRENCY);
  }

  /**
   * @param gitHub more {@code hangar.github.*} of the gateway, for example {@code
   *     runner-registration: registration-token}
   */
  HangarStack(
      String name, Map<String, String> jobPolicy, List<String> hostIds, Runners runners, Map<String, String> hostSettings,
      Map<String, String> reconciler, Map<String, String> gitHub)
      throws Exception {
    this(name, jobPolicy, hostIds, runners, hostSettings, reconciler, gitHub, EmulatorConfig.DEFAULT_DELIVERY_CONCURRENCY);
  }

  /** @param deliveryConcurrency webhook deliveries the emulator has in flight at once */
  HangarStack(
      String name, Map<String, String> jobPolicy, List<String> hostIds, Runners runners, Map<String, String> hostSettings,
      Map<String, String> reconciler, int deliveryConcurrency)
      throws Exception {
    this(name, jobPolicy, hostIds, runners, hostSettings, reconciler, Map.of(), deliveryConcurrency);
  }

  private HangarStack(
      String name, Map<String, String> jobPolicy, List<String> hostIds, Runners runners, Map<String, String> hostSettings,
      Map<String, String> reconciler, Map<String, String> gitHub, int deliveryConcurrency)
      throws Exception {
    this.runners = runners;
    this.hostSettings = Map.copyOf(hostSettings);
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
                "SPRING_TEMPORAL_CONNECTION_TARGET", temporal.target(),
                // as the gateway's image sets it (webhook-gateway/Dockerfile)
                "MALLOC_ARENA_MAX", "2"));
    this.github =
        GitHubEmulator.start(
            EmulatorConfig.defaults()
                .withWebhook(URI.create(gateway.baseUrl() + "/webhook"), webhookSecret)
                .withDeliveryConcurrency(deliveryConcurrency));
    github.addRepository(OWNER, REPO, true);
    writeGatewayConfig(gatewayConfig, jobPolicy, reconciler, gitHub);
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

  /** The reconciler's Temporal Schedule, once the gateway has put it in place. */
  ScheduleHandle reconcilerSchedule() throws Exception {
    ScheduleClient schedules = ScheduleClient.newInstance(
        client().getWorkflowServiceStubs(), ScheduleClientOptions.newBuilder().setNamespace("default").build());
    ScheduleHandle handle = schedules.getHandle(ReconcileWorkflow.SCHEDULE_ID);
    Await.until("the reconciler's schedule", Duration.ofSeconds(30), () -> {
      try {
        handle.describe();
        return true;
      } catch (RuntimeException e) {
        return false;
      }
    });
    return handle;
  }

  WorkflowClient client() {
    if (client == null) {
      stubs = WorkflowServiceStubs.newServiceStubs(
          WorkflowServiceStubsOptions.newBuilder().setTarget(temporal.target()).build());
      client = WorkflowClient.newInstance(stubs, WorkflowClientOptions.newBuilder().setNamespace("default").build());
    }
    return client;
  }

  /** The worker-host process of that id. */
  AppProcess host(String hostId) {
    return hosts.stream().filter(h -> h.name().equals(hostId)).findFirst().orElseThrow();
  }

  /** The VMs on every host now. */
  List<String> allVms() throws IOException {
    List<String> all = new ArrayList<>();
    for (String hostId : hostRoots.keySet()) {
      all.addAll(vmsOn(hostId));
    }
    return all;
  }

  /** What Temporal says about a workflow's latest run. */
  io.temporal.api.workflow.v1.WorkflowExecutionInfo describe(String workflowId) {
    return client().getWorkflowServiceStubs().blockingStub()
        .describeWorkflowExecution(io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest.newBuilder()
            .setNamespace("default")
            .setExecution(io.temporal.api.common.v1.WorkflowExecution.newBuilder().setWorkflowId(workflowId))
            .build())
        .getWorkflowExecutionInfo();
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

  /**
   * Redelivers each delivery no attempt of which was answered 2xx, as an operator does from
   * GitHub's Recent Deliveries; answers how many.
   */
  int redeliverUnacknowledged() {
    java.util.Set<String> accepted = new java.util.HashSet<>();
    List<dev.hangar.emulator.WebhookDelivery> all = github.deliveries();
    all.stream().filter(d -> d.status() >= 200 && d.status() < 300).forEach(d -> accepted.add(d.deliveryId()));
    java.util.Set<String> failed = new java.util.LinkedHashSet<>();
    all.stream().map(dev.hangar.emulator.WebhookDelivery::deliveryId).filter(id -> !accepted.contains(id))
        .forEach(failed::add);
    for (String id : failed) {
      log.info("redelivering {}", id);
      github.redeliver(id);
    }
    return failed.size();
  }

  String secretsForLeakCheck() {
    return webhookSecret + "\n" + secretsKey + "\n" + EmulatorConfig.DEFAULT_TOKEN;
  }

  private void writeGatewayConfig(Path file, Map<String, String> jobPolicy, Map<String, String> reconciler,
      Map<String, String> gitHub) throws IOException {
    StringBuilder yml = new StringBuilder();
    yml.append("hangar:\n");
    yml.append("  github:\n    api-url: ").append(github.baseUrl()).append('\n');
    gitHub.forEach((k, v) -> yml.append("    ").append(k).append(": ").append(v).append('\n'));
    yml.append("  job:\n");
    jobPolicy.forEach((k, v) -> yml.append("    ").append(k).append(": ").append(v).append('\n'));
    if (!reconciler.isEmpty()) {
      yml.append("  reconciler:\n    repositories:\n      - ").append(OWNER).append('/').append(REPO).append('\n');
      reconciler.forEach((k, v) -> yml.append("    ").append(k).append(": ").append(v).append('\n'));
    }
    yml.append(templates());
    yml.append("  pools:\n    - name: ").append(POOL).append("\n      template: ").append(SMALL_TEMPLATE).append('\n');
    yml.append("      trust:\n        repositories: [").append(OWNER).append("/*]\n")
        .append("        deny-repositories: [").append(OWNER).append("/").append(UNTRUSTED_REPO).append("]\n");
    Files.writeString(file, yml.toString());
  }

  private Path writeHostConfig(String hostId, Path root) throws IOException {
    StringBuilder yml = new StringBuilder()
        .append("hangar:\n")
        .append("  host:\n")
        .append("    id: ").append(hostId).append('\n')
        .append("    skip-cpu-and-memory-resource-checks: true\n")
        .append("    capacity-check-interval: 1s\n");
    if (!hostSettings.containsKey("max-running-vms")) {
      yml.append("    max-running-vms: 2\n");
    }
    if (!hostSettings.containsKey("drain-timeout")) {
      // A stack being stopped need not wait for its VMs to drain.
      yml.append("    drain-timeout: 2s\n");
    }
    hostSettings.forEach((k, v) -> yml.append("    ").append(k).append(": ").append(v).append('\n'));
    yml.append("    simulated:\n")
        .append("      root: ").append(root).append('\n');
    if (runners == Runners.EMULATED) {
      yml.append("      runner-command:\n");
      for (String arg : EmulatedRunnerCommand.command()) {
        yml.append("        - \"").append(arg.replace("\\", "\\\\").replace("\"", "\\\"")).append("\"\n");
      }
    }
    yml.append(templates());
    Path file = workDir.resolve(hostId + ".yml");
    Files.writeString(file, yml.toString());
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
    killLeftoverVmProcesses();
  }

  /**
   * A VM's processes outlive a host that is stopped; a test that failed half-way may leave some.
   * Stops every process a VM or runner pid file under this stack names.
   */
  private void killLeftoverVmProcesses() {
    for (Path root : hostRoots.values()) {
      Path vms = root.resolve("vms");
      if (!Files.isDirectory(vms)) {
        continue;
      }
      try (var s = Files.walk(vms, 3)) {
        s.filter(p -> p.getFileName().toString().endsWith(".pid")).forEach(HangarStack::killPidIn);
      } catch (IOException | RuntimeException e) {
        log.warn("could not look for leftover VM processes under {}", vms, e);
      }
    }
  }

  /** Kills the process a pid file names ("pid startMillis"), only if it is still that process. */
  private static void killPidIn(Path pidFile) {
    try {
      String[] parts = Files.readString(pidFile).trim().split(" ");
      long pid = Long.parseLong(parts[0]);
      long started = parts.length > 1 ? Long.parseLong(parts[1]) : -1;
      ProcessHandle.of(pid)
          .filter(h -> h.info().startInstant().map(t -> Math.abs(t.toEpochMilli() - started) < 1000).orElse(false))
          .ifPresent(h -> {
            log.info("stopping leftover process {} of {}", pid, pidFile);
            h.destroyForcibly();
          });
    } catch (IOException | NumberFormatException e) {
      log.debug("unreadable pid file {}", pidFile, e);
    }
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
