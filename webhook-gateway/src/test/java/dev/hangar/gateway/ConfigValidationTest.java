package dev.hangar.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hangar.activities.routing.TemplateRouter;
import dev.hangar.workflows.job.JobPolicy;
import dev.hangar.workflows.routing.Route;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

/** Start-up refuses configuration mistakes with one line naming the key, and no stack trace. */
@ExtendWith(OutputCaptureExtension.class)
class ConfigValidationTest {

  private static final String[] BASE = {
    "--hangar.orchestrator.workers-enabled=false",
    "--spring.main.banner-mode=off",
    "--management.metrics.export.defaults.enabled=false",
  };

  @Test
  void refusesToStartWithoutAWebhookSecret(CapturedOutput output) {
    assertThatThrownBy(() -> start()).hasStackTraceContaining("hangar.gateway.webhook-secret is not set");

    assertThat(output).contains("APPLICATION FAILED TO START");
    assertThat(output).contains("Invalid Hangar configuration: hangar.gateway.webhook-secret is not set");
    assertThat(output).contains("HANGAR_GATEWAY_WEBHOOK_SECRET");
    assertThat(output.toString()).doesNotContain("\tat dev.hangar", "\tat org.springframework");
  }

  @Test
  void theInsecureFlagAllowsStartWithoutASecretAndWarns(CapturedOutput output) {
    try (ConfigurableApplicationContext context = start("--hangar.gateway.insecure-skip-signature-check=true")) {
      assertThat(context.isRunning()).isTrue();
    }
    assertThat(output).contains("WARN").contains("INSECURE: hangar.gateway.insecure-skip-signature-check=true");
  }

  @Test
  void aSecretIsEnough() {
    try (ConfigurableApplicationContext context = start("--hangar.gateway.webhook-secret=s3cret")) {
      assertThat(context.getBean(DeliveryAuthenticator.class).authentic(new byte[0], null)).isFalse();
    }
  }

  @Test
  void pollingOnlyNeedsNoWebhookSecretAndRefusesEveryDelivery(CapturedOutput output) {
    try (ConfigurableApplicationContext context =
        start("--hangar.reconciler.polling-only=true", "--hangar.reconciler.repositories=acme/app")) {
      assertThat(context.getBean(DeliveryAuthenticator.class).authentic(new byte[0], null)).isFalse();
    }
    assertThat(output).contains("hangar.reconciler.polling-only=true: /webhook refuses every delivery");
  }

  @Test
  void pollingOnlyWithNothingToLookAtIsRefused(CapturedOutput output) {
    assertThatThrownBy(() -> start("--hangar.reconciler.polling-only=true"))
        .hasStackTraceContaining("hangar.reconciler.polling-only");
    assertThat(output).contains("Invalid Hangar configuration: hangar.reconciler.polling-only is true but");
    assertThatThrownBy(() -> start("--hangar.reconciler.polling-only=true", "--hangar.reconciler.repositories=a/b",
            "--hangar.reconciler.interval=5m"))
        .hasStackTraceContaining("hangar.reconciler.interval must be at most 2m with hangar.reconciler.polling-only");
  }

  @Test
  void badReconcilerSettingsNameTheirKey(CapturedOutput output) {
    assertThatThrownBy(() -> start("--hangar.gateway.webhook-secret=s", "--hangar.reconciler.repositories=acme"))
        .hasStackTraceContaining("hangar.reconciler.repositories must name repositories as owner/name");
    assertThatThrownBy(() -> start("--hangar.gateway.webhook-secret=s", "--hangar.reconciler.interval=5s"))
        .hasStackTraceContaining("hangar.reconciler.interval must be at least 10s");
    assertThatThrownBy(() -> start("--hangar.gateway.webhook-secret=s", "--hangar.reconciler.max-calls-per-pass=0"))
        .hasStackTraceContaining("hangar.reconciler.max-calls-per-pass");
    assertThat(output).contains("Invalid Hangar configuration: hangar.reconciler.interval must be at least 10s");
  }

  @Test
  void aPoolWithAnUnknownTemplateNamesTheKey(CapturedOutput output) {
    assertThatThrownBy(
            () ->
                start(
                    "--hangar.gateway.webhook-secret=s",
                    "--hangar.templates[0].id=sonoma",
                    "--hangar.templates[0].cpu-cores=4",
                    "--hangar.templates[0].memory-mb=8192",
                    "--hangar.pools[0].name=macos",
                    "--hangar.pools[0].template=ventura"))
        .hasStackTraceContaining("hangar.pools[0].template 'ventura'");
    assertThat(output).contains("Invalid Hangar configuration: hangar.pools[0].template 'ventura'");
  }

  @Test
  void aTemplateWithoutSizeNamesTheKey(CapturedOutput output) {
    assertThatThrownBy(() -> start("--hangar.gateway.webhook-secret=s", "--hangar.templates[0].id=sonoma"))
        .hasStackTraceContaining("hangar.templates[0].cpu-cores");
    assertThat(output).contains("Invalid Hangar configuration: hangar.templates[0].cpu-cores must be positive");
  }

  @Test
  void aTemporalTimeoutOfGitHubsTimeoutOrMoreIsRefused(CapturedOutput output) {
    assertThatThrownBy(() -> start("--hangar.gateway.webhook-secret=s", "--hangar.gateway.temporal-timeout=10s"))
        .hasStackTraceContaining("hangar.gateway.temporal-timeout");
    assertThat(output).contains("Invalid Hangar configuration: hangar.gateway.temporal-timeout must be positive");
  }

  @Test
  void aVmCheckIntervalTooShortForTheMaximumJobDurationIsRefused(CapturedOutput output) {
    assertThatThrownBy(() -> start("--hangar.gateway.webhook-secret=s",
            "--hangar.job.max-job-duration=5d", "--hangar.job.vm-check-interval=1m"))
        .hasStackTraceContaining("hangar.job.vm-check-interval");
    assertThat(output).contains("Invalid Hangar configuration: hangar.job.vm-check-interval is too short");
  }

  @Test
  void aBadJobPolicyNamesTheKey(CapturedOutput output) {
    assertThatThrownBy(() -> start("--hangar.gateway.webhook-secret=s", "--hangar.job.max-attempts=0"))
        .hasStackTraceContaining("hangar.job.max-attempts");
    assertThat(output).contains("Invalid Hangar configuration: hangar.job.max-attempts must be at least 1");
    assertThat(output).contains("(value from \"hangar.job.max-attempts\" from property source \"commandLineArgs\")");
  }

  @Test
  void workersNeedTheSecretsKey(CapturedOutput output) {
    assertThatThrownBy(
            () ->
                new SpringApplicationBuilder(WebhookGatewayApplication.class)
                    .web(WebApplicationType.NONE)
                    .run("--hangar.gateway.webhook-secret=s", "--spring.main.banner-mode=off"))
        .hasStackTraceContaining("hangar.secrets.key is not set");
    assertThat(output).contains("Invalid Hangar configuration: hangar.secrets.key is not set");
  }

  @Test
  void aSecretsKeyThatIsNot32BytesIsRefusedWithoutEchoingIt(CapturedOutput output) {
    assertThatThrownBy(
            () ->
                new SpringApplicationBuilder(WebhookGatewayApplication.class)
                    .web(WebApplicationType.NONE)
                    .run(
                        "--hangar.gateway.webhook-secret=s",
                        "--hangar.secrets.key=c2hvcnQta2V5LXZhbHVl",
                        "--spring.main.banner-mode=off"))
        .hasStackTraceContaining("hangar.secrets.key is invalid");
    assertThat(output).contains("hangar.secrets.key is invalid").doesNotContain("c2hvcnQta2V5LXZhbHVl");
  }

  @Test
  void workersNeedTheGitHubToken(CapturedOutput output) {
    assertThatThrownBy(
            () ->
                new SpringApplicationBuilder(WebhookGatewayApplication.class)
                    .web(WebApplicationType.NONE)
                    .run(
                        "--hangar.gateway.webhook-secret=s",
                        "--hangar.secrets.key=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
                        "--spring.main.banner-mode=off"))
        .hasStackTraceContaining("hangar.github.token is not set");
    assertThat(output).contains("Invalid Hangar configuration: hangar.github.token is not set");
  }

  @Test
  void aTokenAndAnAppTogetherAreRefused(CapturedOutput output) {
    assertThatThrownBy(() -> startWorkers("--hangar.github.token=t", "--hangar.github.app-id=42"))
        .hasStackTraceContaining("hangar.github.token and hangar.github.app-id/private-key-file are both set");
    assertThat(output).contains("Invalid Hangar configuration: hangar.github.token and hangar.github.app-id");
  }

  @Test
  void anAppWithoutItsKeyFileNamesTheKey(CapturedOutput output) {
    assertThatThrownBy(() -> startWorkers("--hangar.github.app-id=42"))
        .hasStackTraceContaining("hangar.github.private-key-file is not set");
    assertThat(output).contains("Invalid Hangar configuration: hangar.github.private-key-file is not set");
  }

  @Test
  void anUnreadableOrInvalidKeyFileIsNamedWithTheKeyButNotEchoed(
      CapturedOutput output, @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
    java.nio.file.Path missing = dir.resolve("missing.pem");
    assertThatThrownBy(() -> startWorkers("--hangar.github.app-id=42", "--hangar.github.private-key-file=" + missing))
        .hasStackTraceContaining("hangar.github.private-key-file is unusable: cannot read the private key file "
            + missing);
    java.nio.file.Path invalid = java.nio.file.Files.writeString(dir.resolve("app.pem"),
        "-----BEGIN RSA PRIVATE KEY-----\nbm90LWEta2V5LWJ1dC1zZWNyZXQ=\n-----END RSA PRIVATE KEY-----\n");
    assertThatThrownBy(() -> startWorkers("--hangar.github.app-id=42", "--hangar.github.private-key-file=" + invalid))
        .hasStackTraceContaining("hangar.github.private-key-file is unusable: the private key file " + invalid
            + " holds no valid RSA private key");
    assertThat(output).contains("Invalid Hangar configuration: hangar.github.private-key-file is unusable")
        .doesNotContain("bm90LWEta2V5");
  }

  @Test
  void anEnterpriseScopeWithoutItsEnterpriseNamesTheKey(CapturedOutput output) {
    assertThatThrownBy(() -> startWorkers("--hangar.github.token=t", "--hangar.github.runner-scope=enterprise"))
        .hasStackTraceContaining("hangar.github.runner-scope");
    assertThat(output).contains("Invalid Hangar configuration: hangar.github.runner-scope")
        .contains("enterprise's slug");
  }

  @Test
  void environmentVariablesOverrideTheFileByRelaxedBinding() {
    StandardEnvironment environment = new StandardEnvironment();
    environment
        .getPropertySources()
        .addFirst(
            new SystemEnvironmentPropertySource(
                "test-" + StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                Map.of(
                    "HANGAR_GATEWAY_WEBHOOK_SECRET", "from-env",
                    "HANGAR_ORCHESTRATOR_WORKERS_ENABLED", "false",
                    "HANGAR_JOB_MAX_ATTEMPTS", "3",
                    "HANGAR_TEMPLATES_0_ID", "sonoma",
                    "HANGAR_TEMPLATES_0_CPU_CORES", "4",
                    "HANGAR_TEMPLATES_0_MEMORY_MB", "8192")));
    try (ConfigurableApplicationContext context =
        new SpringApplicationBuilder(WebhookGatewayApplication.class)
            .environment(environment)
            .web(WebApplicationType.NONE)
            .run("--spring.main.banner-mode=off")) {
      assertThat(context.getBean(GatewayProperties.class).webhookSecret()).isEqualTo("from-env");
      assertThat(context.getBean(JobPolicy.class).maxAttempts()).isEqualTo(3);
      assertThat(context.getBean(TemplateRouter.class).route(List.of("anka-template:sonoma")).decision())
          .isEqualTo(Route.Decision.SERVE);
      assertThat(context.getEnvironment().getProperty("spring.temporal.start-workers")).isEqualTo("false");
      assertThat(context.getBeansOfType(OrchestratorWorkerConfiguration.OrchestratorWorker.class)).isEmpty();
    }
  }

  @Test
  void defaultsMatchTheDocumentedOnes() {
    try (ConfigurableApplicationContext context = start("--hangar.gateway.webhook-secret=s")) {
      GatewayProperties gateway = context.getBean(GatewayProperties.class);
      assertThat(gateway.maxBodyBytes().toBytes()).isEqualTo(25L * 1024 * 1024);
      assertThat(gateway.temporalTimeout()).isEqualTo(Duration.ofSeconds(5));
      assertThat(gateway.insecureSkipSignatureCheck()).isFalse();
      assertThat(context.getBean(JobPolicy.class)).isEqualTo(JobPolicy.defaults());
      OrchestratorProperties orchestrator = context.getBean(OrchestratorProperties.class);
      assertThat(orchestrator.github().apiUrl()).hasToString("https://api.github.com");
      assertThat(orchestrator.github().runnerGroupId()).isEqualTo(1L);
      assertThat(context.getEnvironment().getProperty("server.port")).isEqualTo("8080");
      assertThat(context.getEnvironment().getProperty("spring.temporal.namespace")).isEqualTo("default");
    }
  }

  /** Starts with orchestrator workers, which fail on GitHub configuration before reaching Temporal. */
  private static ConfigurableApplicationContext startWorkers(String... args) {
    return run(List.of(
        "--hangar.gateway.webhook-secret=s",
        "--hangar.secrets.key=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
        "--spring.main.banner-mode=off"), args);
  }

  private static ConfigurableApplicationContext start(String... args) {
    return run(List.of(BASE), args);
  }

  private static ConfigurableApplicationContext run(List<String> base, String... args) {
    List<String> all = new ArrayList<>(base);
    all.addAll(List.of(args));
    return new SpringApplicationBuilder(WebhookGatewayApplication.class)
        .web(WebApplicationType.NONE)
        .run(all.toArray(String[]::new));
  }
}
