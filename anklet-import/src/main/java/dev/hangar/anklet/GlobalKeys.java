package dev.hangar.anklet;

import java.util.Map;

/** Why each Anklet key without a Hangar equivalent is dropped (docs/migrating-from-anklet.md). */
final class GlobalKeys {

  private static final String REDIS = "Redis is replaced by Temporal (spring.temporal.connection.target); retries are Temporal's";
  private static final String REDELIVERY =
      "no redelivery at start-up: the reconciler (hangar.reconciler.*) recovers lost webhooks";
  private static final String METRICS = "no aggregator: Prometheus scrapes the gateway and every host directly";

  private static final Map<String, String> GLOBAL = Map.ofEntries(
      Map.entry("work_dir", "Anka VMs live in Anka's own storage; Hangar keeps no job files on the host"),
      Map.entry("pid_file_dir", "launchd manages the worker-host process (docs/worker-host.md)"),
      Map.entry("log.file_dir", "Spring Boot logging: logging.file.name, or launchd's StandardOutPath"),
      Map.entry("log_file_dir", "Spring Boot logging: logging.file.name, or launchd's StandardOutPath"),
      Map.entry("log.split_by_plugin", "one process per role, one log each"),
      Map.entry("plugins_path", "Anklet's in-VM scripts do not apply; rewrite customisations against Hangar's"
          + " built-in scripts and set hangar.host.anka.scripts-dir (docs/worker-host.md)"),
      Map.entry("metrics.aggregator", METRICS),
      Map.entry("metrics.metrics_urls", METRICS + " (deploy/compose/prometheus.yml, one target per Mac)"),
      Map.entry("metrics.sleep_interval", METRICS),
      Map.entry("metrics.database", REDIS));

  private static final Map<String, String> PLUGIN = Map.ofEntries(
      Map.entry("database", REDIS),
      Map.entry("sleep_interval", "no queue scanning: a host polls Temporal while it has room"
          + " (hangar.host.capacity-check-interval re-evaluates room)"),
      Map.entry("skip_pull", "a template already on the host is never pulled again; only missing ones are"),
      Map.entry("hook_id", REDELIVERY),
      Map.entry("skip_redeliver", REDELIVERY),
      Map.entry("redeliver_hours", REDELIVERY),
      Map.entry("queue_name", "queues are derived; separate installations with spring.temporal.namespace"),
      Map.entry("workflows", "no workflow filter; select jobs by runs-on labels and hangar.trust (docs/security.md)"));

  private GlobalKeys() {}

  static String reason(String key) {
    return key.startsWith("global_database_") ? REDIS : GLOBAL.getOrDefault(key, "no Hangar equivalent");
  }

  static String pluginReason(String key) {
    return PLUGIN.getOrDefault(key, "no Hangar equivalent");
  }
}
