package dev.hangar.activities.github;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import dev.hangar.activities.secrets.SecretSealer;
import dev.hangar.emulator.EmulatorConfig;
import dev.hangar.emulator.Endpoints;
import dev.hangar.emulator.Fault;
import dev.hangar.emulator.GitHubEmulator;
import dev.hangar.emulator.JobInfo;
import dev.hangar.emulator.RunnerInfo;
import dev.hangar.emulator.TokenGrant;
import dev.hangar.workflows.github.RunRef;
import dev.hangar.workflows.github.RunnerRef;
import dev.hangar.workflows.github.RunnerRequest;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Drives every GitHub path, good and bad, with a personal access token and as a GitHub App, with
 * every logger at its most talkative (logback at TRACE, github-api's java.util.logging at ALL),
 * then searches all log output and every failure the activities threw (failures go into Temporal
 * history) for the PAT, the App's private key, installation tokens, JWTs and JIT configurations.
 */
class SecretsStayOutOfLogsTest {

  private static final String PAT = "ghp_patSecretForTheLogTest00000000000000";
  private static final String WRONG_PAT = "ghp_wrongPatSecretForTheLogTest000000000";
  private static final List<String> LABELS = List.of("self-hosted", "macOS");
  private static final AppKeys KEYS = new AppKeys();

  @TempDir Path dir;

  private final GitHubEmulator github = GitHubEmulator.start(EmulatorConfig.defaults()
      .withToken(PAT, TokenGrant.all()).withApp(GitHubAppAuthTest.app(KEYS)));
  private final SecretSealer sealer = SecretSealer.fromBase64(SecretSealer.newKey());
  private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
  private final List<String> julLines = new ArrayList<>();
  private final List<String> failures = new ArrayList<>();
  private final Set<String> jitConfigs = new LinkedHashSet<>();
  private final Handler jul = new Handler() {
    @Override
    public void publish(LogRecord record) {
      synchronized (julLines) {
        julLines.add(new java.util.logging.SimpleFormatter().format(record));
      }
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  };
  private Level rootLevel;
  private java.util.logging.Level kohsukeLevel;

  {
    github.addRepository("acme", "app", true);
    Logger root = root();
    rootLevel = root.getLevel();
    root.setLevel(Level.TRACE);
    logs.start();
    root.addAppender(logs);
    java.util.logging.Logger kohsuke = java.util.logging.Logger.getLogger("org.kohsuke");
    kohsukeLevel = kohsuke.getLevel();
    kohsuke.setLevel(java.util.logging.Level.ALL);
    kohsuke.addHandler(jul);
  }

  @AfterEach
  void stop() {
    root().detachAppender(logs);
    root().setLevel(rootLevel);
    java.util.logging.Logger kohsuke = java.util.logging.Logger.getLogger("org.kohsuke");
    kohsuke.removeHandler(jul);
    kohsuke.setLevel(kohsukeLevel);
    github.close();
  }

  @Test
  void noCredentialOrJitConfigReachesALogOrAFailure() throws Exception {
    Path keyFile = KEYS.write(dir, true);
    GitHubActivitiesImpl pat = activities(GitHubCredentials.personalAccessToken(PAT));
    GitHubActivitiesImpl wrongPat = activities(GitHubCredentials.personalAccessToken(WRONG_PAT));
    GitHubActivitiesImpl app = activities(GitHubCredentials.app(GitHubAppAuthTest.APP_ID, keyFile, null));
    GitHubActivitiesImpl wrongKey =
        activities(GitHubCredentials.app(GitHubAppAuthTest.APP_ID, new AppKeys().write(dir, false), null));
    JobInfo job = github.createJob("acme", "app", LABELS);

    for (GitHubActivitiesImpl activities : List.of(pat, app)) {
      String prefix = activities == pat ? "pat-" : "app-";
      RunnerRef runner = activities.registerRunner(request(prefix + "1")).runner();
      collectJitConfigs();
      github.inject(Endpoints.GENERATE_JITCONFIG, Fault.statusAfterEffect(502));
      run(() -> activities.registerRunner(request(prefix + "2")));
      collectJitConfigs();
      activities.registerRunner(request(prefix + "2"));
      collectJitConfigs();
      github.inject(Endpoints.DELETE_RUNNER, Fault.status(500));
      run(() -> activities.removeRunner(runner));
      activities.removeRunner(runner);
      activities.cancelRun(new RunRef("acme", "app", null, job.runId()));
      activities.cancelRun(new RunRef("acme", "app", null, job.runId()));
      github.inject(Endpoints.GENERATE_JITCONFIG, Fault.secondaryRateLimit(403, Duration.ofSeconds(1)));
      run(() -> activities.registerRunner(request(prefix + "3")));
      run(() -> activities.registerRunner(request(prefix + "3")));
    }
    for (GitHubActivitiesImpl activities : List.of(wrongPat, wrongKey)) {
      run(() -> activities.registerRunner(request("bad-1")));
      run(() -> activities.removeRunner(new RunnerRef("acme", "app", null, 1, "bad-1")));
      run(() -> activities.cancelRun(new RunRef("acme", "app", null, job.runId())));
    }
    github.exhaustRateLimit(Instant.now().plusSeconds(60), 429);
    run(() -> pat.registerRunner(request("pat-4")));
    run(() -> pat.cancelRun(new RunRef("acme", "app", null, job.runId())));

    String everything = everything();
    assertThat(logs.list).as("the paths above log").hasSizeGreaterThan(10);
    assertThat(failures).as("and fail").hasSizeGreaterThan(8);
    assertThat(jitConfigs).hasSizeGreaterThanOrEqualTo(4);
    assertThat(github.calls().count(Endpoints.INSTALLATION_TOKEN)).as("a token was bought").isPositive();
    assertThat(everything).doesNotContain(PAT, WRONG_PAT);
    assertThat(everything).as("no installation token").doesNotContain("ghs_");
    assertThat(everything).as("no JWT, no JIT config (both base64 JSON)").doesNotContain("eyJ");
    for (String jit : jitConfigs) {
      assertThat(everything).doesNotContain(jit.substring(0, 40));
    }
    for (String line : AppKeys.bodyLines(keyFile)) {
      assertThat(everything).doesNotContain(line);
    }
  }

  private GitHubActivitiesImpl activities(GitHubCredentials credentials) {
    GitHubProperties properties = new GitHubProperties(github.baseUrl(), null, null, Duration.ofSeconds(5), null);
    return new GitHubActivitiesImpl(GitHubApi.create(properties, credentials), sealer, 1);
  }

  /** Runs a call that fails, keeping its failure with its causes and stack as Temporal would record it. */
  private void run(Runnable call) {
    Throwable thrown = catchThrowable(call::run);
    assertThat(thrown).isNotNull();
    StringWriter trace = new StringWriter();
    thrown.printStackTrace(new PrintWriter(trace));
    failures.add(trace.toString());
  }

  private void collectJitConfigs() {
    github.runners().stream().map(RunnerInfo::encodedJitConfig).forEach(jitConfigs::add);
  }

  private String everything() {
    StringBuilder out = new StringBuilder();
    for (ILoggingEvent event : logs.list) {
      out.append(event.getFormattedMessage()).append('\n');
      for (Object argument : event.getArgumentArray() == null ? new Object[0] : event.getArgumentArray()) {
        out.append(argument).append('\n');
      }
      IThrowableProxy t = event.getThrowableProxy();
      if (t != null) {
        out.append(ThrowableProxyUtil.asString(t)).append('\n');
      }
    }
    synchronized (julLines) {
      julLines.forEach(line -> out.append(line).append('\n'));
    }
    failures.forEach(f -> out.append(f).append('\n'));
    return out.toString();
  }

  private static RunnerRequest request(String name) {
    return new RunnerRequest("acme", "app", null, "hangar-" + name, LABELS);
  }

  private static Logger root() {
    return (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
  }
}
