package dev.hangar.testfixtures;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Real GitHub webhook payloads (from {@code @octokit/webhooks-examples} 7.6.1, see
 * {@code github/README.md} in this module's resources) and realistic payloads derived from them.
 *
 * <p>A derived payload is a deep copy of a real example of the same action with only the fields
 * that identify the job, run, runner and repository replaced, so its shape is GitHub's own.
 */
public final class GitHubPayloads {

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final List<JsonNode> WORKFLOW_JOBS = load("github/workflow_job-examples.json");
  private static final List<JsonNode> PINGS = load("github/ping-examples.json");

  /** Which real example a derived payload starts from, per action: the self-hosted ones first. */
  private static final Map<String, Integer> BASE_BY_ACTION =
      Map.of("queued", 6, "waiting", 7, "in_progress", 3, "completed", 1);

  private GitHubPayloads() {}

  /** Every real {@code workflow_job} example, as parsed copies. */
  public static List<JsonNode> workflowJobExamples() {
    return WORKFLOW_JOBS.stream().map(GitHubPayloads::copy).toList();
  }

  /** The real {@code workflow_job} examples of one action. */
  public static List<JsonNode> workflowJobExamples(String action) {
    return WORKFLOW_JOBS.stream()
        .filter(e -> action.equals(e.path("action").asText()))
        .map(GitHubPayloads::copy)
        .toList();
  }

  /** Every real {@code ping} example. */
  public static List<JsonNode> pingExamples() {
    return PINGS.stream().map(GitHubPayloads::copy).toList();
  }

  /** The first real {@code ping} example, as its raw JSON text. */
  public static String ping() {
    return write(PINGS.get(0));
  }

  /** A {@code workflow_job} payload for the given job, as the JSON text GitHub would send. */
  public static String workflowJob(WorkflowJobSpec spec) {
    return write(workflowJobNode(spec));
  }

  /** A {@code workflow_job} payload in {@code hangar-test/app}; see {@link WorkflowJobSpec#of}. */
  public static String workflowJob(
      String action, long jobId, long runId, List<String> labels, String runnerName) {
    WorkflowJobSpec spec = WorkflowJobSpec.of(action, jobId, runId, labels);
    return workflowJob(runnerName == null ? spec : spec.withRunner(runnerName, 1000L + jobId % 1000));
  }

  /** The same payload as a tree, for tests that want to change more. */
  public static ObjectNode workflowJobNode(WorkflowJobSpec spec) {
    Integer base = BASE_BY_ACTION.get(spec.action());
    if (base == null) {
      throw new IllegalArgumentException("no workflow_job example for action " + spec.action());
    }
    ObjectNode root = WORKFLOW_JOBS.get(base).deepCopy();
    String fullName = spec.owner() + "/" + spec.repo();
    String api = "https://api.github.com/repos/" + fullName;
    String html = "https://github.com/" + fullName;

    ObjectNode job = (ObjectNode) root.get("workflow_job");
    job.put("id", spec.jobId());
    job.put("run_id", spec.runId());
    job.put("run_url", api + "/actions/runs/" + spec.runId());
    job.put("url", api + "/actions/jobs/" + spec.jobId());
    job.put("html_url", html + "/actions/runs/" + spec.runId() + "/job/" + spec.jobId());
    job.put("check_run_url", api + "/check-runs/" + spec.jobId());
    job.put("status", spec.action());
    if ("completed".equals(spec.action())) {
      job.put("conclusion", spec.conclusion());
    } else {
      job.putNull("conclusion");
      job.putNull("completed_at");
    }
    ArrayNode labels = job.putArray("labels");
    spec.labels().forEach(labels::add);
    if (spec.runnerName() == null) {
      job.putNull("runner_id");
      job.putNull("runner_name");
      job.putNull("runner_group_id");
      job.putNull("runner_group_name");
    } else {
      job.put("runner_id", spec.runnerId() == null ? 1L : spec.runnerId());
      job.put("runner_name", spec.runnerName());
      job.put("runner_group_id", 1);
      job.put("runner_group_name", "Default");
    }

    ObjectNode repository = (ObjectNode) root.get("repository");
    repository.put("name", spec.repo());
    repository.put("full_name", fullName);
    repository.put("url", api);
    repository.put("html_url", html);
    ((ObjectNode) repository.get("owner")).put("login", spec.owner());

    if (spec.installationId() == null) {
      root.remove("installation");
    } else {
      ObjectNode installation = root.putObject("installation");
      installation.put("id", spec.installationId());
      installation.put("node_id", "MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9u" + spec.installationId());
    }
    return root;
  }

  private static List<JsonNode> load(String resource) {
    try (InputStream in = GitHubPayloads.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + resource);
      }
      List<JsonNode> out = new ArrayList<>();
      MAPPER.readTree(in).forEach(out::add);
      return List.copyOf(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static JsonNode copy(JsonNode node) {
    return node.deepCopy();
  }

  private static String write(JsonNode node) {
    try {
      return MAPPER.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
