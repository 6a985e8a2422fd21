package dev.hangar.workflows.reconcile;

/**
 * What handing events to job workflows did.
 *
 * @param handedOver events a job workflow received, starting it if none was open
 * @param closed events dropped because the job's workflow had already finished
 */
public record Delivered(int handedOver, int closed) {}
