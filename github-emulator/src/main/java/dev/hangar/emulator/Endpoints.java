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
  public static final String GET_RUN = "GET /repos/{owner}/{repo}/actions/runs/{run_id}";
  public static final String LIST_RUN_JOBS = "GET /repos/{owner}/{repo}/actions/runs/{run_id}/jobs";
  public static final String CANCEL_RUN = "POST /repos/{owner}/{repo}/actions/runs/{run_id}/cancel";
  public static final String FORCE_CANCEL_RUN =
      "POST /repos/{owner}/{repo}/actions/runs/{run_id}/force-cancel";
  public static final String RATE_LIMIT = "GET /rate_limit";

  private Endpoints() {}
}
