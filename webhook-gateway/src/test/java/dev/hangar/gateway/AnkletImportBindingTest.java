package dev.hangar.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hangar.activities.github.RunnerScope;
import dev.hangar.activities.secrets.SecretSealer;
import dev.hangar.testfixtures.AnkletImportRun;
import dev.hangar.workflows.job.JobPolicy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gateway.yml the Anklet importer writes binds to the gateway's real configuration records and
 * passes the checks start-up makes, so the importer cannot drift from the gateway's keys.
 */
class AnkletImportBindingTest {

  @TempDir Path dir;

  @Test
  void theImportedGatewayConfigurationBindsAndPassesStartUpValidation() {
    Path key = GitHubAppEndToEndTest.pemFile(GitHubAppEndToEndTest.keys());
    AnkletImportRun run = AnkletImportRun.ofExample(dir,
        Map.of("/Users/ci/.config/anklet/acme-ci.private-key.pem", key.toString()));
    assertThat(run.status()).as(run.report()).isZero();
    String secretsKey = SecretSealer.newKey();
    Map<String, Object> environment = Map.of(
        "HANGAR_GATEWAY_WEBHOOK_SECRET", "whsec-from-env", "HANGAR_SECRETS_KEY", secretsKey);
    assertThat(run.placeholders("gateway.yml")).containsExactlyInAnyOrderElementsOf(environment.keySet());
    environment.keySet().forEach(name -> assertThat(run.report()).contains(name + ": "));

    AnkletImportRun.Bound bound = run.bind("gateway.yml", Path.of("src/main/resources/application.yml"), environment);
    GatewayProperties gateway = bound.bind("hangar.gateway", GatewayProperties.class);
    JobProperties job = bound.bind("hangar.job", JobProperties.class);
    ReconcilerProperties reconciler = bound.bind("hangar.reconciler", ReconcilerProperties.class);
    CatalogProperties catalog = bound.bind("hangar", CatalogProperties.class);
    OrchestratorProperties orchestrator = bound.bind("hangar", OrchestratorProperties.class);
    Integer port = bound.bind("server.port", Integer.class);

    GatewayConfiguration configuration = new GatewayConfiguration();
    assertThat(configuration.deliveryAuthenticator(gateway, reconciler)).isNotNull();
    JobPolicy policy = configuration.jobPolicy(job);
    assertThat(configuration.reconcileRequest(reconciler).repositories()).containsExactly("acme/ios-app", "acme/macos-app");
    configuration.templateRouter(configuration.templateCatalog(catalog), catalog);
    OrchestratorProperties.GitHub github = orchestrator.github();
    assertThat(OrchestratorWorkerConfiguration.credentials(github).toString()).startsWith("GitHub App 949431");
    OrchestratorWorkerConfiguration.runnerSettings(github);
    RunnerScope scope = new OrchestratorWorkerConfiguration().runnerScope(orchestrator);
    assertThat(new OrchestratorWorkerConfiguration().secretSealer(orchestrator).keyId())
        .isEqualTo(SecretSealer.fromBase64(secretsKey).keyId());

    assertThat(gateway.webhookSecret()).isEqualTo("whsec-from-env");
    assertThat(port).isEqualTo(54321);
    assertThat(policy.maxAttempts()).isEqualTo(3);
    assertThat(policy.registrationTimeout()).isEqualTo(Duration.ofSeconds(120));
    assertThat(scope.level()).isEqualTo(RunnerScope.Level.REPOSITORY);
    assertThat(github.appId()).isEqualTo(949431L);
    assertThat(github.installationId()).isEqualTo(52970581L);
    assertThat(github.privateKeyFile()).isEqualTo(key.toString());
    assertThat(catalog.allowedOwners()).isEqualTo(List.of("acme"));
    assertThat(bound.unboundKeys()).as("keys of gateway.yml no gateway record binds").isEmpty();
  }
}
