package dev.hangar.workflows.reconcile;

/**
 * The result of one pass, as the Web UI shows it.
 *
 * @param activeOnGitHub queued and in-progress jobs of Hangar's pools GitHub listed
 * @param openWorkflows open job workflows
 * @param missing jobs with no open workflow (their webhooks were lost), handed over: their
 *     workflows were started, unless {@code closed} counts them
 * @param behind open workflows told that their job started or completed
 * @param closed repairs dropped because the job's workflow had already finished
 * @param calls GitHub API calls the pass made
 * @param capReached whether the pass stopped at its call cap (or the rate-limit reserve) before it
 *     had looked at everything
 */
public record ReconcileReport(
    int activeOnGitHub, int openWorkflows, int missing, int behind, int closed, int calls, boolean capReached) {}
