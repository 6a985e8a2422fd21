package dev.hangar.anklet;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Maps an {@link AnkletConfig} to webhook-gateway and worker-host overrides, as
 * docs/migrating-from-anklet.md describes. A value plugins disagree on is never chosen: the key is
 * left out and reported as a conflict. Secrets become environment placeholders.
 */
final class HangarMapping {

  /** The Anka driver runs at most this many macOS VMs per Mac (Apple's licence), as Anklet did. */
  static final int APPLE_VM_LIMIT = 2;

  static final String TOKEN_ENV = "HANGAR_GITHUB_TOKEN";
  static final String WEBHOOK_SECRET_ENV = "HANGAR_GATEWAY_WEBHOOK_SECRET";
  static final String SECRETS_KEY_ENV = "HANGAR_SECRETS_KEY";
  static final String PRIVATE_KEY_FILE_ENV = "HANGAR_GITHUB_PRIVATE_KEY_FILE";

  /** The result: {@code host} is null when the config has no handler plugin. */
  record Imported(Map<String, Object> gateway, Map<String, Object> host, ImportReport report) {

    boolean hasConflicts() {
      return !report.conflicts().isEmpty();
    }
  }

  private final AnkletConfig config;
  private final Map<String, Object> gateway = new LinkedHashMap<>();
  private final Map<String, Object> host = new LinkedHashMap<>();
  private final ImportReport report = new ImportReport();

  private HangarMapping(AnkletConfig config) {
    this.config = config;
  }

  static Imported map(AnkletConfig config) {
    return new HangarMapping(config).run();
  }

  private Imported run() {
    receivers();
    credentials();
    List<AnkletPlugin> handlers = config.handlers();
    if (!handlers.isEmpty()) {
      handlers(handlers);
    }
    globals(!handlers.isEmpty());
    pluginKeys();
    secretsKey(!handlers.isEmpty());
    report.toProvide("hangar.templates in gateway.yml" + (handlers.isEmpty() ? "" : " and host.yml (the same list)")
        + ": every template your workflows name (anka-template:<UUID>), with cpu-cores, memory-mb and disk-gb;"
        + " Anklet has no catalog, Hangar places VMs by size");
    report.toProvide("spring.temporal.connection.target (and spring.temporal.namespace) on the gateway"
        + (handlers.isEmpty() ? "" : " and every host") + ": Temporal replaces Anklet's Redis");
    return new Imported(gateway, handlers.isEmpty() ? null : host, report);
  }

  private void receivers() {
    List<AnkletPlugin> receivers = config.receivers();
    put(gateway, "hangar.gateway.webhook-secret", placeholder(WEBHOOK_SECRET_ENV));
    Map<String, List<String>> secrets = values(receivers, AnkletPlugin::secret);
    if (secrets.size() > 1) {
      report.conflict("hangar.gateway.webhook-secret: receivers " + String.join(", ", labels(receivers))
          + " use different webhook secrets; one gateway checks one secret: give every webhook the same one");
    }
    receivers.stream().filter(r -> r.secret() != null).forEach(r -> report.mapped(
        r.label() + ".secret", "hangar.gateway.webhook-secret", placeholder(WEBHOOK_SECRET_ENV) + " (value not copied)"));
    report.environment(WEBHOOK_SECRET_ENV, receivers.stream().anyMatch(r -> r.secret() != null)
        ? "on the gateway: the webhook secret Anklet's receiver had (secret / global_receiver_secret)"
        : "on the gateway: the secret of the GitHub webhook that points at the gateway");
    Map<Integer, List<String>> ports = values(receivers, AnkletPlugin::port);
    if (ports.size() == 1) {
      Integer port = ports.keySet().iterator().next();
      put(gateway, "server.port", port);
      receivers.stream().filter(r -> r.port() != null).forEach(r -> report.mapped(r.label() + ".port", "server.port", port
          + " (POST /webhook; the compose stack publishes 8080: drop server.port there)"));
    } else if (ports.size() > 1) {
      report.conflict("server.port: receivers listen on " + describe(ports) + "; the gateway listens on one port");
    }
    for (AnkletPlugin r : receivers) {
      drop(r, "owner", r.owner(), "the gateway takes owner and repository from each delivery");
      drop(r, "repo", r.repo(), "the gateway takes owner and repository from each delivery");
    }
  }

  private void credentials() {
    List<AnkletPlugin> github = config.plugins().stream().filter(p -> p.kind() != AnkletPlugin.Kind.OTHER_CI).toList();
    List<AnkletPlugin> apps = github.stream().filter(AnkletPlugin::usesApp).toList();
    List<AnkletPlugin> tokens = github.stream().filter(p -> p.token() != null).toList();
    if (!apps.isEmpty() && !tokens.isEmpty()) {
      report.conflict("hangar.github.token / hangar.github.app-id: " + String.join(", ", labels(tokens))
          + " use a token, " + String.join(", ", labels(apps)) + " a GitHub App; the gateway authenticates one way"
          + " for every job: set either hangar.github.token (env " + TOKEN_ENV + ") or hangar.github.app-id and"
          + " private-key-file");
      return;
    }
    if (!tokens.isEmpty()) {
      put(gateway, "hangar.github.token", placeholder(TOKEN_ENV));
      tokens.forEach(p -> report.mapped(p.label() + ".token", "hangar.github.token",
          placeholder(TOKEN_ENV) + " (value not copied; the gateway only)"));
      boolean differ = values(tokens, AnkletPlugin::token).size() > 1;
      report.environment(TOKEN_ENV, "on the gateway only: a token that manages self-hosted runners"
          + (differ ? " of every repository the plugins served (they used different tokens)" : " (Anklet's token)"));
      return;
    }
    if (apps.isEmpty()) {
      report.toProvide("GitHub credentials on the gateway: hangar.github.token (env " + TOKEN_ENV
          + ") or hangar.github.app-id + private-key-file; no plugin had any");
      return;
    }
    app(apps);
  }

  private void app(List<AnkletPlugin> apps) {
    Map<Long, List<String>> ids = values(apps, AnkletPlugin::appId);
    if (ids.size() > 1) {
      report.conflict("hangar.github.app-id: plugins use different GitHub Apps (" + describe(ids)
          + "); the gateway acts as one App for every job");
      return;
    }
    if (ids.isEmpty()) {
      report.toProvide("hangar.github.app-id: the plugins have a private_key but no app_id");
    } else {
      Long id = ids.keySet().iterator().next();
      put(gateway, "hangar.github.app-id", id);
      apps.stream().filter(p -> p.appId() != null).forEach(p -> report.mapped(p.label() + ".app_id", "hangar.github.app-id", id));
    }
    if (apps.stream().anyMatch(AnkletPlugin::inlinePrivateKey)) {
      put(gateway, "hangar.github.private-key-file", placeholder(PRIVATE_KEY_FILE_ENV));
      report.toProvide("the App's private key in a file readable only by the gateway's user: "
          + labels(apps.stream().filter(AnkletPlugin::inlinePrivateKey).toList()) + " hold the key itself (not copied)");
      report.environment(PRIVATE_KEY_FILE_ENV, "on the gateway: the path of that private key file");
    } else {
      Map<String, List<String>> paths = values(apps, AnkletPlugin::privateKey);
      if (paths.size() > 1) {
        report.conflict("hangar.github.private-key-file: plugins name different key files (" + describe(paths)
            + "); the gateway reads one");
      } else if (paths.isEmpty()) {
        report.toProvide("hangar.github.private-key-file: the plugins have an app_id but no private_key");
      } else {
        String path = paths.keySet().iterator().next();
        put(gateway, "hangar.github.private-key-file", path);
        apps.stream().filter(p -> p.privateKey() != null).forEach(p -> report.mapped(
            p.label() + ".private_key", "hangar.github.private-key-file", path + " (a path; the file must be on the gateway)"));
      }
    }
    Map<Long, List<String>> installations = values(apps, AnkletPlugin::installationId);
    if (installations.size() == 1) {
      Long id = installations.keySet().iterator().next();
      put(gateway, "hangar.github.installation-id", id);
      apps.stream().filter(p -> p.installationId() != null).forEach(p -> report.mapped(
          p.label() + ".installation_id", "hangar.github.installation-id", id));
    } else {
      apps.stream().filter(p -> p.installationId() != null).forEach(p -> report.dropped(p.label() + ".installation_id",
          "plugins name different installations; hangar.github.installation-id is left unset, so the gateway looks"
              + " up each owner's installation itself"));
    }
  }

  private void handlers(List<AnkletPlugin> handlers) {
    put(host, "hangar.host.driver", "anka");
    int slots = Math.min(handlers.size(), APPLE_VM_LIMIT);
    put(host, "hangar.host.max-running-vms", slots);
    report.mapped(handlers.size() + " github handler plugins (" + String.join(", ", labels(handlers)) + ")",
        "hangar.host.max-running-vms", slots + (handlers.size() > APPLE_VM_LIMIT
            ? " (Anklet, too, ran at most " + APPLE_VM_LIMIT + " VMs at once)" : ""));
    report.mapped("plugin: github", "hangar.host.driver", "anka");

    Map<String, List<String>> scopes = values(handlers, HangarMapping::scope);
    Map<String, List<String>> owners = values(handlers, AnkletPlugin::owner);
    if (scopes.size() > 1) {
      report.conflict("hangar.github.runner-scope: handlers register runners " + describe(scopes)
          + "; the gateway registers every runner one way: pick repository or organization");
    }
    if (owners.size() > 1) {
      report.conflict("hangar.allowed-owners / hangar.reconciler: handlers serve different owners (" + describe(owners)
          + "); with one set of credentials for all, list the owners in hangar.allowed-owners yourself");
    }
    if (scopes.size() == 1) {
      String scope = scopes.keySet().iterator().next();
      put(gateway, "hangar.github.runner-scope", scope);
      handlers.forEach(h -> report.mapped(h.label() + (h.registration() != null ? ".registration"
          : h.repo() != null ? ".repo (no registration)" : " (neither registration nor repo)"),
          "hangar.github.runner-scope", scope));
      if (owners.size() == 1) {
        owner(handlers, owners.keySet().iterator().next(), scope);
      }
      runnerGroup(handlers, scope);
    }
    agree(handlers, AnkletPlugin::registryUrl, "registry_url", host, "hangar.host.anka.registry",
        "one host pulls from one registry: run the importer once per Mac");
    diskBuffer(handlers);
    Map<Integer, List<String>> timeouts = values(handlers, AnkletPlugin::registrationTimeoutSeconds);
    if (timeouts.size() > 1) {
      report.conflict("hangar.job.registration-timeout: handlers wait " + describe(timeouts) + " seconds");
    } else if (timeouts.size() == 1) {
      int seconds = timeouts.keySet().iterator().next();
      if (seconds > 0) {
        put(gateway, "hangar.job.registration-timeout", seconds + "s");
        mappedAll(handlers, AnkletPlugin::registrationTimeoutSeconds, "registration_timeout_seconds",
            "hangar.job.registration-timeout", seconds + "s");
      }
    }
    agree(handlers, AnkletPlugin::jobRetryAttempts, "job_retry_attempts", gateway, "hangar.job.max-attempts",
        "the orchestrator applies one policy to every job");
    if (config.handlers().stream().anyMatch(h -> h.owner() == null)) {
      report.toProvide("owner: " + labels(handlers.stream().filter(h -> h.owner() == null).toList())
          + " name no owner");
    }
  }

  private void owner(List<AnkletPlugin> handlers, String owner, String scope) {
    put(gateway, "hangar.allowed-owners", List.of(owner));
    handlers.forEach(h -> report.mapped(h.label() + ".owner", "hangar.allowed-owners", owner
        + " (jobs of other owners are not Hangar's)"));
    if (scope.equals("organization")) {
      put(gateway, "hangar.reconciler.organizations", List.of(owner));
      report.mapped("owner with registration: org", "hangar.reconciler.organizations", owner
          + " (lost-webhook recovery, in place of Anklet's redelivery)");
      return;
    }
    List<String> repos = handlers.stream().filter(h -> h.repo() != null).map(h -> owner + "/" + h.repo())
        .distinct().toList();
    if (!repos.isEmpty()) {
      put(gateway, "hangar.reconciler.repositories", repos);
      handlers.stream().filter(h -> h.repo() != null).forEach(h -> report.mapped(h.label() + ".repo",
          "hangar.reconciler.repositories", owner + "/" + h.repo()
              + " (lost-webhook recovery; runners are registered for each job's repository)"));
    }
  }

  private void runnerGroup(List<AnkletPlugin> handlers, String scope) {
    if (scope.equals("repository")) {
      handlers.forEach(h -> drop(h, "runner_group", h.runnerGroup(),
          "repository runners join no group; runner groups apply to organization scope"));
      return;
    }
    agree(handlers, AnkletPlugin::runnerGroup, "runner_group", gateway, "hangar.github.runner-group",
        "runners join one group");
  }

  private void diskBuffer(List<AnkletPlugin> handlers) {
    Map<Double, List<String>> buffers = values(handlers, AnkletPlugin::templateDiskBuffer);
    if (buffers.size() > 1) {
      report.conflict("hangar.host.disk-free-buffer-percent: handlers keep " + describe(buffers) + " percent free");
      return;
    }
    if (buffers.size() == 1) {
      double buffer = buffers.keySet().iterator().next();
      int percent = (int) Math.ceil(buffer);
      if (percent < 0 || percent > 90) {
        handlers.forEach(h -> drop(h, "template_disk_buffer", h.templateDiskBuffer(),
            "Hangar keeps 0-90 percent free; set hangar.host.disk-free-buffer-percent yourself"));
        return;
      }
      put(host, "hangar.host.disk-free-buffer-percent", percent);
      mappedAll(handlers, AnkletPlugin::templateDiskBuffer, "template_disk_buffer",
          "hangar.host.disk-free-buffer-percent", percent + (percent != buffer ? " (rounded up from " + buffer + ")" : ""));
    }
  }

  /** Writes {@code hangarKey} when every plugin that sets {@code ankletKey} agrees; else a conflict. */
  private <T> void agree(List<AnkletPlugin> plugins, Function<AnkletPlugin, T> value, String ankletKey,
      Map<String, Object> target, String hangarKey, String why) {
    Map<T, List<String>> values = values(plugins, value);
    if (values.size() > 1) {
      report.conflict(hangarKey + ": " + ankletKey + " differs: " + describe(values) + "; " + why);
    } else if (values.size() == 1) {
      T v = values.keySet().iterator().next();
      put(target, hangarKey, v);
      mappedAll(plugins, value, ankletKey, hangarKey, v);
    }
  }

  private <T> void mappedAll(List<AnkletPlugin> plugins, Function<AnkletPlugin, T> value, String ankletKey,
      String hangarKey, Object written) {
    plugins.stream().filter(p -> value.apply(p) != null)
        .forEach(p -> report.mapped(p.label() + "." + ankletKey, hangarKey, written));
  }

  private void globals(boolean hasHandlers) {
    if (config.metricsPort() != null) {
      if (hasHandlers) {
        put(host, "server.port", config.metricsPort());
        report.mapped("metrics.port", "server.port (worker-host)", config.metricsPort()
            + " (GET /actuator/prometheus; point Prometheus' target for this Mac at it)");
      } else {
        report.dropped("metrics.port", "the gateway serves /actuator/prometheus on its own server.port");
      }
    }
    if (config.globalPrivateKey() != null) {
      report.mapped("global_private_key", "hangar.github.private-key-file", "used for plugins without private_key");
    }
    if (config.globalReceiverSecret() != null) {
      report.mapped("global_receiver_secret", "hangar.gateway.webhook-secret", "used for receivers without secret");
    }
    if (config.globalRegistryUrl() != null) {
      report.mapped("global_registry_url", "hangar.host.anka.registry", "used for handlers without registry_url");
    }
    if (config.globalTemplateDiskBuffer() != null) {
      report.mapped("global_template_disk_buffer", "hangar.host.disk-free-buffer-percent",
          "used for handlers without template_disk_buffer");
    }
    for (String key : config.otherKeys()) {
      report.dropped(key, GlobalKeys.reason(key));
    }
    for (String key : config.unknownKeys()) {
      report.dropped(key, "not an Anklet key; ignored (as Anklet ignores it)");
    }
  }

  private void pluginKeys() {
    for (AnkletPlugin p : config.plugins()) {
      if (p.kind() == AnkletPlugin.Kind.OTHER_CI) {
        report.dropped(p.label(), "plugin " + p.plugin() + " is not GitHub Actions; Hangar runs GitHub Actions jobs");
        continue;
      }
      for (String key : p.otherKeys()) {
        report.dropped(p.label() + "." + key, GlobalKeys.pluginReason(key));
      }
    }
  }

  private void secretsKey(boolean hasHandlers) {
    put(gateway, "hangar.secrets.key", placeholder(SECRETS_KEY_ENV));
    if (hasHandlers) {
      put(host, "hangar.secrets.key", placeholder(SECRETS_KEY_ENV));
    }
    report.environment(SECRETS_KEY_ENV, "on the gateway and every host, the same value: base64 of 32 random bytes"
        + " (head -c 32 /dev/urandom | base64); new in Hangar, it seals each VM's single-use runner configuration");
  }

  private void drop(AnkletPlugin p, String key, Object value, String reason) {
    if (value != null) {
      report.dropped(p.label() + "." + key, reason);
    }
  }

  /** Where a handler registers runners: {@code repository} or {@code organization}. */
  private static String scope(AnkletPlugin h) {
    String registration = h.registration() != null ? h.registration() : h.repo() != null ? "repo" : "org";
    return registration.equals("repo") ? "repository" : "organization";
  }

  /** Each distinct non-null value with the plugins that have it, in file order. */
  private static <T> Map<T, List<String>> values(List<AnkletPlugin> plugins, Function<AnkletPlugin, T> value) {
    Map<T, List<String>> out = new LinkedHashMap<>();
    for (AnkletPlugin p : plugins) {
      T v = value.apply(p);
      if (v != null) {
        out.computeIfAbsent(v, k -> new ArrayList<>()).add(p.label());
      }
    }
    return out;
  }

  private static String describe(Map<?, List<String>> values) {
    return values.entrySet().stream().map(e -> e.getKey() + " (" + String.join(", ", e.getValue()) + ")")
        .collect(Collectors.joining(" vs "));
  }

  private static List<String> labels(List<AnkletPlugin> plugins) {
    return plugins.stream().map(AnkletPlugin::label).toList();
  }

  static String placeholder(String env) {
    return "${" + env + "}";
  }

  /** Puts {@code value} at the dotted {@code key}, creating the maps on the way. */
  @SuppressWarnings("unchecked")
  private static void put(Map<String, Object> root, String key, Object value) {
    String[] parts = key.split("\\.");
    Map<String, Object> at = root;
    for (int i = 0; i < parts.length - 1; i++) {
      at = (Map<String, Object>) at.computeIfAbsent(parts[i], k -> new LinkedHashMap<String, Object>());
    }
    at.put(parts[parts.length - 1], value);
  }
}
