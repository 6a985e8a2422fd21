package dev.hangar.anklet;

import java.util.List;

/**
 * One entry of Anklet's {@code plugins} list. Secret values ({@code token}, {@code secret}, an
 * inline private key) are held only to tell whether they are set and whether plugins agree; they
 * are never written anywhere.
 *
 * @param key where it is in the file, {@code plugins[1]}
 * @param name {@code name}
 * @param plugin {@code plugin} as written
 * @param kind what Hangar makes of it
 * @param token {@code token}, a personal access token
 * @param privateKey {@code private_key} (or the global one): a path, or rarely the PEM itself
 * @param appId {@code app_id}
 * @param installationId {@code installation_id}
 * @param owner {@code owner}
 * @param repo {@code repo}
 * @param registration {@code registration}: {@code repo} or {@code org}
 * @param runnerGroup {@code runner_group}
 * @param registryUrl {@code registry_url} (or the global one)
 * @param templateDiskBuffer {@code template_disk_buffer} (or the global one), percent
 * @param registrationTimeoutSeconds {@code registration_timeout_seconds}
 * @param jobRetryAttempts {@code job_retry_attempts}
 * @param secret {@code secret} (or the global receiver secret), the webhook secret
 * @param port {@code port}, the receiver's listening port
 * @param otherKeys every other key present, dotted ({@code database.url})
 */
record AnkletPlugin(
    String key,
    String name,
    String plugin,
    Kind kind,
    String token,
    String privateKey,
    Long appId,
    Long installationId,
    String owner,
    String repo,
    String registration,
    String runnerGroup,
    String registryUrl,
    Double templateDiskBuffer,
    Integer registrationTimeoutSeconds,
    Integer jobRetryAttempts,
    String secret,
    Integer port,
    List<String> otherKeys) {

  AnkletPlugin {
    otherKeys = List.copyOf(otherKeys);
  }

  /** What an Anklet plugin becomes in Hangar. */
  enum Kind {
    /** {@code github}: a VM slot on a Mac; becomes worker-host (and orchestrator policy). */
    HANDLER,
    /** {@code github_receiver}: the webhook listener; becomes the webhook gateway. */
    RECEIVER,
    /** A plugin for another CI system; Hangar runs GitHub Actions jobs only. */
    OTHER_CI
  }

  /** {@code plugins[1] (RUNNER1)}, for the report. */
  String label() {
    return name == null ? key : key + " (" + name + ")";
  }

  /** Whether the plugin authenticates as a GitHub App. */
  boolean usesApp() {
    return appId != null || privateKey != null;
  }

  /** Whether {@code private_key} holds the PEM itself rather than a path. */
  boolean inlinePrivateKey() {
    return privateKey != null && privateKey.contains("-----BEGIN");
  }
}
