package dev.hangar.activities.host.hooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hangar.activities.routing.PoolSpec;
import dev.hangar.activities.routing.TemplateRouter;
import dev.hangar.activities.routing.TrustSpec;
import dev.hangar.activities.templates.TemplateCatalog;
import dev.hangar.activities.templates.TemplateSpec;
import dev.hangar.workflows.job.JobRequest;
import dev.hangar.workflows.routing.Route;
import dev.hangar.workflows.routing.TrustPolicy;
import dev.hangar.workflows.routing.TrustPolicy.OnUntrusted;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the job-started hook as the runner does ({@code bash -e trust-check.sh}) against real
 * webhook payloads (test resources {@code events/}, see their README), with a runner home whose
 * {@code externals/node20/bin/node} is this machine's Node.js.
 */
class TrustHookScriptTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String REPO = "Codertocat/Hello-World";

  /** Codertocat's repositories on push and workflow_dispatch and pull_request, no forks. */
  private static final TrustPolicy POLICY = new TrustPolicy(
      List.of(), List.of("codertocat/*"), List.of("*/secret-*"), List.of("push", "workflow_dispatch", "pull_request"),
      false, OnUntrusted.CANCEL);

  @TempDir Path tmp;
  private Path hangar;
  private Path runnerHome;

  @BeforeEach
  void setUp() throws IOException {
    Optional<Path> node = onPath("node");
    assumeTrue(node.isPresent(), "Node.js, which every actions runner ships, is needed to run the hook");
    hangar = Files.createDirectory(tmp.resolve("hangar"));
    runnerHome = tmp.resolve("actions-runner");
    Files.createDirectories(runnerHome.resolve("externals/node20/bin"));
    Files.createSymbolicLink(runnerHome.resolve("externals/node20/bin/node"), node.get());
  }

  @Test
  void aPushToATrustedRepositoryRuns() throws Exception {
    Result r = run(POLICY, "push", event("push.json"), REPO);

    assertThat(r.exit).as(r.output).isZero();
    assertThat(r.output).contains("Hangar trust policy: Codertocat/Hello-World on push allowed");
  }

  @Test
  void aPullRequestFromTheRepositoryItselfRuns() throws Exception {
    assertThat(run(POLICY, "pull_request", event("pull_request.opened.json"), REPO).exit).isZero();
  }

  @Test
  void anEventThePoolDoesNotAllowIsRefused() throws Exception {
    TrustPolicy pushOnly = policy(List.of("push", "workflow_dispatch"), false);

    Result r = run(pushOnly, "pull_request", event("pull_request.opened.json"), REPO);

    assertThat(r.exit).isEqualTo(1);
    assertThat(r.output).isEqualTo("::error title=Hangar trust policy::job refused: event pull_request is not"
        + " allowed on this pool (allowed: push, workflow_dispatch)\n");
    assertThat(run(pushOnly, "workflow_dispatch", event("workflow_dispatch.json"), REPO).exit).isZero();
  }

  @Test
  void aPullRequestFromAForkIsRefusedUnlessThePoolAllowsForks() throws Exception {
    Path fork = forkPullRequest("evil-fork/Hello-World", 999_999L);

    Result refused = run(POLICY, "pull_request", fork, REPO);
    Result allowed = run(policy(List.of(), true), "pull_request", fork, REPO);

    assertThat(refused.exit).isEqualTo(1);
    assertThat(refused.output).contains(
        "pull request from the fork evil-fork/Hello-World into Codertocat/Hello-World: forks do not run on this pool");
    assertThat(allowed.exit).as(allowed.output).isZero();
  }

  @Test
  void pullRequestTargetFromAForkIsRefusedToo() throws Exception {
    Result r = run(policy(List.of(), false), "pull_request_target", forkPullRequest("evil-fork/Hello-World", 9L), REPO);

    assertThat(r.exit).isEqualTo(1);
    assertThat(r.output).contains("from the fork evil-fork/Hello-World");
  }

  @Test
  void aForkNamedLikeTheBaseButAnotherRepositoryIsRefused() throws Exception {
    // Same full name, different repository id: not the base repository.
    Result r = run(POLICY, "pull_request", forkPullRequest(REPO, 1L), REPO);

    assertThat(r.exit).isEqualTo(1);
    assertThat(r.output).contains("forks do not run on this pool");
  }

  @Test
  void aPullRequestWhoseForkWasDeletedIsRefused() throws Exception {
    ObjectNode pr = (ObjectNode) JSON.readTree(resource("pull_request.opened.json"));
    ((ObjectNode) pr.path("pull_request").path("head")).putNull("repo");

    Result r = run(POLICY, "pull_request", write(pr), REPO);

    assertThat(r.exit).isEqualTo(1);
    assertThat(r.output).contains("the head repository of this pull request is gone");
  }

  @Test
  void aWorkflowRunTriggeredFromAnotherRepositoryIsRefused() throws Exception {
    // The real example's run came from octo-org/octo-repo into Codertocat/Hello-World.
    Result r = run(policy(List.of(), false), "workflow_run", event("workflow_run.json"), REPO);

    assertThat(r.exit).isEqualTo(1);
    assertThat(r.output).contains("workflow_run of a run from octo-org/octo-repo");
  }

  @Test
  void repositoriesAndOwnersAreCheckedAgainOnTheJobTheRunnerGot() throws Exception {
    TrustPolicy owners = new TrustPolicy(List.of("my-org"), List.of(), List.of(), List.of(), false, null);

    assertThat(run(POLICY, "push", event("push.json"), "someone/Hello-World").output)
        .contains("repository someone/Hello-World is not trusted by this pool");
    assertThat(run(POLICY, "push", event("push.json"), "Codertocat/secret-sauce").output)
        .contains("repository Codertocat/secret-sauce is denied on this pool (*/secret-*)");
    assertThat(run(owners, "push", event("push.json"), REPO).output)
        .contains("owner Codertocat is not allowed on these runners");
  }

  @Test
  void theVmMatchesRepositoryPatternsExactlyAsTheOrchestratorDoes() throws Exception {
    List<List<String>> cases = List.of(
        List.of("codertocat/*", "Codertocat/Hello-World"),
        List.of("*/hello-world", "Codertocat/Hello-World"),
        List.of("codertocat/hello-?orld", "Codertocat/Hello-World"),
        List.of("codertocat/hello", "Codertocat/Hello-World"),
        List.of("codertocat/*world", "Codertocat/Hello-World"),
        List.of("code*", "Codertocat/Hello-World"),
        List.of("codertocat/hello.world", "Codertocat/Hello-World"),
        List.of("codertocat/hello-world*", "Codertocat/Hello-World"),
        List.of("c?dertocat/h*", "Codertocat/Hello-World"),
        List.of("*/*", "Codertocat/Hello-World"));
    TemplateCatalog catalog = new TemplateCatalog(List.of(new TemplateSpec("t", null, null, 1, 1024, 1)));
    int compared = 0;
    int matched = 0;
    for (List<String> c : cases) {
      String pattern = c.get(0);
      String[] name = c.get(1).split("/");
      boolean orchestrator;
      try {
        TemplateRouter router = new TemplateRouter(catalog,
            List.of(new PoolSpec("p", "t", null, new TrustSpec(List.of(pattern), null, null, false, null))), null, null);
        orchestrator = router.route(new JobRequest(1, 1, 1, name[0], name[1], List.of("p"), "u", null)).decision()
            == Route.Decision.SERVE;
      } catch (IllegalArgumentException e) {
        continue; // not a pattern the configuration accepts, so never one the VM sees
      }
      TrustPolicy policy = new TrustPolicy(List.of(), List.of(pattern), List.of(), List.of(), false, null);
      boolean vm = run(policy, "push", event("push.json"), c.get(1)).exit == 0;
      assertThat(vm).as("%s against %s", pattern, c.get(1)).isEqualTo(orchestrator);
      compared++;
      matched += vm ? 1 : 0;
    }
    assertThat(compared).isEqualTo(cases.size() - 1); // "code*" has no slash: refused at start-up
    assertThat(matched).isEqualTo(7);
  }

  @Test
  void hostileNamesAreDataNeverShell() throws Exception {
    Path marker = tmp.resolve("pwned");
    String hostile = "Codertocat/x$(touch " + marker + ")`touch " + marker + "`;touch " + marker;
    ObjectNode pr = (ObjectNode) JSON.readTree(resource("pull_request.opened.json"));
    ObjectNode head = (ObjectNode) pr.path("pull_request").path("head").path("repo");
    head.put("full_name", "evil/$(touch " + marker + ")\n::warning::injected");
    head.put("id", 5);

    Result byRepo = run(POLICY, "push", event("push.json"), hostile);
    Result byEvent = run(POLICY, "push$(touch " + marker + ")", event("push.json"), REPO);
    Result byFork = run(POLICY, "pull_request", write(pr), REPO);

    assertThat(marker).doesNotExist();
    assertThat(byRepo.exit).isEqualTo(1);
    assertThat(byEvent.exit).isEqualTo(1);
    assertThat(byFork.exit).isEqualTo(1);
    assertThat(byFork.output).doesNotContain("::warning::").doesNotContain("$(").hasLineCount(1);
    assertThat(byRepo.output).doesNotContain("$(").doesNotContain("`");
  }

  @Test
  void nodeOptionsFromTheJobCannotChangeTheVerdict() throws Exception {
    Path allowAll = tmp.resolve("allow-all.js");
    Files.writeString(allowAll, "process.exit(0);\n");

    Result r = run(POLICY, "push", event("push.json"), "someone/Hello-World", Map.of("NODE_OPTIONS", "--require " + allowAll));

    assertThat(r.exit).isEqualTo(1);
    assertThat(r.output).contains("not trusted by this pool");
  }

  @Test
  void withoutNodeOrWithoutAPolicyTheJobIsRefused() throws Exception {
    Result noPolicy = run(null, "push", event("push.json"), REPO);
    Files.delete(runnerHome.resolve("externals/node20/bin/node"));
    Result noNode = run(POLICY, "push", event("push.json"), REPO);

    assertThat(noPolicy.exit).isEqualTo(1);
    assertThat(noPolicy.output).contains("cannot read the pool's trust policy");
    assertThat(noNode.exit).isEqualTo(1);
    assertThat(noNode.output).contains("no Node.js in");
  }

  @Test
  void anOperatorsJobStartedHookRunsOnlyAfterTheCheckPasses() throws Exception {
    Path marker = tmp.resolve("operator-hook-ran");
    Files.writeString(hangar.resolve("job-started.sh"), "touch '" + marker + "'\n");

    run(POLICY, "push", event("push.json"), "stranger/repo");
    assertThat(marker).doesNotExist();
    Result allowed = run(POLICY, "push", event("push.json"), REPO);
    assertThat(allowed.exit).isZero();
    assertThat(marker).exists();
  }

  @Test
  void thePolicyFileHoldsExactlyWhatTheCheckReads() throws Exception {
    assertThat(JSON.readTree(TrustHook.policyJson(POLICY)).toString()).isEqualTo(
        "{\"owners\":[],\"repositories\":[\"codertocat/*\"],\"denyRepositories\":[\"*/secret-*\"],"
            + "\"events\":[\"push\",\"workflow_dispatch\",\"pull_request\"],\"allowForkPullRequests\":false}");
    assertThat(TrustHook.files(null).isEmpty()).isTrue();
    assertThat(TrustHook.files(POLICY).files()).containsOnlyKeys(TrustHook.HOOK, TrustHook.CHECK, TrustHook.POLICY);
  }

  private static TrustPolicy policy(List<String> events, boolean forks) {
    return new TrustPolicy(List.of(), List.of(), List.of(), events, forks, OnUntrusted.CANCEL);
  }

  private Path forkPullRequest(String headFullName, long headId) throws IOException {
    ObjectNode pr = (ObjectNode) JSON.readTree(resource("pull_request.opened.json"));
    ObjectNode head = (ObjectNode) pr.path("pull_request").path("head").path("repo");
    head.put("full_name", headFullName);
    head.put("id", headId);
    head.put("fork", true);
    return write(pr);
  }

  private Path write(ObjectNode payload) throws IOException {
    Path file = Files.createTempFile(tmp, "event-", ".json");
    JSON.writeValue(file.toFile(), payload);
    return file;
  }

  private Path event(String name) throws IOException {
    Path file = tmp.resolve(name);
    if (!Files.exists(file)) {
      Files.write(file, resource(name));
    }
    return file;
  }

  private static byte[] resource(String name) throws IOException {
    try (InputStream in = TrustHookScriptTest.class.getResourceAsStream("events/" + name)) {
      assertThat(in).as("test resource events/" + name).isNotNull();
      return in.readAllBytes();
    }
  }

  private Result run(TrustPolicy policy, String eventName, Path eventPath, String repository) throws Exception {
    return run(policy, eventName, eventPath, repository, Map.of());
  }

  private Result run(TrustPolicy policy, String eventName, Path eventPath, String repository, Map<String, String> extra)
      throws Exception {
    for (String name : List.of(TrustHook.HOOK, TrustHook.CHECK, TrustHook.POLICY)) {
      Files.deleteIfExists(hangar.resolve(name));
    }
    if (policy == null) {
      TrustHook.files(POLICY).writeTo(hangar);
      Files.delete(hangar.resolve(TrustHook.POLICY));
    } else {
      TrustHook.files(policy).writeTo(hangar);
    }
    ProcessBuilder pb = new ProcessBuilder("bash", "-e", hangar.resolve(TrustHook.HOOK).toString())
        .directory(tmp.toFile())
        .redirectErrorStream(true);
    Map<String, String> env = pb.environment();
    String path = env.get("PATH");
    env.clear();
    env.put("PATH", path);
    env.put("HOME", tmp.toString());
    env.put("RUNNER_HOME", runnerHome.toString());
    env.put("GITHUB_EVENT_NAME", eventName);
    env.put("GITHUB_EVENT_PATH", eventPath.toString());
    env.put("GITHUB_REPOSITORY", repository);
    env.putAll(extra);
    Process p = pb.start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    return new Result(p.exitValue(), out);
  }

  private static Optional<Path> onPath(String program) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      Path candidate = Path.of(dir, program);
      if (Files.isExecutable(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  private record Result(int exit, String output) {}
}
