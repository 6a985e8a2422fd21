package dev.hangar.anklet;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AnkletImportTest {

  static final Path EXAMPLE = Path.of("src/test/resources/anklet/config.yml");

  @TempDir Path dir;

  /** One run of the command. */
  record Run(int status, String out, String err, JsonNode gateway, JsonNode host) {
    String all() {
      return out + err + (gateway == null ? "" : gateway.toString()) + (host == null ? "" : host.toString());
    }
  }

  Run run(Path config) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    Path target = dir.resolve("out");
    int status = new AnkletImport(new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8)).run(new String[] {config.toString(), "--out", target.toString()});
    YAMLMapper yaml = new YAMLMapper();
    Path gateway = target.resolve("gateway.yml");
    Path host = target.resolve("host.yml");
    return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8),
        Files.exists(gateway) ? yaml.readTree(gateway.toFile()) : null,
        Files.exists(host) ? yaml.readTree(host.toFile()) : null);
  }

  Run run(String config) throws IOException {
    return run(Files.writeString(dir.resolve("config.yml"), config));
  }

  @Test
  void aReceiverAndTwoAppHandlersBecomeAGatewayAndAHost() throws IOException {
    Run r = run(EXAMPLE);

    assertThat(r.status()).isEqualTo(AnkletImport.OK);
    JsonNode github = r.gateway().at("/hangar/github");
    assertThat(github.get("app-id").asLong()).isEqualTo(949431);
    assertThat(github.get("private-key-file").asText()).isEqualTo("/Users/ci/.config/anklet/acme-ci.private-key.pem");
    assertThat(github.get("installation-id").asLong()).isEqualTo(52970581);
    assertThat(github.get("runner-scope").asText()).isEqualTo("repository");
    assertThat(github.has("token")).isFalse();
    assertThat(r.gateway().at("/hangar/gateway/webhook-secret").asText()).isEqualTo("${HANGAR_GATEWAY_WEBHOOK_SECRET}");
    assertThat(r.gateway().at("/server/port").asInt()).isEqualTo(54321);
    assertThat(r.gateway().at("/hangar/job/registration-timeout").asText()).isEqualTo("120s");
    assertThat(r.gateway().at("/hangar/job/max-attempts").asInt()).isEqualTo(3);
    assertThat(r.gateway().at("/hangar/allowed-owners").toString()).isEqualTo("[\"acme\"]");
    assertThat(r.gateway().at("/hangar/reconciler/repositories").toString())
        .isEqualTo("[\"acme/ios-app\",\"acme/macos-app\"]");

    JsonNode host = r.host().at("/hangar/host");
    assertThat(host.get("driver").asText()).isEqualTo("anka");
    assertThat(host.get("max-running-vms").asInt()).isEqualTo(2);
    assertThat(host.at("/anka/registry").asText()).isEqualTo("http://anka.registry:8089");
    assertThat(host.get("disk-free-buffer-percent").asInt()).isEqualTo(13);
    assertThat(r.host().at("/server/port").asInt()).isEqualTo(8080);
    assertThat(r.host().at("/hangar/secrets/key").asText()).isEqualTo("${HANGAR_SECRETS_KEY}");

    assertThat(r.out())
        .contains("plugins[1] (RUNNER1).registry_url -> hangar.host.anka.registry: http://anka.registry:8089")
        .contains("global_database_url: Redis is replaced by Temporal")
        .contains("plugins[1] (RUNNER1).sleep_interval: no queue scanning")
        .contains("work_dir: ", "pid_file_dir: ", "plugins_path: ", "plugins[0] (GITHUB_WEBHOOK_RECEIVER).hook_id: ")
        .contains("You must still provide:\n  hangar.templates in gateway.yml and host.yml")
        .contains("HANGAR_SECRETS_KEY: ", "HANGAR_GATEWAY_WEBHOOK_SECRET: ")
        .doesNotContain("CONFLICTS", "HANGAR_GITHUB_TOKEN");
  }

  @Test
  void orgRegistrationRegistersOrganizationRunnersInTheirGroup() throws IOException {
    Run r = run("""
        plugins:
          - name: RUNNER1
            plugin: github
            token: github_pat_fake_org
            registration: org
            owner: acme
            runner_group: macOS
        """);

    assertThat(r.status()).isEqualTo(AnkletImport.OK);
    assertThat(r.gateway().at("/hangar/github/runner-scope").asText()).isEqualTo("organization");
    assertThat(r.gateway().at("/hangar/github/runner-group").asText()).isEqualTo("macOS");
    assertThat(r.gateway().at("/hangar/reconciler/organizations").toString()).isEqualTo("[\"acme\"]");
    assertThat(r.host().at("/hangar/host/max-running-vms").asInt()).isEqualTo(1);
  }

  @Test
  void repoRegistrationDropsTheRunnerGroupWhichOnlyOrganizationsHave() throws IOException {
    Run r = run("""
        plugins:
          - name: RUNNER1
            plugin: github
            token: github_pat_fake_repo
            repo: ios-app
            owner: acme
            runner_group: macOS
        """);

    assertThat(r.gateway().at("/hangar/github/runner-scope").asText()).isEqualTo("repository");
    assertThat(r.gateway().at("/hangar/github").has("runner-group")).isFalse();
    assertThat(r.out()).contains("plugins[0] (RUNNER1).runner_group: repository runners join no group");
  }

  @Test
  void aTokenBecomesAnEnvironmentPlaceholderAndNoApp() throws IOException {
    Run r = run("""
        plugins:
          - name: RUNNER1
            plugin: github
            token: github_pat_fake_1111
            registration: repo
            repo: ios-app
            owner: acme
          - name: RUNNER2
            plugin: github
            token: github_pat_fake_2222
            registration: repo
            repo: ios-app
            owner: acme
        """);

    assertThat(r.status()).isEqualTo(AnkletImport.OK);
    JsonNode github = r.gateway().at("/hangar/github");
    assertThat(github.get("token").asText()).isEqualTo("${HANGAR_GITHUB_TOKEN}");
    assertThat(github.has("app-id")).isFalse();
    assertThat(github.has("private-key-file")).isFalse();
    assertThat(r.out()).contains("HANGAR_GITHUB_TOKEN: on the gateway only")
        .contains("they used different tokens");
  }

  @Test
  void noSecretValueReachesTheFilesOrTheReport() throws IOException {
    List<String> secrets = List.of("github_pat_fake_SECRET_1", "webhook_fake_SECRET_2", "MIIEfakeSECRET3", "redis_fake_SECRET_4");
    Run r = run("""
        global_database_password: redis_fake_SECRET_4
        plugins:
          - name: RECEIVER
            plugin: github_receiver
            secret: webhook_fake_SECRET_2
            token: github_pat_fake_SECRET_1
          - name: RUNNER1
            plugin: github
            token: github_pat_fake_SECRET_1
            owner: acme
            database:
              password: redis_fake_SECRET_4
        """);
    Run inline = run("""
        plugins:
          - name: RUNNER1
            plugin: github
            app_id: 7
            private_key: "-----BEGIN RSA PRIVATE KEY-----\\nMIIEfakeSECRET3\\n-----END RSA PRIVATE KEY-----"
            owner: acme
        """);

    for (Run each : List.of(r, inline)) {
      assertThat(each.status()).isEqualTo(AnkletImport.OK);
      assertThat(each.all()).doesNotContain(secrets);
    }
    assertThat(r.gateway().at("/hangar/gateway/webhook-secret").asText()).isEqualTo("${HANGAR_GATEWAY_WEBHOOK_SECRET}");
    assertThat(inline.gateway().at("/hangar/github/private-key-file").asText())
        .isEqualTo("${HANGAR_GITHUB_PRIVATE_KEY_FILE}");
    assertThat(inline.out()).contains("HANGAR_GITHUB_PRIVATE_KEY_FILE: ").contains("hold the key itself (not copied)");
  }

  @Test
  void handlersThatDisagreeAreReportedAndNothingIsPicked() throws IOException {
    Run r = run("""
        plugins:
          - name: RUNNER1
            plugin: github
            token: t1
            registration: repo
            repo: ios-app
            owner: acme
            registry_url: http://registry-a:8089
          - name: RUNNER2
            plugin: github
            token: t2
            registration: org
            owner: globex
            registry_url: http://registry-b:8089
        """);

    assertThat(r.status()).isEqualTo(AnkletImport.CONFLICTS);
    assertThat(r.gateway().at("/hangar/github").has("runner-scope")).isFalse();
    assertThat(r.gateway().at("/hangar").has("allowed-owners")).isFalse();
    assertThat(r.gateway().at("/hangar").has("reconciler")).isFalse();
    assertThat(r.host().at("/hangar/host/anka").isMissingNode()).isTrue();
    assertThat(r.out()).contains("CONFLICTS")
        .contains("hangar.github.runner-scope: handlers register runners repository (plugins[0] (RUNNER1))"
            + " vs organization (plugins[1] (RUNNER2))")
        .contains("handlers serve different owners (acme (plugins[0] (RUNNER1)) vs globex (plugins[1] (RUNNER2)))")
        .contains("hangar.host.anka.registry: registry_url differs: http://registry-a:8089");
  }

  @Test
  void aTokenAndAnAppTogetherAreAConflictNotAChoice() throws IOException {
    Run r = run("""
        plugins:
          - name: RUNNER1
            plugin: github
            app_id: 949431
            private_key: /keys/app.pem
            owner: acme
          - name: RUNNER2
            plugin: github
            token: github_pat_fake
            owner: acme
        """);

    assertThat(r.status()).isEqualTo(AnkletImport.CONFLICTS);
    assertThat(r.gateway().at("/hangar/github").has("token")).isFalse();
    assertThat(r.gateway().at("/hangar/github").has("app-id")).isFalse();
    assertThat(r.out()).contains("hangar.github.token / hangar.github.app-id: plugins[1] (RUNNER2) use a token,"
        + " plugins[0] (RUNNER1) a GitHub App");
  }

  @Test
  void malformedOrForeignYamlIsRefusedNamingTheFileAndTheKey() throws IOException {
    Run broken = run("plugins:\n  - name: RUNNER1\n      plugin: github\n");
    assertThat(broken.status()).isEqualTo(AnkletImport.INVALID);
    assertThat(broken.err()).startsWith("import-anklet: " + dir.resolve("config.yml") + ": not valid YAML: line 3");

    Run compose = run("services:\n  web:\n    image: nginx:1.27\n");
    assertThat(compose.err()).contains("config.yml: plugins: missing: an Anklet config.yml lists its plugins");

    Run badId = run("plugins:\n  - plugin: github\n    app_id: not-a-number\n");
    assertThat(badId.err()).contains("config.yml: plugins[0].app_id: must be a whole number, was 'not-a-number'");

    Run badScope = run("plugins:\n  - plugin: github\n    registration: enterprise\n");
    assertThat(badScope.err()).contains("plugins[0].registration: must be repo or org, was 'enterprise'");

    Run unknown = run("plugins:\n  - plugin: gitlab\n");
    assertThat(unknown.err()).contains("plugins[0].plugin: unknown plugin 'gitlab'");

    Run duplicate = run("plugins:\n  - plugin: github\n    owner: a\n    owner: b\n");
    assertThat(duplicate.err()).contains("not valid YAML").contains("owner");

    for (Run r : List.of(broken, compose, badId, badScope, unknown, duplicate)) {
      assertThat(r.status()).isEqualTo(AnkletImport.INVALID);
      assertThat(r.err()).doesNotContain("\tat ", "Exception");
      assertThat(r.gateway()).isNull();
    }
    assertThat(run(dir.resolve("missing.yml")).err()).contains("missing.yml: no such file");
  }

  @Test
  void aReceiverOnlyConfigWritesNoHostFile() throws IOException {
    Run r = run("""
        global_receiver_secret: fake_global_secret
        metrics:
          port: 8080
        plugins:
          - name: GITHUB_WEBHOOK_RECEIVER
            plugin: github_receiver
            port: 54321
            token: github_pat_fake
        """);

    assertThat(r.status()).isEqualTo(AnkletImport.OK);
    assertThat(r.host()).isNull();
    assertThat(r.out()).contains("no github handler plugin: no host.yml")
        .contains("metrics.port: the gateway serves /actuator/prometheus")
        .contains("global_receiver_secret -> hangar.gateway.webhook-secret");
  }
}
