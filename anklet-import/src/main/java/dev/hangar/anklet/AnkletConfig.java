package dev.hangar.anklet;

import java.nio.file.Path;
import java.util.List;

/**
 * An Anklet {@code config.yml} as far as Hangar has a use for it. Keys without a Hangar
 * equivalent are kept by name only, so the report can say why each was dropped.
 *
 * @param file where it was read from
 * @param globalPrivateKey {@code global_private_key}: the App key path every plugin without its
 *     own {@code private_key} uses
 * @param globalReceiverSecret {@code global_receiver_secret}: the webhook secret of receivers
 *     without their own {@code secret}
 * @param globalRegistryUrl {@code global_registry_url}: the registry of handlers without their own
 *     {@code registry_url}
 * @param globalTemplateDiskBuffer {@code global_template_disk_buffer}: the disk buffer of handlers
 *     without their own {@code template_disk_buffer}
 * @param metricsPort {@code metrics.port}
 * @param otherKeys every other global key present, dotted ({@code log.file_dir})
 * @param unknownKeys keys Anklet does not know either (ignored, as Anklet ignores them)
 * @param plugins the {@code plugins} list, in order
 */
record AnkletConfig(
    Path file,
    String globalPrivateKey,
    String globalReceiverSecret,
    String globalRegistryUrl,
    Double globalTemplateDiskBuffer,
    Integer metricsPort,
    List<String> otherKeys,
    List<String> unknownKeys,
    List<AnkletPlugin> plugins) {

  AnkletConfig {
    otherKeys = List.copyOf(otherKeys);
    unknownKeys = List.copyOf(unknownKeys);
    plugins = List.copyOf(plugins);
  }

  /** The {@code github} handler plugins (one per VM slot). */
  List<AnkletPlugin> handlers() {
    return plugins.stream().filter(p -> p.kind() == AnkletPlugin.Kind.HANDLER).toList();
  }

  /** The {@code github_receiver} plugins (webhook listeners). */
  List<AnkletPlugin> receivers() {
    return plugins.stream().filter(p -> p.kind() == AnkletPlugin.Kind.RECEIVER).toList();
  }
}
