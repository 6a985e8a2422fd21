package dev.hangar.activities.host.tart;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hangar.activities.host.GuestCommands;
import dev.hangar.activities.host.RunnerScripts;
import dev.hangar.activities.host.SafeNames;
import dev.hangar.activities.host.VmDriver;
import dev.hangar.activities.host.hooks.HookFiles;
import dev.hangar.workflows.Names;
import dev.hangar.workflows.template.TemplateRef;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link VmDriver} for Cirrus Labs' Tart, through its CLI with argument arrays only. Every name
 * is checked with {@link SafeNames} before any process starts; template {@code <id>} at tag
 * {@code <tag>} is the OCI image {@code <registry>/<id>:<tag>} ({@code latest} without a tag).
 *
 * <ul>
 *   <li>Templates: {@code list --source oci --format json} (present?), {@code pull <ref>}, one pull
 *       at a time, heartbeating while it prints progress (HTTP 404 / {@code MANIFEST_UNKNOWN}: in no
 *       registry); eviction: {@code list} again (sizes, {@code Accessed}) and {@code delete <ref>}.
 *   <li>VMs: {@code clone <ref> <vm>} only when no VM of that name exists (Tart silently replaces
 *       an existing one), then {@code run --no-graphics <vm>} as a detached child process, its
 *       output appended to {@code <run-log-dir>/<vm>.log}, never inherited; it blocks while the VM
 *       runs. A {@code run} that exits at once is read from that log: Apple's two-VM limit becomes
 *       {@link VmLimitException}. Then {@code ip --wait <s> <vm>}, and {@code exec <vm> true}
 *       until the guest agent answers (within the boot timeout). {@code stop}, then {@code
 *       delete} (exit 2 "does not exist" is success).
 *   <li>Runner: each in-VM script and then the JIT configuration are written by {@code exec -i <vm>
 *       /bin/bash -c <constant> hangar-write <file> <mode>}, the content on stdin (the JIT
 *       configuration is never an argument, never logged; its file is 0600), then {@code exec <vm>
 *       /bin/bash -c <constant>} runs {@code ~/hangar/start-runner.sh}. State: {@code list} (absent
 *       or not running: {@code NO_VM}), then {@code exec} of {@code ~/hangar/runner-state.sh}.
 *       {@code exec} needs the Tart Guest Agent in the image (Cirrus Labs' images have it).
 * </ul>
 */
public final class TartVmDriver implements VmDriver {

  /**
   * Writes stdin to {@code ~/hangar/<$1>} with mode {@code $2}, atomically; umask 077 so the file
   * is never readable by others, not even while it is written. A constant: the file names and
   * modes passed to it are Hangar's own constants.
   */
  static final String WRITE_COMMAND = "umask 077 && mkdir -p \"$HOME/" + GuestCommands.GUEST_DIR + "\""
      + " && f=\"$HOME/" + GuestCommands.GUEST_DIR + "/$1\" && cat > \"$f.tmp\" && chmod \"$2\" \"$f.tmp\""
      + " && mv -f \"$f.tmp\" \"$f\"";

  private static final Logger log = LoggerFactory.getLogger(TartVmDriver.class);
  private static final long GIB = 1024L * 1024 * 1024;
  private static final Duration STARTUP_POLL = Duration.ofMillis(250);
  private static final Duration STARTUP_WAIT = Duration.ofSeconds(30);
  private static final Duration AGENT_POLL = Duration.ofSeconds(1);

  private final TartSettings settings;
  private final TartCli cli;
  private final RunnerScripts scripts;
  private final Clock clock;
  private final Object pullLock = new Object();

  /**
   * Reads the in-VM scripts; starts no process. Call {@link #verify()} before use.
   *
   * @throws IllegalArgumentException if the scripts directory is not a readable directory
   */
  public TartVmDriver(TartSettings settings) {
    this(settings, Clock.systemUTC());
  }

  TartVmDriver(TartSettings settings, Clock clock) {
    this.settings = settings;
    this.cli = new TartCli(settings.executable().toString());
    this.scripts = RunnerScripts.load(settings.scriptsDir());
    this.clock = clock;
  }

  /**
   * Checks that Tart runs ({@code --version}).
   *
   * @return Tart's version
   * @throws TartUnusableException with a one-line reason otherwise
   */
  public String verify() {
    TartCli.Output out;
    try {
      out = cli.run(settings.commandTimeout(), List.of("--version"));
    } catch (IOException e) {
      throw new TartUnusableException("cannot run '" + settings.executable() + " --version': " + e.getMessage(), e);
    }
    if (!out.ok() || out.lines().isEmpty()) {
      throw new TartUnusableException("'" + settings.executable() + " --version' failed: " + out.describe(), null);
    }
    String version = GuestCommands.lastLine(out.lines());
    log.info("Tart {}, templates from {}", version, settings.registry());
    return version;
  }

  /** The OCI reference of a template: {@code <registry>/<id>:<tag or latest>}. */
  String reference(TemplateRef template) {
    return reference(SafeNames.require("template id", template.id()),
        SafeNames.requireOptional("template tag", template.tag()));
  }

  private String reference(String id, String tag) {
    return settings.registry() + "/" + id + ":" + (tag == null ? "latest" : tag);
  }

  @Override
  public boolean templatePresent(TemplateRef template) throws IOException {
    String ref = reference(template);
    return entries("oci").stream().anyMatch(e -> ref.equals(e.path("Name").asText()));
  }

  @Override
  public boolean ensureTemplate(TemplateRef template, Runnable progress) throws IOException {
    String ref = reference(template);
    if (templatePresent(template)) {
      return true;
    }
    synchronized (pullLock) {
      if (templatePresent(template)) {
        return true;
      }
      log.info("pulling template {} ({})", template, ref);
      TartCli.Output out = cli.run(settings.pullTimeout(), List.of("pull", ref), null, progress);
      if (out.notInRegistry()) {
        log.info("template {} is not in the registry ({})", template, out.describe());
        return false;
      }
      check(out, "pull " + ref);
      log.info("template {} pulled", template);
      return true;
    }
  }

  @Override
  public Vm cloneAndStart(String vmName, TemplateRef template) throws IOException {
    String vm = SafeNames.require("VM name", vmName);
    String ref = reference(template);
    Optional<JsonNode> existing = local(vm);
    if (existing.isPresent()) {
      log.info("VM {} exists; reusing it", vm);
    } else {
      if (!templatePresent(template)) {
        throw new IOException("template " + template + " (" + ref + ") is not on this host; ensure it first");
      }
      check(cli.run(settings.commandTimeout(), List.of("clone", ref, vm)), "clone " + ref + " " + vm);
      log.info("VM {} cloned from {}", vm, ref);
    }
    if (!existing.map(e -> e.path("Running").asBoolean()).orElse(false)) {
      run(vm);
    }
    TartCli.Output ip = cli.run(settings.commandTimeout().plus(settings.bootTimeout()),
        List.of("ip", "--wait", Long.toString(settings.bootTimeout().toSeconds()), vm));
    if (ip.vmMissing()) {
      throw new IOException("VM " + vm + " vanished while it booted");
    }
    check(ip, "ip " + vm);
    waitForGuestAgent(vm);
    return new Vm(vm, GuestCommands.lastLine(ip.lines()));
  }

  /**
   * Waits until {@code tart exec} reaches the VM: the Tart Guest Agent starts a little after the
   * VM has an address, and the runner cannot be started before.
   */
  private void waitForGuestAgent(String vm) throws IOException {
    long deadline = System.nanoTime() + settings.bootTimeout().toNanos();
    while (true) {
      TartCli.Output out = exec(vm, null, "true");
      if (out.ok()) {
        return;
      }
      if (out.vmMissing() || out.notRunning()) {
        throw new IOException("VM " + vm + " stopped while it booted, " + out.describe());
      }
      if (System.nanoTime() > deadline) {
        throw new IOException("the Tart Guest Agent in VM " + vm + " did not answer within " + settings.bootTimeout()
            + " (the image needs it for tart exec), " + out.describe());
      }
      sleep(AGENT_POLL);
    }
  }

  /**
   * Starts {@code tart run --no-graphics <vm>} as a child process that outlives this call (and
   * this JVM: a restarted host finds the VM running), then waits until {@code list} shows the VM
   * running or the process has exited, in which case its log says why.
   */
  private void run(String vm) throws IOException {
    Files.createDirectories(settings.runLogDir());
    Path logFile = settings.runLogDir().resolve(vm + ".log");
    Process process = new ProcessBuilder(cli.command(List.of("run", "--no-graphics", vm)))
        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
        .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
        .redirectErrorStream(true)
        .start();
    log.info("tart run {} started (pid {}), output in {}", vm, process.pid(), logFile);
    long deadline = System.nanoTime() + STARTUP_WAIT.toNanos();
    while (true) {
      if (!process.isAlive()) {
        List<String> lines = tail(logFile);
        TartCli.Output out = new TartCli.Output(process.exitValue(), lines);
        if (out.alreadyRunning()) {
          return;
        }
        if (out.vmLimit()) {
          throw new VmLimitException("the hypervisor runs as many macOS VMs as Apple allows: "
              + GuestCommands.lastLine(lines));
        }
        if (out.vmMissing()) {
          throw new IOException("VM " + vm + " vanished before it started");
        }
        throw new IOException("tart run " + vm + " exited at once, " + out.describe());
      }
      if (local(vm).map(e -> e.path("Running").asBoolean()).orElse(false)) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new IOException("tart run " + vm + " did not show the VM running within " + STARTUP_WAIT);
      }
      sleep(STARTUP_POLL);
    }
  }

  private static List<String> tail(Path file) throws IOException {
    List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
    return all.subList(Math.max(0, all.size() - 50), all.size());
  }

  /** The hooks go into the VM's {@code ~/hangar} directory with the scripts, one {@code tart exec} each. */
  @Override
  public void startRunner(String vmName, String jitConfig, HookFiles hooks) throws IOException {
    String vm = SafeNames.require("VM name", vmName);
    if (!GuestCommands.mustStartRunner(vm, runnerState(vm))) {
      return;
    }
    for (String name : scripts.names()) {
      write(vm, name, "700", scripts.content(name));
    }
    for (Map.Entry<String, byte[]> hook : hooks.files().entrySet()) {
      write(vm, SafeNames.require("hook file", hook.getKey()), "700", hook.getValue());
    }
    write(vm, GuestCommands.JIT_CONFIG_FILE, "600", jitConfig.getBytes(StandardCharsets.UTF_8));
    TartCli.Output out = exec(vm, null, GuestCommands.START_COMMAND);
    if (!out.ok()) {
      if (out.vmMissing() || out.notRunning()) {
        throw new VmMissingException(vm);
      }
      throw new IOException(RunnerScripts.START + " in VM " + vm + " failed, " + out.describe());
    }
    log.info("runner started in VM {}", vm);
  }

  private void write(String vm, String file, String mode, byte[] content) throws IOException {
    TartCli.Output out = exec(vm, content, WRITE_COMMAND, "hangar-write", file, mode);
    if (out.vmMissing() || out.notRunning()) {
      throw new VmMissingException(vm);
    }
    // the message names the file only; the content never reaches a log
    check(out, "exec (writing ~/" + GuestCommands.GUEST_DIR + "/" + file + ") in " + vm);
  }

  /** {@code tart exec [-i] <vm> /bin/bash -c <command> [args...]}; {@code -i} when there is stdin. */
  private TartCli.Output exec(String vm, byte[] stdin, String command, String... args) throws IOException {
    List<String> argv = new ArrayList<>(List.of("exec"));
    if (stdin != null) {
      argv.add("-i");
    }
    argv.addAll(List.of(vm, "/bin/bash", "-c", command));
    argv.addAll(List.of(args));
    return cli.run(settings.commandTimeout(), argv, stdin, () -> {});
  }

  @Override
  public RunnerState runnerState(String vmName) throws IOException {
    String vm = SafeNames.require("VM name", vmName);
    if (!local(vm).map(e -> e.path("Running").asBoolean()).orElse(false)) {
      return RunnerState.NO_VM;
    }
    TartCli.Output out = exec(vm, null, GuestCommands.STATE_COMMAND);
    Optional<RunnerState> state = GuestCommands.parseState(out.lines());
    if (state.isPresent()) {
      return state.get();
    }
    if (out.vmMissing() || out.notRunning()) {
      return RunnerState.NO_VM;
    }
    throw new IOException("cannot read the runner's state in VM " + vm + ", " + out.describe());
  }

  @Override
  public void delete(String vmName) throws IOException {
    String vm = SafeNames.require("VM name", vmName);
    TartCli.Output stopped = cli.run(settings.commandTimeout(), List.of("stop", "--timeout", "5", vm));
    if (stopped.vmMissing()) {
      return;
    }
    if (!stopped.ok() && !stopped.notRunning()) {
      log.warn("could not stop VM {} ({}); deleting it anyway", vm, stopped.describe());
    }
    TartCli.Output deleted = cli.run(settings.commandTimeout(), List.of("delete", vm));
    if (!deleted.vmMissing()) {
      check(deleted, "delete " + vm);
      log.info("VM {} deleted", vm);
    }
    Files.deleteIfExists(settings.runLogDir().resolve(vm + ".log"));
  }

  /** Hangar's VMs on this host ({@code hangar-<jobId>-<n>}); other local VMs are left out. */
  @Override
  public List<String> list() throws IOException {
    List<String> names = new ArrayList<>();
    for (JsonNode e : entries("local")) {
      String name = e.path("Name").asText("");
      if (SafeNames.isSafe(name) && Names.ownerJobOfRunner(name).isPresent()) {
        names.add(name);
      }
    }
    names.sort(Comparator.naturalOrder());
    return names;
  }

  /**
   * The tagged OCI images of the configured registry ({@code <registry>/<id>:<tag>}); digests and
   * other registries' images are left alone. {@code inUse} is always false: a Tart clone is an APFS
   * copy-on-write copy that does not need its image any more (the blocks it shares are freed only
   * when the clone is deleted too). {@code lastUsed} comes from {@code Accessed} (see {@link
   * TartAccessed}).
   */
  @Override
  public List<TemplateInfo> templates() throws IOException {
    String prefix = settings.registry() + "/";
    Instant now = clock.instant();
    List<TemplateInfo> templates = new ArrayList<>();
    for (JsonNode e : entries("oci")) {
      String name = e.path("Name").asText("");
      if (!name.startsWith(prefix)) {
        continue;
      }
      String rest = name.substring(prefix.length());
      int colon = rest.lastIndexOf(':');
      if (colon <= 0 || rest.contains("@")) {
        continue;
      }
      String id = rest.substring(0, colon);
      String tag = rest.substring(colon + 1);
      if (!SafeNames.isSafe(id) || !SafeNames.isSafe(tag)) {
        continue;
      }
      templates.add(new TemplateInfo(id, "latest".equals(tag) ? null : tag, e.path("Size").asLong() * GIB,
          TartAccessed.parse(e.path("Accessed"), now), false));
    }
    return templates;
  }

  @Override
  public void deleteTemplate(String id, String tag) throws IOException {
    String ref = reference(SafeNames.require("template id", id), SafeNames.requireOptional("template tag", tag));
    TartCli.Output out = cli.run(settings.commandTimeout(), List.of("delete", ref));
    if (out.vmMissing()) {
      return;
    }
    check(out, "delete " + ref);
    log.info("template {} deleted", ref);
  }

  /** One local VM's {@code list} entry, if it exists. */
  private Optional<JsonNode> local(String vm) throws IOException {
    return entries("local").stream().filter(e -> vm.equals(e.path("Name").asText())).findFirst();
  }

  /** {@code list --source <source> --format json}. */
  private List<JsonNode> entries(String source) throws IOException {
    TartCli.Output out = cli.run(settings.commandTimeout(), List.of("list", "--source", source, "--format", "json"));
    check(out, "list");
    JsonNode array = out.json();
    if (!array.isArray()) {
      throw new IOException("tart list printed no JSON array");
    }
    List<JsonNode> entries = new ArrayList<>();
    array.forEach(entries::add);
    return entries;
  }

  private static void check(TartCli.Output out, String what) throws IOException {
    if (!out.ok()) {
      throw new IOException("tart " + what + " failed, " + out.describe());
    }
  }

  private static void sleep(Duration d) throws IOException {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }
}
