package dev.hangar.activities.host;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hangar.activities.host.hooks.HookFiles;
import dev.hangar.workflows.template.TemplateRef;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link VmDriver} that runs "VMs" as local directories and processes, so the whole flow runs on
 * any Linux or macOS machine without a hypervisor.
 *
 * <p>Layout under the root directory:
 *
 * <pre>
 * templates/&lt;id&gt;[@&lt;tag&gt;]/     a pulled template: template.json, disk.img
 * vms/&lt;vmName&gt;/                  a VM: a copy of its template, vm.json, vm.pid
 * vms/&lt;vmName&gt;/runner/           0700: .jitconfig (0600), runner.pid, runner.log, exit-code
 * templates/.pull-*, vms/.clone-* work in progress, renamed into place atomically
 * </pre>
 *
 * <p>A VM is a long-lived child process ({@code sleep}) started with an argument array, never a
 * shell. The runner is another child process (by default also {@code sleep}; see {@link
 * #SimulatedVmDriver(Path, Duration, Predicate, List)}) whose working directory is the runner
 * directory and whose environment holds nothing of this process but {@code PATH}. The job ends when
 * a file {@code runner/exit-code} appears, holding {@code 0} for success: written by {@link
 * #finishRunner} (tests, the local demo) or by an emulated runner. The runner process is then
 * stopped. A runner process that exits by itself reports its own exit code.
 */
public final class SimulatedVmDriver implements VmDriver {

  /** The default runner: a process that does nothing until it is stopped. */
  public static final List<String> IDLE_COMMAND = List.of("sleep", "999999999");

  private static final Logger log = LoggerFactory.getLogger(SimulatedVmDriver.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<PosixFilePermission> OWNER_ONLY_FILE = PosixFilePermissions.fromString("rw-------");
  private static final Set<PosixFilePermission> OWNER_ONLY_DIR = PosixFilePermissions.fromString("rwx------");
  private static final Duration PULL_TICK = Duration.ofMillis(250);
  private static final Duration KILL_GRACE = Duration.ofSeconds(2);
  private static final File DEV_NULL = new File("/dev/null");
  private static final String LAST_USED = "last-used";

  private final Path templates;
  private final Path vms;
  private final Duration pullDelay;
  private final Predicate<String> registry;
  private final List<String> runnerCommand;
  private final Object[] locks = new Object[64];
  private final Map<String, Process> runners = new ConcurrentHashMap<>();

  /**
   * A driver whose runner is {@link #IDLE_COMMAND}.
   *
   * @param root the directory that holds templates and VMs; created if missing
   * @param pullDelay how long a simulated pull of a template takes
   * @param registry which template ids the simulated registry has; others are "not found"
   */
  public SimulatedVmDriver(Path root, Duration pullDelay, Predicate<String> registry) throws IOException {
    this(root, pullDelay, registry, IDLE_COMMAND);
  }

  /**
   * A driver with a given runner command. The command is run with the runner directory as its
   * working directory and {@code HANGAR_RUNNER_DIR} naming it; it finds its configuration in
   * {@code .jitconfig} there and reports its end by writing {@code exit-code} or by exiting.
   */
  public SimulatedVmDriver(Path root, Duration pullDelay, Predicate<String> registry, List<String> runnerCommand)
      throws IOException {
    if (pullDelay.isNegative()) {
      throw new IllegalArgumentException("pullDelay must not be negative");
    }
    if (runnerCommand.isEmpty()) {
      throw new IllegalArgumentException("runnerCommand must not be empty");
    }
    Path abs = root.toAbsolutePath().normalize();
    this.templates = Files.createDirectories(abs.resolve("templates"));
    this.vms = Files.createDirectories(abs.resolve("vms"));
    this.pullDelay = pullDelay;
    this.registry = registry;
    this.runnerCommand = List.copyOf(runnerCommand);
    for (int i = 0; i < locks.length; i++) {
      locks[i] = new Object();
    }
  }

  @Override
  public boolean templatePresent(TemplateRef template) {
    return Files.isDirectory(templateDir(template));
  }

  @Override
  public boolean ensureTemplate(TemplateRef template, Runnable progress) throws IOException {
    Path target = templateDir(template);
    if (Files.isDirectory(target)) {
      return true;
    }
    if (!registry.test(template.id())) {
      return false;
    }
    log.info("pulling template {} (simulated, {})", template, pullDelay);
    Path staging = templates.resolve(".pull-" + target.getFileName() + "-" + UUID.randomUUID());
    try {
      Files.createDirectories(staging);
      Map<String, Object> meta = Map.of(
          "id", template.id(),
          "tag", template.tag() == null ? "" : template.tag(),
          "diskGb", template.resources().diskGb(),
          "pulledAt", Instant.now().toString());
      JSON.writeValue(staging.resolve("template.json").toFile(), meta);
      Files.writeString(staging.resolve("disk.img"), "simulated disk of " + template + "\n");
      progress.run();
      long deadline = System.nanoTime() + pullDelay.toNanos();
      while (System.nanoTime() < deadline) {
        long left = deadline - System.nanoTime();
        sleep(Duration.ofNanos(Math.min(left, PULL_TICK.toNanos())));
        progress.run();
      }
      try {
        Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
        log.info("template {} pulled", template);
      } catch (IOException raced) {
        // Another pull of the same template won. Linux reports renaming onto its non-empty
        // directory as a plain FileSystemException ("Directory not empty"), not as
        // DirectoryNotEmptyException, so look at the target rather than at the exception type.
        if (!Files.isDirectory(target)) {
          throw raced;
        }
        log.debug("template {} was pulled concurrently", template);
      }
      return true;
    } finally {
      deleteTree(staging);
    }
  }

  @Override
  public Vm cloneAndStart(String vmName, TemplateRef template) throws IOException {
    Path dir = vmDir(vmName);
    Path source = templateDir(template);
    synchronized (lock(vmName)) {
      if (Files.isDirectory(dir)) {
        log.info("VM {} exists; reusing it", vmName);
        return new Vm(vmName, null);
      }
      if (!Files.isDirectory(source)) {
        throw new IOException("template " + template + " is not on this host; ensure it first");
      }
      Path staging = vms.resolve(".clone-" + vmName + "-" + UUID.randomUUID());
      Process process = null;
      try {
        copyTree(source, staging);
        Files.deleteIfExists(staging.resolve(LAST_USED));
        touchLastUsed(source);
        VmRecord record = new VmRecord(
            vmName,
            template.id(),
            template.tag(),
            template.resources().cpuCores(),
            template.resources().memoryMb(),
            template.resources().diskGb(),
            Instant.now().toString());
        JSON.writeValue(staging.resolve("vm.json").toFile(), record);
        process = new ProcessBuilder(IDLE_COMMAND)
            .directory(staging.toFile())
            .redirectInput(DEV_NULL)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .redirectErrorStream(true)
            .start();
        writePid(staging.resolve("vm.pid"), process.toHandle());
        Files.move(staging, dir, StandardCopyOption.ATOMIC_MOVE);
        log.info("VM {} cloned from {} and started (pid {})", vmName, template, process.pid());
        return new Vm(vmName, null);
      } catch (IOException | RuntimeException e) {
        if (process != null) {
          kill(process.toHandle());
        }
        throw e;
      } finally {
        deleteTree(staging);
      }
    }
  }

  /** The hooks are written into the runner directory; the simulated runner does not run them. */
  @Override
  public void startRunner(String vmName, String jitConfig, HookFiles hooks) throws IOException {
    Path dir = vmDir(vmName);
    synchronized (lock(vmName)) {
      if (!Files.isDirectory(dir)) {
        throw new VmMissingException(vmName);
      }
      Path runnerDir = dir.resolve("runner");
      Optional<ProcessHandle> existing = readPid(runnerDir.resolve("runner.pid"));
      if (existing.isPresent() && existing.get().isAlive()) {
        log.info("runner in VM {} is already running", vmName);
        return;
      }
      Files.createDirectories(runnerDir);
      Files.setPosixFilePermissions(runnerDir, OWNER_ONLY_DIR);
      Files.deleteIfExists(runnerDir.resolve("exit-code"));
      Path config = runnerDir.resolve(".jitconfig");
      Files.deleteIfExists(config);
      Files.createFile(config, PosixFilePermissions.asFileAttribute(OWNER_ONLY_FILE));
      Files.writeString(config, jitConfig, StandardCharsets.UTF_8);
      hooks.writeTo(runnerDir);

      ProcessBuilder builder = new ProcessBuilder(runnerCommand)
          .directory(runnerDir.toFile())
          .redirectInput(DEV_NULL)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(runnerDir.resolve("runner.log").toFile()))
          .redirectErrorStream(true);
      Map<String, String> env = builder.environment();
      String path = env.get("PATH");
      env.clear();
      if (path != null) {
        env.put("PATH", path);
      }
      env.put("HANGAR_RUNNER_DIR", runnerDir.toString());
      Process process = builder.start();
      runners.put(vmName, process);
      writePid(runnerDir.resolve("runner.pid"), process.toHandle());
      log.info("runner started in VM {} (pid {})", vmName, process.pid());
    }
  }

  @Override
  public RunnerState runnerState(String vmName) throws IOException {
    Path dir = vmDir(vmName);
    synchronized (lock(vmName)) {
      if (!Files.isDirectory(dir)) {
        return RunnerState.NO_VM;
      }
      Optional<ProcessHandle> vm = readPid(dir.resolve("vm.pid"));
      if (vm.isEmpty() || !vm.get().isAlive()) {
        return RunnerState.NO_VM;
      }
      Path runnerDir = dir.resolve("runner");
      Optional<String> exitCode = readExitCode(runnerDir);
      Optional<ProcessHandle> runner = readPid(runnerDir.resolve("runner.pid"));
      if (exitCode.isPresent()) {
        runner.ifPresent(SimulatedVmDriver::kill);
        runners.remove(vmName);
        return "0".equals(exitCode.get()) ? RunnerState.EXITED_OK : RunnerState.EXITED_FAILED;
      }
      if (!Files.exists(runnerDir.resolve("runner.pid"))) {
        return RunnerState.NOT_STARTED;
      }
      if (runner.isPresent() && runner.get().isAlive()) {
        return RunnerState.RUNNING;
      }
      Process process = runners.remove(vmName);
      int code = process != null && !process.isAlive() ? process.exitValue() : -1;
      writeAtomically(runnerDir.resolve("exit-code"), Integer.toString(code));
      log.info("runner in VM {} exited by itself with code {}", vmName, code);
      return code == 0 ? RunnerState.EXITED_OK : RunnerState.EXITED_FAILED;
    }
  }

  /**
   * Ends the runner's job, as a real ephemeral runner does when its one job is done: writes
   * {@code runner/exit-code}. The next {@link #runnerState} reports it and stops the runner.
   *
   * @param ok whether the runner exits normally ({@code 0}) or with an error ({@code 1})
   * @throws VmMissingException if there is no such VM
   */
  public void finishRunner(String vmName, boolean ok) throws IOException {
    Path dir = vmDir(vmName);
    synchronized (lock(vmName)) {
      if (!Files.isDirectory(dir)) {
        throw new VmMissingException(vmName);
      }
      Path runnerDir = Files.createDirectories(dir.resolve("runner"));
      writeAtomically(runnerDir.resolve("exit-code"), ok ? "0" : "1");
    }
  }

  @Override
  public void delete(String vmName) throws IOException {
    Path dir = vmDir(vmName);
    synchronized (lock(vmName)) {
      Process runner = runners.remove(vmName);
      if (runner != null) {
        kill(runner.toHandle());
      }
      if (!Files.isDirectory(dir)) {
        return;
      }
      readPid(dir.resolve("runner").resolve("runner.pid")).ifPresent(SimulatedVmDriver::kill);
      readPid(dir.resolve("vm.pid")).ifPresent(SimulatedVmDriver::kill);
      deleteTree(dir);
      log.info("VM {} deleted", vmName);
    }
  }

  @Override
  public List<String> list() throws IOException {
    try (Stream<Path> entries = Files.list(vms)) {
      return entries
          .filter(Files::isDirectory)
          .map(p -> p.getFileName().toString())
          .filter(SafeNames::isSafe)
          .sorted()
          .toList();
    }
  }

  /**
   * The pulled templates. A template's size is the {@code disk-gb} of the catalog it was pulled
   * with (the size a real one would take), or its directory's size if that is 0; its last use is
   * the last clone from it, or its pull.
   */
  @Override
  public List<TemplateInfo> templates() throws IOException {
    Set<String> inUse = new java.util.HashSet<>();
    for (String vm : list()) {
      try {
        VmRecord r = JSON.readValue(vmDir(vm).resolve("vm.json").toFile(), VmRecord.class);
        inUse.add(r.tag() == null || r.tag().isEmpty() ? r.templateId() : r.templateId() + "@" + r.tag());
      } catch (IOException e) {
        log.debug("cannot read vm.json of {}", vm, e);
      }
    }
    List<TemplateInfo> found = new ArrayList<>();
    try (Stream<Path> entries = Files.list(templates)) {
      for (Path dir : entries.filter(Files::isDirectory).sorted().toList()) {
        String name = dir.getFileName().toString();
        if (name.startsWith(".")) {
          continue;
        }
        int at = name.indexOf('@');
        String id = at < 0 ? name : name.substring(0, at);
        String tag = at < 0 ? null : name.substring(at + 1);
        if (!SafeNames.isSafe(id) || (tag != null && !SafeNames.isSafe(tag))) {
          continue;
        }
        long declaredGb = 0;
        try {
          declaredGb = JSON.readTree(dir.resolve("template.json").toFile()).path("diskGb").asLong(0);
        } catch (IOException e) {
          log.debug("cannot read template.json of {}", name, e);
        }
        long size = declaredGb > 0 ? declaredGb * 1024L * 1024 * 1024 : treeSize(dir);
        Path lastUsed = dir.resolve(LAST_USED);
        Instant used = Files.getLastModifiedTime(Files.exists(lastUsed) ? lastUsed : dir).toInstant();
        found.add(new TemplateInfo(id, tag, size, used, inUse.contains(name)));
      }
    }
    return found;
  }

  @Override
  public void deleteTemplate(String id, String tag) throws IOException {
    SafeNames.require("template id", id);
    SafeNames.requireOptional("template tag", tag);
    String name = tag == null ? id : id + "@" + tag;
    Path dir = templates.resolve(name);
    if (!Files.isDirectory(dir)) {
      return;
    }
    for (TemplateInfo t : templates()) {
      if (t.inUse() && t.id().equals(id) && java.util.Objects.equals(t.tag(), tag)) {
        throw new IOException("template " + name + " has VMs cloned from it");
      }
    }
    // Renamed away first, so that a clone never copies a half-deleted template.
    Path doomed = templates.resolve(".delete-" + name + "-" + UUID.randomUUID());
    Files.move(dir, doomed, StandardCopyOption.ATOMIC_MOVE);
    deleteTree(doomed);
    log.info("template {} deleted", name);
  }

  private static void touchLastUsed(Path templateDir) throws IOException {
    Path f = templateDir.resolve(LAST_USED);
    writeAtomically(f, Instant.now().toString());
  }

  private static long treeSize(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
    }
  }

  /** The directory of a VM, whether or not it exists. */
  public Path vmDir(String vmName) {
    return vms.resolve(SafeNames.require("VM name", vmName));
  }

  /** The directory of a VM's runner, where {@code .jitconfig} and {@code exit-code} live. */
  public Path runnerDir(String vmName) {
    return vmDir(vmName).resolve("runner");
  }

  /** The pid of the VM's runner process, if it is running. */
  public Optional<Long> runnerPid(String vmName) throws IOException {
    return readPid(runnerDir(vmName).resolve("runner.pid")).filter(ProcessHandle::isAlive).map(ProcessHandle::pid);
  }

  /** The pid of the VM's own process, if it is running. */
  public Optional<Long> vmPid(String vmName) throws IOException {
    return readPid(vmDir(vmName).resolve("vm.pid")).filter(ProcessHandle::isAlive).map(ProcessHandle::pid);
  }

  private Path templateDir(TemplateRef template) {
    String id = SafeNames.require("template id", template.id());
    String tag = SafeNames.requireOptional("template tag", template.tag());
    return templates.resolve(tag == null ? id : id + "@" + tag);
  }

  /** One of a fixed set of locks, so that operations on one VM never interleave. */
  private Object lock(String vmName) {
    return locks[Math.floorMod(vmName.hashCode(), locks.length)];
  }

  /** What vm.json holds. */
  record VmRecord(
      String name, String templateId, String tag, int cpuCores, long memoryMb, long diskGb, String createdAt) {}

  // ---- processes ----

  /** Writes "pid startMillis" so that a recycled pid is not mistaken for our process. */
  private static void writePid(Path file, ProcessHandle handle) throws IOException {
    long start = handle.info().startInstant().map(Instant::toEpochMilli).orElse(-1L);
    writeAtomically(file, handle.pid() + " " + start);
  }

  private static Optional<ProcessHandle> readPid(Path file) throws IOException {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.US_ASCII).trim();
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
    String[] parts = text.split(" ");
    long pid;
    long start;
    try {
      pid = Long.parseLong(parts[0]);
      start = parts.length > 1 ? Long.parseLong(parts[1]) : -1;
    } catch (NumberFormatException e) {
      log.warn("unreadable pid file {}", file);
      return Optional.empty();
    }
    return ProcessHandle.of(pid).filter(h -> sameStart(h, start));
  }

  private static boolean sameStart(ProcessHandle handle, long expectedMillis) {
    if (expectedMillis < 0) {
      return true;
    }
    return handle.info().startInstant()
        .map(actual -> Math.abs(actual.toEpochMilli() - expectedMillis) < 1000)
        .orElse(true);
  }

  private static void kill(ProcessHandle handle) {
    if (!handle.isAlive()) {
      return;
    }
    handle.destroy();
    try {
      handle.onExit().get(KILL_GRACE.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception notYet) {
      if (notYet instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      handle.destroyForcibly();
    }
  }

  // ---- files ----

  private static Optional<String> readExitCode(Path runnerDir) throws IOException {
    try {
      return Optional.of(Files.readString(runnerDir.resolve("exit-code"), StandardCharsets.US_ASCII).trim());
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
  }

  private static void writeAtomically(Path file, String content) throws IOException {
    Path tmp = file.resolveSibling("." + file.getFileName() + "." + UUID.randomUUID() + ".tmp");
    Files.writeString(tmp, content, StandardCharsets.US_ASCII);
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  private static void copyTree(Path from, Path to) throws IOException {
    List<Path> sources;
    try (Stream<Path> walk = Files.walk(from)) {
      sources = walk.toList();
    }
    for (Path source : sources) {
      Path target = to.resolve(from.relativize(source).toString());
      if (Files.isDirectory(source)) {
        Files.createDirectories(target);
      } else {
        Files.copy(source, target, StandardCopyOption.COPY_ATTRIBUTES);
      }
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    List<Path> paths;
    try (Stream<Path> walk = Files.walk(dir)) {
      paths = new ArrayList<>(walk.toList());
    }
    paths.sort(Comparator.reverseOrder());
    try {
      for (Path p : paths) {
        Files.deleteIfExists(p);
      }
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(Math.max(1, d.toMillis()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while pulling a template", e);
    }
  }
}
