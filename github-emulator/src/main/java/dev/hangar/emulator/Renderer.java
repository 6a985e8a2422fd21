package dev.hangar.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Renders model objects as GitHub renders them, starting from real GitHub data (see the README
 * next to the templates) and replacing the identifying fields.
 */
final class Renderer {

  /** Labels GitHub applies itself and marks read-only. */
  private static final Set<String> READ_ONLY_LABELS =
      Set.of("self-hosted", "macos", "linux", "windows", "x64", "arm64", "arm");

  private final ObjectMapper mapper;
  private final String apiUrl;
  private final Map<String, String> templates = new ConcurrentHashMap<>();
  private final Map<String, Long> labelIds = new ConcurrentHashMap<>();
  private final AtomicLong nextLabelId = new AtomicLong();

  Renderer(ObjectMapper mapper, String apiUrl) {
    this.mapper = mapper;
    this.apiUrl = apiUrl;
  }

  ObjectNode repository(EmulatorState.Repo repo) {
    ObjectNode node = template("repository.json", "lineville/elastic-machines-testing", repo);
    node.put("id", repo.id);
    node.put("name", repo.name);
    node.put("full_name", repo.fullName());
    node.put("private", repo.isPrivate);
    node.put("visibility", repo.isPrivate ? "private" : "public");
    ObjectNode owner = (ObjectNode) node.get("owner");
    owner.put("login", repo.owner);
    owner.put("url", apiUrl + "/users/" + repo.owner);
    owner.put("html_url", "https://github.com/" + repo.owner);
    return node;
  }

  ObjectNode run(EmulatorState.Run run) {
    ObjectNode node = template("workflow-run.json", "octo-org/octo-repo", run.repo);
    String base = apiUrl + "/repos/" + run.repo.fullName() + "/actions/runs/" + run.id;
    node.put("id", run.id);
    node.put("status", run.status);
    putNullable(node, "conclusion", run.conclusion);
    node.put("url", base);
    node.put("html_url", "https://github.com/" + run.repo.fullName() + "/actions/runs/" + run.id);
    node.put("jobs_url", base + "/jobs");
    node.put("logs_url", base + "/logs");
    node.put("artifacts_url", base + "/artifacts");
    node.put("cancel_url", base + "/cancel");
    node.put("rerun_url", base + "/rerun");
    node.put("created_at", iso(run.createdAt));
    node.put("updated_at", iso(run.updatedAt));
    node.put("run_started_at", iso(run.createdAt));
    for (String field : new String[] {"repository", "head_repository"}) {
      if (node.get(field) instanceof ObjectNode r) {
        r.put("id", run.repo.id);
        r.put("name", run.repo.name);
        r.put("full_name", run.repo.fullName());
        r.put("url", apiUrl + "/repos/" + run.repo.fullName());
        r.put("html_url", "https://github.com/" + run.repo.fullName());
        if (r.get("owner") instanceof ObjectNode o) {
          o.put("login", run.repo.owner);
        }
      }
    }
    return node;
  }

  ObjectNode job(EmulatorState.Job job) {
    ObjectNode node = template("job.json", "octo-org/octo-repo", job.run.repo);
    String repoApi = apiUrl + "/repos/" + job.run.repo.fullName();
    node.put("id", job.id);
    node.put("run_id", job.run.id);
    node.put("run_url", repoApi + "/actions/runs/" + job.run.id);
    node.put("url", repoApi + "/actions/jobs/" + job.id);
    node.put("html_url",
        "https://github.com/" + job.run.repo.fullName() + "/actions/runs/" + job.run.id + "/job/" + job.id);
    node.put("check_run_url", repoApi + "/check-runs/" + job.id);
    node.put("status", job.status);
    putNullable(node, "conclusion", job.conclusion);
    node.put("created_at", iso(job.createdAt));
    node.put("started_at", iso(job.startedAt));
    putNullable(node, "completed_at", job.completedAt == null ? null : iso(job.completedAt));
    if (!"completed".equals(job.status)) {
      node.putArray("steps");
    }
    ArrayNode labels = node.putArray("labels");
    job.labels.forEach(labels::add);
    if (job.runner == null) {
      node.putNull("runner_id");
      node.putNull("runner_name");
      node.putNull("runner_group_id");
      node.putNull("runner_group_name");
    } else {
      node.put("runner_id", job.runner.id);
      node.put("runner_name", job.runner.name);
      node.put("runner_group_id", job.runner.groupId);
      node.put("runner_group_name", "Default");
    }
    return node;
  }

  ObjectNode runner(EmulatorState.Runner runner) {
    ObjectNode node = mapper.createObjectNode();
    node.put("id", runner.id);
    node.put("runner_group_id", runner.groupId);
    node.put("name", runner.name);
    node.put("os", "offline".equals(runner.status) ? "unknown" : "macOS");
    node.put("status", runner.status);
    node.put("busy", runner.busy());
    node.put("ephemeral", true);
    ArrayNode labels = node.putArray("labels");
    for (String label : runner.labels) {
      ObjectNode l = labels.addObject();
      l.put("id", labelIds.computeIfAbsent(label.toLowerCase(Locale.ROOT), k -> nextLabelId.incrementAndGet()));
      l.put("name", label);
      l.put("type", READ_ONLY_LABELS.contains(label.toLowerCase(Locale.ROOT)) ? "read-only" : "custom");
    }
    return node;
  }

  /** A {@code workflow_job} webhook payload for the job in its current state. */
  ObjectNode workflowJobEvent(EmulatorState.Job job, String action, Long installationId) {
    String file = "workflow_job-" + action + ".json";
    ObjectNode root = parse(text(file));
    ObjectNode rendered = job(job);
    ObjectNode wj = (ObjectNode) root.get("workflow_job");
    for (String field : new String[] {
        "id", "run_id", "run_url", "url", "html_url", "check_run_url", "status", "conclusion",
        "created_at", "started_at", "completed_at", "labels", "runner_id", "runner_name",
        "runner_group_id", "runner_group_name"}) {
      wj.set(field, rendered.get(field));
    }
    wj.put("status", action);
    root.set("repository", repository(job.run.repo));
    if (installationId == null) {
      root.remove("installation");
    } else {
      ObjectNode inst = root.putObject("installation");
      inst.put("id", installationId);
      inst.put("node_id", "MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9u" + installationId);
    }
    return root;
  }

  /** An App installation, from the {@code installation} example of GitHub's OpenAPI description. */
  ObjectNode installation(GitHubApp app, GitHubApp.Installation installation) {
    ObjectNode node = parse(text("installation.json").replace("https://api.github.com", apiUrl));
    long accountId = accountId(installation.account());
    node.put("id", installation.id());
    node.put("app_id", app.appId());
    node.put("app_slug", app.slug());
    node.put("client_id", "Iv1.emulator" + app.appId());
    node.put("target_id", accountId);
    node.put("target_type", installation.organization() ? "Organization" : "User");
    node.put("repository_selection", installation.repositorySelection());
    node.put("access_tokens_url", apiUrl + "/app/installations/" + installation.id() + "/access_tokens");
    node.put("html_url", "https://github.com/organizations/" + installation.account()
        + "/settings/installations/" + installation.id());
    ObjectNode permissions = node.putObject("permissions");
    GitHubApp.PERMISSIONS.forEach(permissions::put);
    node.putArray("events").add("workflow_job");
    ObjectNode account = (ObjectNode) node.get("account");
    String login = installation.account();
    String path = installation.organization() ? "/orgs/" : "/users/";
    account.put("login", login);
    account.put("id", accountId);
    account.put("type", installation.organization() ? "Organization" : "User");
    account.put("url", apiUrl + path + login);
    account.put("html_url", "https://github.com/" + login);
    account.put("repos_url", apiUrl + path + login + "/repos");
    return node;
  }

  /** The authenticated App ({@code GET /app}), with the fields GitHub's {@code integration} schema requires. */
  ObjectNode app(GitHubApp app) {
    ObjectNode node = mapper.createObjectNode();
    node.put("id", app.appId());
    node.put("slug", app.slug());
    node.put("node_id", "MDExOkludGVncmF0aW9u" + app.appId());
    node.put("client_id", "Iv1.emulator" + app.appId());
    node.put("name", app.slug());
    node.put("description", "");
    node.put("external_url", "https://example.com");
    node.put("html_url", "https://github.com/apps/" + app.slug());
    node.put("created_at", "2024-01-01T00:00:00Z");
    node.put("updated_at", "2024-01-01T00:00:00Z");
    ObjectNode owner = node.putObject("owner");
    owner.put("login", "hangar");
    owner.put("id", accountId("hangar"));
    owner.put("type", "Organization");
    ObjectNode permissions = node.putObject("permissions");
    GitHubApp.PERMISSIONS.forEach(permissions::put);
    node.putArray("events").add("workflow_job");
    node.put("installations_count", app.installations().size());
    return node;
  }

  /** A stable positive id for a user or organisation login. */
  static long accountId(String login) {
    return 1000L + (login.toLowerCase(Locale.ROOT).hashCode() & 0x7fffffffL);
  }

  static String iso(Instant instant) {
    return instant.truncatedTo(ChronoUnit.SECONDS).toString();
  }

  private static void putNullable(ObjectNode node, String field, String value) {
    if (value == null) {
      node.putNull(field);
    } else {
      node.put(field, value);
    }
  }

  private ObjectNode template(String file, String exampleFullName, EmulatorState.Repo repo) {
    String text = text(file)
        .replace("https://api.github.com", apiUrl)
        .replace(exampleFullName, repo.fullName());
    return parse(text);
  }

  private ObjectNode parse(String text) {
    try {
      JsonNode node = mapper.readTree(text);
      return (ObjectNode) node;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private String text(String file) {
    return templates.computeIfAbsent(file, f -> {
      try (InputStream in = Renderer.class.getResourceAsStream(f)) {
        if (in == null) {
          throw new IllegalStateException("missing template " + f);
        }
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
  }
}
