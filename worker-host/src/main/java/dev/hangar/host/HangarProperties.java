package dev.hangar.host;

import dev.hangar.activities.host.SafeNames;
import dev.hangar.activities.host.anka.AnkaSettings;
import dev.hangar.activities.host.tart.TartSettings;
import dev.hangar.activities.secrets.SecretSealer;
import dev.hangar.activities.templates.TemplateCatalog;
import dev.hangar.activities.templates.TemplateSpec;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The worker-host's configuration, under {@code hangar.*}. Every value is checked when it is bound;
 * a bad one stops the host with one line naming the key ({@link InvalidConfigException}).
 *
 * @param host this host: {@code hangar.host.*}
 * @param secrets the shared secrets key: {@code hangar.secrets.*}
 * @param templates {@code hangar.templates}: the template catalog, the same list as the
 *     orchestrator's; a host polls the placement queue of every size class in it that fits
 */
@ConfigurationProperties("hangar")
record HangarProperties(@DefaultValue Host host, @DefaultValue Secrets secrets, List<TemplateSpec> templates) {

  HangarProperties {
    templates = templates == null ? List.of() : List.copyOf(templates);
    TemplateCatalog catalog;
    try {
      catalog = new TemplateCatalog(templates);
    } catch (IllegalArgumentException e) {
      throw new InvalidConfigException("hangar.templates", e.getMessage());
    }
    for (int i = 0; i < templates.size(); i++) {
      TemplateSpec t = templates.get(i);
      if (!SafeNames.isSafe(t.id())) {
        throw new InvalidConfigException("hangar.templates[" + i + "].id",
            "hangar.templates[" + i + "].id must be 1-64 characters of [A-Za-z0-9._-], was '" + t.id() + "'");
      }
      if (t.tag() != null && !SafeNames.isSafe(t.tag())) {
        throw new InvalidConfigException("hangar.templates[" + i + "].tag",
            "hangar.templates[" + i + "].tag must be 1-64 characters of [A-Za-z0-9._-], was '" + t.tag() + "'");
      }
    }
    if (catalog.all().isEmpty()) {
      throw new InvalidConfigException("hangar.templates",
          "hangar.templates is empty: list at least one template (id, cpu-cores, memory-mb, disk-gb)");
    }
  }

  /** The templates as a catalog. */
  TemplateCatalog catalog() {
    return new TemplateCatalog(templates);
  }

  /** The drivers {@code hangar.host.driver} may name. */
  static final List<String> DRIVERS = List.of("simulated", "anka", "tart");

  /**
   * {@code hangar.host.*}.
   *
   * @param id {@code hangar.host.id}: this host's id, which names its queue {@code
   *     hangar-host-<id>}; unique in the fleet. Default: the host name, lower-cased, with
   *     characters outside {@code [a-z0-9._-]} replaced by {@code -}
   * @param driver {@code hangar.host.driver}: the VM driver, {@code simulated}, {@code anka} or
   *     {@code tart} (default simulated)
   * @param maxRunningVms {@code hangar.host.max-running-vms}: most VMs at once, reserved or running
   *     (default 2, Apple's licence for macOS guests)
   * @param skipCpuAndMemoryResourceChecks {@code hangar.host.skip-cpu-and-memory-resource-checks}:
   *     count VMs only, ignoring the host's cores and memory (default false)
   * @param reservationTtl {@code hangar.host.reservation-ttl}: how long room claimed for a VM is
   *     held if the VM is never started (default 10m)
   * @param capacityCheckInterval {@code hangar.host.capacity-check-interval}: how often the host
   *     re-evaluates which placement queues to poll, besides after every claim and deletion
   *     (default 5s)
   * @param orphanSweepInterval {@code hangar.host.orphan-sweep-interval}: how often the host
   *     deletes VMs whose workflow is no longer running, and adopts VMs it does not know
   *     (default 5m; also once at startup)
   * @param drainTimeout {@code hangar.host.drain-timeout}: on SIGTERM the host stops taking work
   *     and waits this long at most for its VMs to be deleted by their workflows before its
   *     Temporal workers stop (default 6h)
   * @param diskFreeBufferPercent {@code hangar.host.disk-free-buffer-percent}: the share of the
   *     disk a template pull must leave free; least recently used templates no VM is cloned from
   *     are deleted to keep it (default 10, 0-90)
   * @param simulated {@code hangar.host.simulated.*}: the simulated driver
   * @param anka {@code hangar.host.anka.*}: the Anka driver
   * @param tart {@code hangar.host.tart.*}: the Tart driver
   */
  record Host(
      String id,
      @DefaultValue("simulated") String driver,
      @DefaultValue("2") int maxRunningVms,
      @DefaultValue("false") boolean skipCpuAndMemoryResourceChecks,
      @DefaultValue("10m") Duration reservationTtl,
      @DefaultValue("5s") Duration capacityCheckInterval,
      @DefaultValue("5m") Duration orphanSweepInterval,
      @DefaultValue("6h") Duration drainTimeout,
      @DefaultValue("10") int diskFreeBufferPercent,
      @DefaultValue Simulated simulated,
      @DefaultValue Anka anka,
      @DefaultValue Tart tart) {

    Host {
      if (id == null || id.isBlank()) {
        id = sanitize(localHostName());
      } else if (!SafeNames.isSafe(id)) {
        throw new InvalidConfigException("hangar.host.id",
            "hangar.host.id must be 1-64 characters of [A-Za-z0-9._-], starting with a letter or digit, was '"
                + id + "'");
      }
      String chosen = driver == null ? "" : driver.trim().toLowerCase(Locale.ROOT);
      if (!DRIVERS.contains(chosen)) {
        throw new InvalidConfigException("hangar.host.driver",
            "hangar.host.driver '" + driver + "' is not supported: use one of " + DRIVERS);
      }
      driver = chosen;
      if (maxRunningVms < 1) {
        throw new InvalidConfigException("hangar.host.max-running-vms",
            "hangar.host.max-running-vms must be ≥ 1, was " + maxRunningVms);
      }
      requirePositive("hangar.host.reservation-ttl", reservationTtl);
      requirePositive("hangar.host.capacity-check-interval", capacityCheckInterval);
      requirePositive("hangar.host.orphan-sweep-interval", orphanSweepInterval);
      requirePositive("hangar.host.drain-timeout", drainTimeout);
      if (diskFreeBufferPercent < 0 || diskFreeBufferPercent > 90) {
        throw new InvalidConfigException("hangar.host.disk-free-buffer-percent",
            "hangar.host.disk-free-buffer-percent must be 0-90, was " + diskFreeBufferPercent);
      }
      if (simulated.root() == null) {
        simulated = new Simulated(
            Path.of(System.getProperty("java.io.tmpdir"), "hangar-simulated", id),
            simulated.pullDelay(),
            simulated.runnerCommand());
      }
    }
  }

  /**
   * {@code hangar.host.simulated.*}.
   *
   * @param root {@code hangar.host.simulated.root}: the directory holding templates and VMs
   *     (default {@code <java.io.tmpdir>/hangar-simulated/<host id>})
   * @param pullDelay {@code hangar.host.simulated.pull-delay}: how long a simulated template pull
   *     takes (default 0s)
   * @param runnerCommand {@code hangar.host.simulated.runner-command}: the runner process, as an
   *     argument list (default {@code sleep 999999999}: idle until the job is ended by writing
   *     {@code runner/exit-code})
   */
  record Simulated(Path root, @DefaultValue("0s") Duration pullDelay, List<String> runnerCommand) {

    Simulated {
      if (pullDelay == null || pullDelay.isNegative()) {
        throw new InvalidConfigException("hangar.host.simulated.pull-delay",
            "hangar.host.simulated.pull-delay must not be negative, was " + pullDelay);
      }
      runnerCommand = runnerCommand == null || runnerCommand.isEmpty() ? List.of("sleep", "999999999")
          : List.copyOf(runnerCommand);
    }
  }

  /**
   * {@code hangar.host.anka.*}: used when {@code hangar.host.driver} is {@code anka}. At startup the
   * host runs {@code anka -j version} and {@code anka -j license show} and refuses to start if Anka
   * does not run or its licence is invalid, expired or for a single VM.
   *
   * @param executable {@code hangar.host.anka.executable}: the {@code anka} executable, a name looked
   *     up on {@code PATH} or a path (default {@code anka})
   * @param scriptsDir {@code hangar.host.anka.scripts-dir}: a directory whose {@code
   *     start-runner.sh}, {@code run-runner.sh}, {@code runner-state.sh} replace the built-in in-VM
   *     scripts, and whose {@code job-started.sh} / {@code job-completed.sh} become the runner's
   *     {@code ACTIONS_RUNNER_HOOK_JOB_STARTED} / {@code _COMPLETED} hooks (default: none, the
   *     built-in scripts only)
   * @param registry {@code hangar.host.anka.registry}: the registry name or URL passed to {@code anka
   *     registry --remote} (default: Anka's default registry)
   */
  record Anka(@DefaultValue("anka") String executable, Path scriptsDir, String registry) {

    Anka {
      requireExecutable("anka", executable, scriptsDir);
      if (registry != null && registry.isBlank()) {
        registry = null;
      }
      if (registry != null) {
        try {
          new AnkaSettings(Path.of(executable), null, registry, null, null);
        } catch (IllegalArgumentException e) {
          throw new InvalidConfigException("hangar.host.anka.registry",
              "hangar.host.anka.registry is invalid: " + e.getMessage());
        }
      }
    }

    /** The driver's settings. */
    AnkaSettings settings() {
      return new AnkaSettings(Path.of(executable), scriptsDir, registry, null, null);
    }
  }

  /**
   * {@code hangar.host.tart.*}: used when {@code hangar.host.driver} is {@code tart}. At startup
   * the host runs {@code tart --version} and refuses to start if it does not answer. Template
   * {@code <id>} at tag {@code <tag>} is the OCI image {@code <registry>/<id>:<tag>} ({@code
   * latest} without a tag). The images need the Tart Guest Agent ({@code tart exec}); Cirrus Labs'
   * images have it.
   *
   * @param executable {@code hangar.host.tart.executable}: the {@code tart} executable, a name looked
   *     up on {@code PATH} or a path (default {@code tart})
   * @param scriptsDir {@code hangar.host.tart.scripts-dir}: a directory of in-VM scripts and runner
   *     hooks, as {@code hangar.host.anka.scripts-dir} (default: none, the built-in scripts only)
   * @param registry {@code hangar.host.tart.registry}: the OCI repository prefix templates are
   *     pulled from, lower-case {@code host[:port]/path} without a scheme (default {@code
   *     ghcr.io/cirruslabs})
   * @param runLogDir {@code hangar.host.tart.run-log-dir}: where each VM's {@code tart run} output
   *     goes, one {@code <vm>.log} each, deleted with the VM (default {@code
   *     <java.io.tmpdir>/hangar-tart})
   * @param bootTimeout {@code hangar.host.tart.boot-timeout}: how long a started VM may take to get
   *     an IP address, {@code tart ip --wait} (default 3m, 1s to 18h)
   */
  record Tart(
      @DefaultValue("tart") String executable,
      Path scriptsDir,
      @DefaultValue(TartSettings.DEFAULT_REGISTRY) String registry,
      Path runLogDir,
      @DefaultValue("3m") Duration bootTimeout) {

    Tart {
      requireExecutable("tart", executable, scriptsDir);
      requirePositive("hangar.host.tart.boot-timeout", bootTimeout);
      try {
        new TartSettings(Path.of(executable), null, registry, runLogDir, null, null, bootTimeout);
      } catch (IllegalArgumentException e) {
        String key = e.getMessage().contains("registry") ? "hangar.host.tart.registry" : "hangar.host.tart.boot-timeout";
        throw new InvalidConfigException(key, key + " is invalid: " + e.getMessage());
      }
    }

    /** The driver's settings. */
    TartSettings settings() {
      return new TartSettings(Path.of(executable), scriptsDir, registry, runLogDir, null, null, bootTimeout);
    }
  }

  /**
   * {@code hangar.secrets.*}.
   *
   * @param key {@code hangar.secrets.key}: base64 of 32 random bytes, the AES-256 key that seals
   *     JIT runner configurations; the same on the orchestrator and every host. Required; set it
   *     with {@code HANGAR_SECRETS_KEY}, never in a file under version control
   */
  record Secrets(String key) {

    Secrets {
      if (key == null || key.isBlank()) {
        throw new InvalidConfigException("hangar.secrets.key",
            "hangar.secrets.key is required: base64 of 32 random bytes, the same as the orchestrator's;"
                + " set the environment variable HANGAR_SECRETS_KEY");
      }
      try {
        SecretSealer.fromBase64(key);
      } catch (IllegalArgumentException e) {
        throw new InvalidConfigException("hangar.secrets.key",
            "hangar.secrets.key is invalid: " + e.getMessage() + " (expected base64 of 32 random bytes)");
      }
    }

    @Override
    public String toString() {
      return "Secrets[key=(hidden)]";
    }
  }

  /** Checks {@code hangar.host.<tool>.executable} and {@code hangar.host.<tool>.scripts-dir}. */
  private static void requireExecutable(String tool, String executable, Path scriptsDir) {
    String prefix = "hangar.host." + tool + ".";
    if (executable == null || executable.isBlank() || executable.startsWith("-")) {
      throw new InvalidConfigException(prefix + "executable", prefix + "executable must name the " + tool
          + " executable (a name on PATH or a path), was '" + executable + "'");
    }
    if (scriptsDir != null && !Files.isDirectory(scriptsDir)) {
      throw new InvalidConfigException(prefix + "scripts-dir",
          prefix + "scripts-dir '" + scriptsDir + "' is not a directory");
    }
  }

  private static void requirePositive(String key, Duration d) {
    if (d == null || d.isNegative() || d.isZero()) {
      throw new InvalidConfigException(key, key + " must be a positive duration such as 2s or 10m, was " + d);
    }
  }

  private static String localHostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (Exception e) {
      String env = System.getenv("HOSTNAME");
      return env == null ? "host" : env;
    }
  }

  /** A host name as a safe id: lower case, {@code [a-z0-9._-]}, at most 64 characters. */
  static String sanitize(String hostName) {
    String s = hostName.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9._-]", "-").replaceAll("\\.{2,}", ".");
    s = s.replaceAll("^[.-]+", "");
    if (s.length() > SafeNames.MAX_LENGTH) {
      s = s.substring(0, SafeNames.MAX_LENGTH);
    }
    return s.isEmpty() ? "host" : s;
  }
}
