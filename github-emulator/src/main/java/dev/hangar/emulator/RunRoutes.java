package dev.hangar.emulator;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.BiConsumer;

/** A repository's workflow runs and jobs: get, list, cancel, force-cancel. */
final class RunRoutes {

  private static final String RUNS_DOCS = "https://docs.github.com/rest/actions/workflow-runs";

  private final ObjectMapper mapper;
  private final EmulatorState state;
  private final Renderer renderer;
  private final ApiHandler api;
  private final BiConsumer<EmulatorState.Job, String> jobEvents;

  RunRoutes(ObjectMapper mapper, EmulatorState state, Renderer renderer, ApiHandler api,
      BiConsumer<EmulatorState.Job, String> jobEvents) {
    this.mapper = mapper;
    this.state = state;
    this.renderer = renderer;
    this.api = api;
    this.jobEvents = jobEvents;
  }

  void register(BiConsumer<String, ApiHandler.Endpoint> route) {
    route.accept(Endpoints.GET_JOB, r -> new ApiHandler.Reply(200, renderer.job(job(r))));
    route.accept(Endpoints.GET_RUN, r -> new ApiHandler.Reply(200, renderer.run(run(r))));
    route.accept(Endpoints.LIST_RUNS, this::listRuns);
    route.accept(Endpoints.LIST_RUN_JOBS, this::listRunJobs);
    route.accept(Endpoints.CANCEL_RUN, r -> cancelRun(r, false));
    route.accept(Endpoints.FORCE_CANCEL_RUN, r -> cancelRun(r, true));
  }

  /**
   * The repository's runs, newest first; {@code status} matches a run's status or conclusion, as
   * GitHub's filter does.
   */
  private ApiHandler.Reply listRuns(ApiHandler.Request request) {
    String status = request.query().get("status");
    List<EmulatorState.Run> all = new ArrayList<>(state.runsOf(request.repo()).stream()
        .filter(r -> status == null || status.equals(r.status) || status.equals(r.conclusion))
        .toList());
    Collections.reverse(all);
    int perPage = ApiHandler.clamp(request.query().get("per_page"), 30, 1, 100);
    int page = ApiHandler.clamp(request.query().get("page"), 1, 1, Integer.MAX_VALUE);
    ObjectNode out = mapper.createObjectNode();
    out.put("total_count", all.size());
    ArrayNode runs = out.putArray("workflow_runs");
    all.stream().skip((long) (page - 1) * perPage).limit(perPage).forEach(r -> runs.add(renderer.run(r)));
    return new ApiHandler.Reply(200, out, api.link(request, page, perPage, all.size(), "/actions/runs"));
  }

  private ApiHandler.Reply listRunJobs(ApiHandler.Request request) {
    EmulatorState.Run run = run(request);
    List<EmulatorState.Job> all = state.jobsOf(run);
    int perPage = ApiHandler.clamp(request.query().get("per_page"), 30, 1, 100);
    int page = ApiHandler.clamp(request.query().get("page"), 1, 1, Integer.MAX_VALUE);
    ObjectNode out = mapper.createObjectNode();
    out.put("total_count", all.size());
    ArrayNode jobs = out.putArray("jobs");
    all.stream().skip((long) (page - 1) * perPage).limit(perPage).forEach(j -> jobs.add(renderer.job(j)));
    return new ApiHandler.Reply(
        200, out, api.link(request, page, perPage, all.size(), "/actions/runs/" + run.id + "/jobs"));
  }

  /**
   * Cancel, or force-cancel: 409 for a completed run, else 202. A run that ignores cancel (see
   * {@link GitHubEmulator#ignoreCancel}) is accepted but goes on until it is force-cancelled.
   */
  private ApiHandler.Reply cancelRun(ApiHandler.Request request, boolean force) {
    List<EmulatorState.Job> cancelled = new ArrayList<>();
    synchronized (state) {
      EmulatorState.Run run = run(request);
      if ("completed".equals(run.status)) {
        throw new ApiError(409, "Cannot cancel a workflow run that is completed.",
            RUNS_DOCS + (force ? "#force-cancel-a-workflow-run" : "#cancel-a-workflow-run"));
      }
      if (run.ignoresCancel && !force) {
        return new ApiHandler.Reply(202, mapper.createObjectNode());
      }
      for (EmulatorState.Job job : state.jobsOf(run)) {
        if (!"completed".equals(job.status)) {
          state.complete(job, "cancelled");
          cancelled.add(job);
        }
      }
      run.status = "completed";
      run.conclusion = "cancelled";
      cancelled.forEach(job -> jobEvents.accept(job, "completed"));
    }
    return new ApiHandler.Reply(202, mapper.createObjectNode());
  }

  private EmulatorState.Job job(ApiHandler.Request request) {
    return state.job(request.repo(), request.longParam("job_id")).orElseThrow(ApiError::notFound);
  }

  private EmulatorState.Run run(ApiHandler.Request request) {
    return state.run(request.repo(), request.longParam("run_id")).orElseThrow(ApiError::notFound);
  }
}
