package dev.hangar.workflows.github;

/**
 * A registered runner.
 *
 * @param runner where to find the runner again, to remove it
 * @param jitConfig its single-use configuration, sealed
 */
public record RunnerRegistration(RunnerRef runner, SealedSecret jitConfig) {}
