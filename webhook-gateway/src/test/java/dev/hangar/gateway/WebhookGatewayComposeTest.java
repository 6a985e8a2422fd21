package dev.hangar.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hangar.workflows.HangarSearchAttributes;
import io.temporal.common.SearchAttributeKey;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.yaml.snakeyaml.Yaml;

/**
 * docker-compose.yml cannot be started here (no Docker engine), so its structure is checked:
 * pinned images, mapped ports, healthchecks and restart policies, a gateway environment made only
 * of real Hangar keys with every secret provided, the registration of every search attribute, and a
 * dashboard showing only metrics docs/metrics.md describes.
 */
class WebhookGatewayComposeTest {

  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static Map<String, Object> services;
  private static Map<String, Object> composeSecrets;

  /** Spring keys the gateway may take from the environment besides those in application.yml. */
  private static final Set<String> EXTRA_KEYS = Set.of("SPRING_PROFILES_ACTIVE");

  @BeforeAll
  @SuppressWarnings("unchecked")
  static void load() throws IOException {
    try (Reader r = Files.newBufferedReader(ROOT.resolve("docker-compose.yml"))) {
      Map<String, Object> compose = new Yaml().load(r);
      services = (Map<String, Object>) compose.get("services");
      composeSecrets = (Map<String, Object>) compose.get("secrets");
    }
    assertThat(services).isNotEmpty();
  }

  @Test
  void everyServiceHasAPinnedImageOrABuild() {
    Pattern pinned = Pattern.compile("^[a-z0-9./_-]+:[A-Za-z0-9._-]+$");
    services.forEach((name, s) -> {
      Map<String, Object> service = map(s);
      Object image = service.get("image");
      if (image == null) {
        assertThat(service).as(name + " has neither image nor build").containsKey("build");
      } else {
        assertThat(image.toString()).as(name + " image").matches(pinned).doesNotEndWith(":latest");
      }
    });
  }

  @Test
  void everyPortIsMappedAndEveryServiceHasAHealthcheckAndRestartPolicy() {
    services.forEach((name, s) -> {
      Map<String, Object> service = map(s);
      for (Object port : list(service.getOrDefault("ports", List.of()))) {
        assertThat(port.toString()).as(name + " port").matches("^(\\d+\\.\\d+\\.\\d+\\.\\d+:)?\\d+:\\d+(/tcp|/udp)?$");
      }
      Map<String, Object> health = map(service.get("healthcheck"));
      assertThat(health).as(name + " healthcheck").isNotNull().containsKey("test");
      assertThat(list(health.get("test"))).as(name + " healthcheck test").isNotEmpty();
      assertThat(service.get("restart")).as(name + " restart").isNotNull();
    });
    assertThat(services).containsKeys("prometheus", "grafana", "webhook-gateway", "temporal-search-attributes");
  }

  @Test
  void theMountedMonitoringFilesExist() {
    for (String s : List.of("prometheus", "grafana")) {
      for (Object volume : list(map(services.get(s)).get("volumes"))) {
        String v = volume.toString();
        if (v.startsWith("./")) {
          Path p = ROOT.resolve(v.substring(2, v.indexOf(':')));
          assertThat(Files.exists(p)).as(v).isTrue();
        }
      }
    }
    assertThat(ROOT.resolve("deploy/compose/grafana/dashboards/hangar.json")).exists();
  }

  @Test
  void everyHangarMetricOnTheDashboardIsInTheMetricsReference() throws IOException {
    JsonNode dashboard = new ObjectMapper().readTree(ROOT.resolve("deploy/compose/grafana/dashboards/hangar.json").toFile());
    String reference = Files.readString(ROOT.resolve("docs/metrics.md"));
    Pattern metric = Pattern.compile("hangar_[a-z_]+");
    Set<String> ids = new HashSet<>();
    Set<String> shown = new HashSet<>();
    for (JsonNode panel : dashboard.path("panels")) {
      assertThat(ids.add(panel.path("id").asText())).as("panel id %s is unique", panel.path("id")).isTrue();
      for (JsonNode target : panel.path("targets")) {
        var m = metric.matcher(target.path("expr").asText());
        while (m.find()) {
          shown.add(m.group().replaceAll("_(bucket|count|sum)$", ""));
        }
      }
    }
    assertThat(shown).contains("hangar_host_status", "hangar_template_status", "hangar_job_workflow_duration_seconds");
    for (String name : shown) {
      assertThat(reference).as("docs/metrics.md documents %s", name).contains("`" + name + "`");
    }
  }

  @Test
  void theGatewayEnvironmentHasOnlyRealKeysAndEverySecret() throws IOException {
    Map<String, Object> env = map(map(services.get("webhook-gateway")).get("environment"));
    Set<String> known = new HashSet<>(EXTRA_KEYS);
    try (InputStream in = Files.newInputStream(ROOT.resolve("webhook-gateway/src/main/resources/application.yml"))) {
      for (Object doc : new Yaml().loadAll(in)) {
        flatten("", doc, known);
      }
    }
    for (String key : env.keySet()) {
      assertThat(known).as("environment key %s is not a gateway configuration key", key).contains(key);
    }

    Map<String, Object> values = new LinkedHashMap<>();
    // As `docker compose up` with every required secret and the token exported.
    env.forEach((k, v) -> values.put(k, interpolate(String.valueOf(v), Map.of("HANGAR_GITHUB_TOKEN", "ghp_x"))));
    StandardEnvironment environment = new StandardEnvironment();
    environment.getPropertySources().replace(
        StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
        new SystemEnvironmentPropertySource(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, values));
    environment.getPropertySources().remove(StandardEnvironment.SYSTEM_PROPERTIES_PROPERTY_SOURCE_NAME);
    Binder binder = new Binder(ConfigurationPropertySources.from(environment.getPropertySources()));
    GatewayProperties gateway = binder.bindOrCreate("hangar.gateway", GatewayProperties.class);
    OrchestratorProperties hangar = binder.bindOrCreate("hangar", OrchestratorProperties.class);
    assertThat(gateway.webhookSecret()).isNotBlank();
    assertThat(gateway.insecureSkipSignatureCheck()).isFalse();
    assertThat(hangar.github().token()).isNotBlank();
    assertThat(hangar.secrets().key()).isNotBlank();
    assertThat(hangar.github().apiUrl()).hasToString("https://api.github.com");
    assertThat(binder.bind("spring.temporal.connection.target", String.class).get()).isEqualTo("temporal:7233");
    for (String secret : List.of("HANGAR_GATEWAY_WEBHOOK_SECRET", "HANGAR_SECRETS_KEY")) {
      assertThat(env.get(secret).toString()).as(secret + " comes from the environment").startsWith("${" + secret + ":?");
    }
  }

  @Test
  void theGatewayTakesATokenOrAnAppWhoseKeyIsAReadOnlySecret() {
    Map<String, Object> gatewayService = map(services.get("webhook-gateway"));
    Map<String, Object> env = map(gatewayService.get("environment"));

    OrchestratorProperties.GitHub token = gitHubOf(env, Map.of("HANGAR_GITHUB_TOKEN", "ghp_x"));
    assertThat(token.token()).isEqualTo("ghp_x");
    assertThat(token.hasApp()).isFalse();
    assertThat(OrchestratorWorkerConfiguration.credentials(token).toString()).startsWith("personal access token");

    OrchestratorProperties.GitHub app = gitHubOf(env, Map.of("HANGAR_GITHUB_APP_ID", "42"));
    assertThat(app.hasToken()).isFalse();
    assertThat(app.appId()).isEqualTo(42L);
    assertThat(app.privateKeyFile()).isEqualTo("/run/secrets/github-app-key");
    assertThat(app.installationId()).isNull();
    assertThat(list(gatewayService.get("secrets"))).containsExactly("github-app-key");
    assertThat(map(composeSecrets.get("github-app-key")).get("file"))
        .isEqualTo("${HANGAR_GITHUB_APP_KEY_PATH:-/dev/null}");

    OrchestratorProperties.GitHub neither = gitHubOf(env, Map.of());
    assertThatThrownBy(() -> OrchestratorWorkerConfiguration.credentials(neither))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageContaining("hangar.github.token")
        .hasMessageContaining("hangar.github.app-id");
  }

  /** The gateway's hangar.github.* with only {@code exported} set in the environment of compose. */
  private static OrchestratorProperties.GitHub gitHubOf(Map<String, Object> env, Map<String, String> exported) {
    Map<String, Object> values = new LinkedHashMap<>();
    env.forEach((k, v) -> values.put(k, interpolate(String.valueOf(v), exported)));
    StandardEnvironment environment = new StandardEnvironment();
    environment.getPropertySources().replace(
        StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
        new SystemEnvironmentPropertySource(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, values));
    environment.getPropertySources().remove(StandardEnvironment.SYSTEM_PROPERTIES_PROPERTY_SOURCE_NAME);
    return new Binder(ConfigurationPropertySources.from(environment.getPropertySources()))
        .bindOrCreate("hangar", OrchestratorProperties.class).github();
  }

  /** Compose's interpolation with only {@code exported} set ({@code :?} of an unset one fails). */
  private static String interpolate(String value, Map<String, String> exported) {
    java.util.regex.Matcher m = Pattern.compile("\\$\\{([A-Z0-9_]+)(?::([-?+])([^}]*))?}").matcher(value);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String set = exported.get(m.group(1));
      String replacement = switch (m.group(2) == null ? "" : m.group(2)) {
        case "-" -> set != null ? set : m.group(3);
        case "+" -> set != null ? m.group(3) : "";
        default -> set != null ? set : "value-of-" + m.group(1);
      };
      m.appendReplacement(out, java.util.regex.Matcher.quoteReplacement(replacement));
    }
    m.appendTail(out);
    return out.toString();
  }

  @Test
  void theSearchAttributeInitRegistersEveryHangarKey() {
    Map<String, Object> init = map(services.get("temporal-search-attributes"));
    assertThat(init.get("image").toString()).startsWith("temporalio/admin-tools:");
    String script = String.join(" ", list(init.get("command")).stream().map(Object::toString).toList());
    assertThat(script).contains("temporal operator search-attribute create");
    for (SearchAttributeKey<?> key : HangarSearchAttributes.ALL) {
      assertThat(script).as(key.getName()).contains(HangarSearchAttributes.devServerFlag(key));
    }
    assertThat(map(map(map(services.get("webhook-gateway")).get("depends_on")).get("temporal-search-attributes")))
        .containsEntry("condition", "service_completed_successfully");
  }

  private static void flatten(String prefix, Object node, Set<String> out) {
    if (node instanceof Map<?, ?> m) {
      m.forEach((k, v) -> flatten(prefix.isEmpty() ? k.toString() : prefix + "." + k, v, out));
    } else {
      out.add(prefix.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_'));
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object o) {
    return (Map<String, Object>) o;
  }

  private static List<Object> list(Object o) {
    if (o instanceof List<?> l) {
      return new ArrayList<>(l);
    }
    return o == null ? List.of() : List.of(o);
  }
}
