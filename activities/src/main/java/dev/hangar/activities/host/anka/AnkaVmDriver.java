package dev.hangar.activities.host.anka;

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
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link VmDriver} for Veertu's Anka, driving {@code anka -j} (machine-readable JSON) through an
 * argument array, never a shell. Every name is checked with {@link SafeNames} before any process
 * starts.
 *
 * <ul>
 *   <li>Templates: {@code list <id>} (code 3: not on this host), {@code registry [--remote R] show}
 *       (a warning if its {@code cpu_cores}/{@code ram_size} differ from the catalog), {@code
 *       registry [--remote R] pull --check-download-size}, then {@code registry [--remote R] pull
 *       --shrink [--tag T] <id>}, one pull at a time per host,
 *       heartbeating while it prints progress and taking its last JSON line as the result (code 3:
 *       in no registry). Eviction: {@code list}, {@code show} ({@code image_size}) and {@code delete
 *       --yes <id>}, see {@link AnkaTemplates}.
 *   <li>VMs: {@code clone [--tag T] <template> <vm>} (a linked clone, never {@code --copy}; code 18
 *       "already exists" reuses the VM), {@code show <vm>}, {@code start <vm>} (Apple's "maximum
 *       supported number of active virtual machines" becomes {@link VmLimitException}), {@code stop
 *       <vm>}, {@code delete --yes <vm>} (code 3 is success).
 *   <li>Runner: the in-VM scripts ({@code start-runner.sh}, {@code run-runner.sh}, {@code
 *       runner-state.sh}, optional hooks) and the JIT configuration, in a 0600 file of a
 *       0700 staging directory on the host, are copied in with {@code cp -a <dir> <vm>:}, the
 *       staging directory is deleted, and {@code run <vm> /bin/bash -c <constant>} starts {@code
 *       ~/hangar/start-runner.sh}, which reads the file inside the VM. The JIT configuration is
 *       never an argument of a host process and never logged.
 *   <li>Runner state: {@code show <vm>} (absent or not running: {@code NO_VM}), then {@code run
 *       <vm>} of {@code ~/hangar/runner-state.sh}, which prints {@code hangar-runner-state=<STATE>}.
 * </ul>
 */
public final class AnkaVmDriver implements VmDriver {

  static final String GUEST_DIR = GuestCommands.GUEST_DIR;

  private static final Logger log = LoggerFactory.getLogger(AnkaVmDriver.class);
  private static final Runnable NO_TICK = () -> {};

  private final AnkaSettings settings;
  private final AnkaCli cli;
  private final RunnerScripts scripts;
  private final AnkaTemplates templates;
  private final Object pullLock = new Object();

  /**
   * Reads the in-VM scripts; starts no process. Call {@link #verify()} before use.
   *
   * @throws IllegalArgumentException if the scripts directory is not a readable directory
   */
  public AnkaVmDriver(AnkaSettings settings) {
    this.settings = settings;
    this.cli = new AnkaCli(settings.executable().toString());
    this.scripts = RunnerScripts.load(settings.scriptsDir());
    this.templates = new AnkaTemplates(cli, settings.commandTimeout(), Clock.systemUTC());
  }

  /**
   * Checks that Anka runs ({@code version}) and that its licence can run Hangar's VMs ({@code
   * license show}): valid, not expired, not a single-VM licence.
   *
   * @throws AnkaUnusableException with a one-line reason otherwise
   */
  public AnkaHostInfo verify() {
    AnkaReply version = startupCommand(List.of("version"), "version");
    String v = version.body().path("version").asText("unknown");
    AnkaReply licence = startupCommand(List.of("license", "show"), "license show");
    JsonNode b = licence.body();
    AnkaLicence l = new AnkaLicence(
        b.path("status").asText(null), b.path("license_type").asText(null), b.path("product").asText(null));
    l.problem().ifPresent(p -> {
      throw new AnkaUnusableException(AnkaUnusableException.Reason.LICENCE, p);
    });
    log.info("Anka {} with a {} licence ({})", v, l.licenseType(), l.product());
    return new AnkaHostInfo(v, l);
  }

  private AnkaReply startupCommand(List<String> args, String what) {
    AnkaReply reply;
    try {
      reply = cli.json(settings.commandTimeout(), args);
    } catch (IOException e) {
      throw new AnkaUnusableException(AnkaUnusableException.Reason.NOT_RUNNABLE,
          "cannot run '" + settings.executable() + " -j " + what + "': " + e.getMessage(), e);
    }
    if (!reply.ok()) {
      throw new AnkaUnusableException(AnkaUnusableException.Reason.NOT_RUNNABLE, "'" + settings.executable() + " -j " + what + "' failed: " + reply.describe());
    }
    return reply;
  }

  @Override
  public boolean templatePresent(TemplateRef template) throws IOException {
    String id = SafeNames.require("template id", template.id());
    String tag = SafeNames.requireOptional("template tag", template.tag());
    AnkaReply reply = cli.json(settings.commandTimeout(), List.of("list", id));
    if (reply.notFound()) {
      return false;
    }
    check(reply, "list " + id);
    for (JsonNode vm : reply.body()) {
      if (tag == null || tag.equals(vm.path("version").asText(null))) {
        return true;
      }
    }
    return false;
  }

  @Override
  public boolean ensureTemplate(TemplateRef template, Runnable progress) throws IOException {
    String id = SafeNames.require("template id", template.id());
    String tag = SafeNames.requireOptional("template tag", template.tag());
    if (templatePresent(template)) {
      templates.used(id);
      return true;
    }
    synchronized (pullLock) {
      if (templatePresent(template)) {
        return true;
      }
      AnkaReply size = cli.json(settings.commandTimeout(), registry("pull", "--check-download-size", tag, id));
      if (size.notFound()) {
        return false;
      }
      if (size.ok()) {
        checkSpace(template, size.body());
      } else {
        log.warn("could not check the download size of {}: {}; pulling anyway", template, size.describe());
      }
      warnIfResourcesDiffer(template);
      log.info("pulling template {} from {}", template, settings.registry() == null ? "the default registry" : settings.registry());
      AnkaCli.Output out = cli.run(settings.pullTimeout(), registry("pull", "--shrink", tag, id), progress);
      AnkaReply reply = out.reply();
      if (reply.notFound()) {
        return false;
      }
      check(reply, "registry pull " + id);
      log.info("template {} pulled", template);
      templates.used(id);
      return true;
    }
  }

  /**
   * Placement counts a VM as the catalog says ({@code hangar.templates}); if the registry's
   * template takes more, hosts get overbooked. Only a warning: the catalog is the operator's call.
   */
  private void warnIfResourcesDiffer(TemplateRef template) {
    try {
      registryResources(template).ifPresent(r -> {
        if (r.cpuCores() != template.resources().cpuCores() || r.memoryMb() != template.resources().memoryMb()) {
          log.warn("template {}: the registry says {} cores and {} MiB, hangar.templates says {} cores and {} MiB",
              template, r.cpuCores(), r.memoryMb(), template.resources().cpuCores(), template.resources().memoryMb());
        }
      });
    } catch (IOException e) {
      log.debug("could not compare template {} with the registry: {}", template, e.getMessage());
    }
  }

  private static void checkSpace(TemplateRef template, JsonNode body) throws IOException {
    if (!body.has("size") || !body.has("available")) {
      return; // {"body":{}, "message":"<id>: available locally"}
    }
    long needed = body.path("size").asLong() - body.path("cached").asLong();
    long available = body.path("available").asLong();
    if (needed > available) {
      throw new IOException("not enough disk to pull " + template + ": " + needed + " bytes to download, "
          + available + " available");
    }
  }

  @Override
  public Vm cloneAndStart(String vmName, TemplateRef template) throws IOException {
    String vm = SafeNames.require("VM name", vmName);
    String id = SafeNames.require("template id", template.id());
    String tag = SafeNames.requireOptional("template tag", template.tag());
    List<String> clone = new ArrayList<>(List.of("clone"));
    if (tag != null) {
      clone.addAll(List.of("--tag", tag));
    }
    clone.addAll(List.of(id, vm));
    AnkaReply cloned = cli.json(settings.commandTimeout(), clone);
    if (cloned.alreadyExists()) {
      log.info("VM {} exists; reusing it", vm);
    } else if (cloned.notFound()) {
      throw new IOException("template " + template + " is not on this host; ensure it first (" + cloned.describe() + ")");
    } else {
      check(cloned, "clone " + id + " " + vm);
      log.info("VM {} cloned from {}", vm, template);
    }
    templates.cloned(vm, id);
    AnkaReply shown = show(vm);
    if (shown.notFound()) {
      throw new IOException("VM " + vm + " vanished right after its clone");
    }
    if (!"running".equals(shown.body().path("status").asText())) {
      AnkaReply started = cli.json(settings.commandTimeout(), List.of("start", vm));
      if (started.vmLimitExceeded()) {
        throw new VmLimitException("the hypervisor runs as many macOS VMs as Apple allows: " + started.message().strip());
      }
      check(started, "start " + vm);
      log.info("VM {} started", vm);
      shown = show(vm);
    }
    String ip = shown.body().path("ip").asText(null);
    return new Vm(vm, ip == null || ip.isBlank() ? null : ip);
  }

  /** The hooks go into the VM's {@value #GUEST_DIR} directory with the scripts. */
  @Override
  public void startRunner(String vmName, String jitConfig, HookFiles hooks) throws IOException {
    String vm = SafeNames.require("VM name", vmName);
    if (!GuestCommands.mustStartRunner(vm, runnerState(vm))) {
      return;
    }
    Path staging = Files.createTempDirectory("hangar-anka-",
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    try {
      Path dir = Files.createDirectory(staging.resolve(GUEST_DIR),
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      scripts.writeTo(dir);
      hooks.writeTo(dir);
      Path config = Files.createFile(dir.resolve(GuestCommands.JIT_CONFIG_FILE),
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Files.writeString(config, jitConfig, StandardCharsets.UTF_8);
      AnkaReply copied = cli.json(settings.commandTimeout(), List.of("cp", "-a", dir.toString(), vm + ":"));
      if (copied.notFound()) {
        throw new VmMissingException(vm);
      }
      check(copied, "cp into " + vm);
    } finally {
      deleteTree(staging);
    }
    AnkaCli.Output out = cli.run(settings.commandTimeout(), List.of("run", vm, "/bin/bash", "-c", GuestCommands.START_COMMAND), NO_TICK);
    if (out.exitCode() != 0) {
      AnkaReply reply = out.reply();
      if (reply.notFound()) {
        throw new VmMissingException(vm);
      }
      throw new IOException(RunnerScripts.START + " in VM " + vm + " exited with " + out.exitCode() + ": "
          + lastLine(out));
    }
    log.info("runner started in VM {}", vm);
  }

  @Override
  public RunnerState runnerState(String vmName) throws IOException {
    String vm = SafeNames.require("VM name", vmName);
    AnkaReply shown = show(vm);
    if (shown.notFound()) {
      return RunnerState.NO_VM;
    }
    if (!"running".equals(shown.body().path("status").asText())) {
      return RunnerState.NO_VM;
    }
    AnkaCli.Output out = cli.run(settings.commandTimeout(), List.of("run", vm, "/bin/bash", "-c", GuestCommands.STATE_COMMAND), NO_TICK);
    Optional<RunnerState> state = GuestCommands.parseState(out.lines());
    if (state.isPresent()) {
      return state.get();
    }
    AnkaReply reply = out.reply();
    if (reply.notFound()) {
      return RunnerState.NO_VM;
    }
    throw new IOException("cannot read the runner's state in VM " + vm + " (exit " + out.exitCode() + "): " + lastLine(out));
  }

  @Override
  public void delete(String vmName) throws IOException {
    String vm = SafeNames.require("VM name", vmName);
    AnkaReply stopped = cli.json(settings.commandTimeout(), List.of("stop", vm));
    if (stopped.notFound()) {
      templates.deleted(vm);
      return;
    }
    if (!stopped.ok()) {
      log.warn("could not stop VM {} ({}); deleting it anyway", vm, stopped.describe());
    }
    AnkaReply deleted = cli.json(settings.commandTimeout(), List.of("delete", "--yes", vm));
    if (!deleted.notFound()) {
      check(deleted, "delete " + vm);
      log.info("VM {} deleted", vm);
    }
    templates.deleted(vm);
  }

  /** See {@link AnkaTemplates}. */
  @Override
  public List<TemplateInfo> templates() throws IOException {
    return templates.list();
  }

  /** See {@link AnkaTemplates}. */
  @Override
  public void deleteTemplate(String id, String tag) throws IOException {
    templates.delete(SafeNames.require("template id", id), SafeNames.requireOptional("template tag", tag));
  }

  /** Hangar's VMs on this host ({@code hangar-<jobId>-<n>}); templates and other VMs are left out. */
  @Override
  public List<String> list() throws IOException {
    AnkaReply reply = cli.json(settings.commandTimeout(), List.of("list"));
    check(reply, "list");
    List<String> names = new ArrayList<>();
    for (JsonNode vm : reply.body()) {
      String name = vm.path("name").asText("");
      if (SafeNames.isSafe(name) && Names.ownerJobOfRunner(name).isPresent()) {
        names.add(name);
      }
    }
    names.sort(Comparator.naturalOrder());
    return names;
  }

  /** The templates the registry holds ({@code registry list}), by name. */
  public List<String> registryTemplates() throws IOException {
    AnkaReply reply = cli.json(settings.commandTimeout(), registry("list", null, null));
    check(reply, "registry list");
    List<String> names = new ArrayList<>();
    for (JsonNode t : reply.body()) {
      String name = t.path("name").asText(t.path("id").asText(""));
      if (!name.isEmpty()) {
        names.add(name);
      }
    }
    return names;
  }

  /**
   * What one VM of the template takes, as the registry describes it ({@code registry show}), or
   * empty if the registry does not have the template (or tag).
   */
  public Optional<TemplateResources> registryResources(TemplateRef template) throws IOException {
    String id = SafeNames.require("template id", template.id());
    String tag = SafeNames.requireOptional("template tag", template.tag());
    AnkaReply reply = cli.json(settings.commandTimeout(), registry("show", tag, id));
    if (reply.notFound()) {
      return Optional.empty();
    }
    check(reply, "registry show " + id);
    JsonNode b = reply.body();
    return Optional.of(new TemplateResources(
        b.path("cpu_cores").asInt(), b.path("ram_size").asLong(), b.path("hard_drive").asLong()));
  }

  /** {@code registry [--remote R] <sub> [--tag T] [<id>]}, leaving out what is null. */
  private List<String> registry(String sub, String tag, String id) {
    return registryArgs(sub, tag, id);
  }

  /** {@code registry [--remote R] <sub> <option> [--tag T] <id>}. */
  private List<String> registry(String sub, String option, String tag, String id) {
    List<String> args = registryArgs(sub, null, null);
    args.add(option);
    if (tag != null) {
      args.addAll(List.of("--tag", tag));
    }
    args.add(id);
    return args;
  }

  private List<String> registryArgs(String sub, String tag, String id) {
    List<String> args = new ArrayList<>(List.of("registry"));
    if (settings.registry() != null) {
      args.addAll(List.of("--remote", settings.registry()));
    }
    args.add(sub);
    if (tag != null) {
      args.addAll(List.of("--tag", tag));
    }
    if (id != null) {
      args.add(id);
    }
    return args;
  }

  private AnkaReply show(String vm) throws IOException {
    AnkaReply reply = cli.json(settings.commandTimeout(), List.of("show", vm));
    if (!reply.notFound()) {
      check(reply, "show " + vm);
    }
    return reply;
  }

  private static void check(AnkaReply reply, String what) throws IOException {
    if (!reply.ok()) {
      throw new IOException("anka " + what + " failed: " + reply.describe());
    }
  }

  private static String lastLine(AnkaCli.Output out) {
    return GuestCommands.lastLine(out.lines());
  }

  private static void deleteTree(Path dir) {
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      log.warn("could not delete the staging directory {}: {}", dir, e.getMessage());
    }
  }
}
