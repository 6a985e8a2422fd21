package dev.hangar.emulator;

/**
 * The REST endpoints the emulator answers, as {@code METHOD path-template} keys. The same keys name
 * them in the {@link CallLog} and in {@link GitHubEmulator#inject(String, Fault...)}.
 */
public final class Endpoints {

  public static final String GET_REPOSITORY = "GET /repos/{owner}/{repo}";
  public static final String GENERATE_JITCONFIG =
      "POST /repos/{owner}/{repo}/actions/runners/generate-jitconfig";
  public static final String LIST_RUNNERS = "GET /repos/{owner}/{repo}/actions/runners";
  public static final String GET_RUNNER = "GET /repos/{owner}/{repo}/actions/runners/{runner_id}";
  public static final String DELETE_RUNNER = "DELETE /repos/{owner}/{repo}/actions/runners/{runner_id}";
  public static final String REGISTRATION_TOKEN =
      "POST /repos/{owner}/{repo}/actions/runners/registration-token";
  public static final String GET_JOB = "GET /repos/{owner}/{repo}/actions/jobs/{job_id}";
  public static final String LIST_RUNS = "GET /repos/{owner}/{repo}/actions/runs";
  public static final String GET_RUN = "GET /repos/{owner}/{repo}/actions/runs/{run_id}";
  public static final String LIST_RUN_JOBS = "GET /repos/{owner}/{repo}/actions/runs/{run_id}/jobs";
  public static final String CANCEL_RUN = "POST /repos/{owner}/{repo}/actions/runs/{run_id}/cancel";
  public static final String FORCE_CANCEL_RUN =
      "POST /repos/{owner}/{repo}/actions/runs/{run_id}/force-cancel";
  public static final String RATE_LIMIT = "GET /rate_limit";
  public static final String GENERATE_ORG_JITCONFIG = "POST /orgs/{org}/actions/runners/generate-jitconfig";
  public static final String LIST_ORG_RUNNERS = "GET /orgs/{org}/actions/runners";
  public static final String GET_ORG_RUNNER = "GET /orgs/{org}/actions/runners/{runner_id}";
  public static final String DELETE_ORG_RUNNER = "DELETE /orgs/{org}/actions/runners/{runner_id}";
  public static final String ORG_REGISTRATION_TOKEN = "POST /orgs/{org}/actions/runners/registration-token";
  public static final String LIST_ORG_REPOS = "GET /orgs/{org}/repos";
  public static final String LIST_ORG_RUNNER_GROUPS = "GET /orgs/{org}/actions/runner-groups";
  public static final String GENERATE_ENTERPRISE_JITCONFIG =
      "POST /enterprises/{enterprise}/actions/runners/generate-jitconfig";
  public static final String LIST_ENTERPRISE_RUNNERS = "GET /enterprises/{enterprise}/actions/runners";
  public static final String GET_ENTERPRISE_RUNNER = "GET /enterprises/{enterprise}/actions/runners/{runner_id}";
  public static final String DELETE_ENTERPRISE_RUNNER =
      "DELETE /enterprises/{enterprise}/actions/runners/{runner_id}";
  public static final String ENTERPRISE_REGISTRATION_TOKEN =
      "POST /enterprises/{enterprise}/actions/runners/registration-token";
  public static final String LIST_ENTERPRISE_RUNNER_GROUPS = "GET /enterprises/{enterprise}/actions/runner-groups";
  public static final String GET_APP = "GET /app";
  public static final String LIST_INSTALLATIONS = "GET /app/installations";
  public static final String GET_INSTALLATION = "GET /app/installations/{installation_id}";
  public static final String REPO_INSTALLATION = "GET /repos/{owner}/{repo}/installation";
  public static final String ORG_INSTALLATION = "GET /orgs/{org}/installation";
  public static final String INSTALLATION_TOKEN =
      "POST /app/installations/{installation_id}/access_tokens";
  public static final String LIST_REPO_HOOK_DELIVERIES = "GET /repos/{owner}/{repo}/hooks/{hook_id}/deliveries";
  public static final String GET_REPO_HOOK_DELIVERY =
      "GET /repos/{owner}/{repo}/hooks/{hook_id}/deliveries/{delivery_id}";
  public static final String REDELIVER_REPO_HOOK_DELIVERY =
      "POST /repos/{owner}/{repo}/hooks/{hook_id}/deliveries/{delivery_id}/attempts";
  public static final String LIST_ORG_HOOK_DELIVERIES = "GET /orgs/{org}/hooks/{hook_id}/deliveries";
  public static final String GET_ORG_HOOK_DELIVERY = "GET /orgs/{org}/hooks/{hook_id}/deliveries/{delivery_id}";
  public static final String REDELIVER_ORG_HOOK_DELIVERY =
      "POST /orgs/{org}/hooks/{hook_id}/deliveries/{delivery_id}/attempts";

  private Endpoints() {}
}
