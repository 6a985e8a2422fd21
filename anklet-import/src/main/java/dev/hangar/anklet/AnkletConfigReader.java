package dev.hangar.anklet;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.JsonNodeType;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;

/**
 * Reads an Anklet {@code config.yml} (the keys of Anklet's {@code internal/config/config.go}) into
 * an {@link AnkletConfig}. Anything that is not one, or a value of the wrong type, is an {@link
 * InvalidAnkletConfigException} naming the file and the key.
 */
final class AnkletConfigReader {

  private static final Set<String> GLOBAL_KEYS = Set.of(
      "plugins", "global_private_key", "global_receiver_secret", "global_registry_url",
      "global_template_disk_buffer", "metrics", "log", "work_dir", "pid_file_dir", "log_file_dir",
      "plugins_path", "global_database_url", "global_database_port", "global_database_user",
      "global_database_password", "global_database_database", "global_database_max_retries",
      "global_database_retry_delay", "global_database_retry_backoff_factor");
  private static final Set<String> METRICS_KEYS = Set.of("port", "aggregator", "metrics_urls", "sleep_interval", "database");
  private static final Set<String> LOG_KEYS = Set.of("file_dir", "split_by_plugin");
  private static final Set<String> PLUGIN_KEYS = Set.of(
      "name", "plugin", "token", "private_key", "app_id", "installation_id", "owner", "repo", "registration",
      "runner_group", "registry_url", "template_disk_buffer", "registration_timeout_seconds",
      "job_retry_attempts", "secret", "port", "database", "sleep_interval", "skip_pull", "hook_id",
      "skip_redeliver", "redeliver_hours", "workflows", "queue_name");
  /** Plugin keys read into {@link AnkletPlugin}'s fields; the rest are kept by name. */
  private static final Set<String> TYPED_PLUGIN_KEYS = Set.of(
      "name", "plugin", "token", "private_key", "app_id", "installation_id", "owner", "repo", "registration",
      "runner_group", "registry_url", "template_disk_buffer", "registration_timeout_seconds",
      "job_retry_attempts", "secret", "port");

  private final YAMLMapper mapper;

  AnkletConfigReader() {
    mapper = YAMLMapper.builder().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION).build();
  }

  AnkletConfig read(Path file) {
    JsonNode root;
    try (InputStream in = Files.newInputStream(file)) {
      root = mapper.readTree(in);
    } catch (NoSuchFileException e) {
      throw new InvalidAnkletConfigException(file, "", "no such file");
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      String where = at == null ? "" : "line " + at.getLineNr() + ", column " + at.getColumnNr() + ": ";
      throw new InvalidAnkletConfigException(file, "", "not valid YAML: " + where + e.getOriginalMessage());
    } catch (IOException e) {
      throw new InvalidAnkletConfigException(file, "", "cannot be read: " + e.getMessage());
    }
    return new Reading(file).config(root);
  }

  /** One file being read: knows its name for every error. */
  private record Reading(Path file) {

    AnkletConfig config(JsonNode root) {
      if (root == null || !root.isObject()) {
        throw new InvalidAnkletConfigException(file, "",
            "is not an Anklet config.yml: expected a mapping with a plugins list");
      }
      List<String> other = new ArrayList<>();
      List<String> unknown = new ArrayList<>();
      root.fieldNames().forEachRemaining(k -> {
        if (!GLOBAL_KEYS.contains(k)) {
          unknown.add(k);
        } else if (Set.of("metrics", "log").contains(k)) {
          Set<String> known = k.equals("metrics") ? METRICS_KEYS : LOG_KEYS;
          JsonNode section = mapping(root.get(k), k);
          section.fieldNames().forEachRemaining(c -> {
            if (!known.contains(c)) {
              unknown.add(k + "." + c);
            } else if (!(k.equals("metrics") && c.equals("port"))) {
              other.add(k + "." + c);
            }
          });
        } else if (!k.equals("plugins") && !k.startsWith("global_") || k.startsWith("global_database_")) {
          other.add(k);
        }
      });
      JsonNode metrics = root.has("metrics") ? root.get("metrics") : JsonNodeFactory.instance.objectNode();
      String globalKey = text(root, "global_private_key", "global_private_key");
      String globalSecret = text(root, "global_receiver_secret", "global_receiver_secret");
      String globalRegistry = text(root, "global_registry_url", "global_registry_url");
      Double globalBuffer = decimal(root, "global_template_disk_buffer", "global_template_disk_buffer");
      Integer metricsPort = port(metrics, "port", "metrics.port");

      JsonNode list = root.get("plugins");
      if (list == null || list.isNull()) {
        throw new InvalidAnkletConfigException(file, "plugins",
            "missing: an Anklet config.yml lists its plugins (github, github_receiver) under plugins");
      }
      if (!list.isArray() || list.isEmpty()) {
        throw new InvalidAnkletConfigException(file, "plugins", "must be a non-empty list of plugins");
      }
      List<AnkletPlugin> plugins = new ArrayList<>();
      for (int i = 0; i < list.size(); i++) {
        plugins.add(plugin(list.get(i), "plugins[" + i + "]", globalKey, globalSecret, globalRegistry, globalBuffer,
            unknown));
      }
      if (plugins.stream().allMatch(p -> p.kind() == AnkletPlugin.Kind.OTHER_CI)) {
        throw new InvalidAnkletConfigException(file, "plugins",
            "has no github or github_receiver plugin: nothing for Hangar, which runs GitHub Actions jobs");
      }
      return new AnkletConfig(file, globalKey, globalSecret, globalRegistry, globalBuffer, metricsPort, other, unknown,
          plugins);
    }

    private AnkletPlugin plugin(JsonNode node, String key, String globalKey, String globalSecret,
        String globalRegistry, Double globalBuffer, List<String> unknown) {
      mapping(node, key);
      String type = text(node, "plugin", key + ".plugin");
      if (type == null) {
        throw new InvalidAnkletConfigException(file, key + ".plugin",
            "missing: every plugin names its kind (github or github_receiver)");
      }
      AnkletPlugin.Kind kind = switch (type) {
        case "github" -> AnkletPlugin.Kind.HANDLER;
        case "github_receiver", "github_controller" -> AnkletPlugin.Kind.RECEIVER;
        case "buildkite", "buildkite_receiver" -> AnkletPlugin.Kind.OTHER_CI;
        default -> throw new InvalidAnkletConfigException(file, key + ".plugin",
            "unknown plugin '" + type + "': Anklet's are github, github_receiver, buildkite and buildkite_receiver");
      };
      List<String> other = new ArrayList<>();
      node.fieldNames().forEachRemaining(k -> {
        if (!PLUGIN_KEYS.contains(k)) {
          unknown.add(key + "." + k);
        } else if (!TYPED_PLUGIN_KEYS.contains(k)) {
          other.add(k);
        }
      });
      boolean github = kind != AnkletPlugin.Kind.OTHER_CI;
      String registration = text(node, "registration", key + ".registration");
      if (registration != null && !Set.of("repo", "org").contains(registration.toLowerCase(Locale.ROOT))) {
        throw new InvalidAnkletConfigException(file, key + ".registration",
            "must be repo or org, was '" + registration + "'");
      }
      String privateKey = text(node, "private_key", key + ".private_key");
      String secret = text(node, "secret", key + ".secret");
      String registry = text(node, "registry_url", key + ".registry_url");
      Double buffer = decimal(node, "template_disk_buffer", key + ".template_disk_buffer");
      return new AnkletPlugin(
          key,
          text(node, "name", key + ".name"),
          type,
          kind,
          text(node, "token", key + ".token"),
          privateKey == null && github ? globalKey : privateKey,
          whole(node, "app_id", key + ".app_id"),
          whole(node, "installation_id", key + ".installation_id"),
          text(node, "owner", key + ".owner"),
          text(node, "repo", key + ".repo"),
          registration == null ? null : registration.toLowerCase(Locale.ROOT),
          text(node, "runner_group", key + ".runner_group"),
          registry == null && kind == AnkletPlugin.Kind.HANDLER ? globalRegistry : registry,
          (buffer == null || buffer <= 0) && kind == AnkletPlugin.Kind.HANDLER ? globalBuffer : buffer,
          integer(node, "registration_timeout_seconds", key + ".registration_timeout_seconds"),
          integer(node, "job_retry_attempts", key + ".job_retry_attempts"),
          secret == null && kind == AnkletPlugin.Kind.RECEIVER ? globalSecret : secret,
          port(node, "port", key + ".port"),
          other);
    }

    private JsonNode mapping(JsonNode node, String key) {
      if (node == null || !node.isObject()) {
        throw new InvalidAnkletConfigException(file, key, "must be a mapping of keys to values");
      }
      return node;
    }

    /** A scalar as text; absent, null and blank are {@code null}. */
    private String text(JsonNode parent, String field, String key) {
      JsonNode v = parent.get(field);
      if (v == null || v.isNull()) {
        return null;
      }
      if (!v.isValueNode()) {
        throw new InvalidAnkletConfigException(file, key, "must be a single value, was a " + describe(v));
      }
      String s = v.asText().trim();
      return s.isEmpty() ? null : s;
    }

    private Long whole(JsonNode parent, String field, String key) {
      return parsed(parent, field, key, Long::parseLong, "a whole number");
    }

    private Integer integer(JsonNode parent, String field, String key) {
      Long n = whole(parent, field, key);
      if (n != null && (n < Integer.MIN_VALUE || n > Integer.MAX_VALUE)) {
        throw new InvalidAnkletConfigException(file, key, "is out of range: " + n);
      }
      return n == null ? null : n.intValue();
    }

    private Integer port(JsonNode parent, String field, String key) {
      Integer n = integer(parent, field, key);
      if (n != null && (n < 1 || n > 65535)) {
        throw new InvalidAnkletConfigException(file, key, "must be a TCP port (1-65535), was " + n);
      }
      return n;
    }

    private Double decimal(JsonNode parent, String field, String key) {
      return parsed(parent, field, key, Double::parseDouble, "a number");
    }

    private <T> T parsed(JsonNode parent, String field, String key, Function<String, T> parse, String what) {
      String s = text(parent, field, key);
      if (s == null) {
        return null;
      }
      try {
        return parse.apply(s);
      } catch (NumberFormatException e) {
        throw new InvalidAnkletConfigException(file, key, "must be " + what + ", was '" + s + "'");
      }
    }

    private static String describe(JsonNode v) {
      return v.getNodeType() == JsonNodeType.ARRAY ? "list" : "mapping";
    }
  }
}
