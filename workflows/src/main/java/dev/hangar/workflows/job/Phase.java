package dev.hangar.workflows.job;

/** Where a job is in its life, as the status query and the Web UI show it. */
public enum Phase {
  /** Choosing a pool and template from the labels. */
  ROUTING,
  /** Waiting on a placement queue for a host with room. */
  WAITING_FOR_HOST,
  /** Pulling the template, cloning and starting the VM. */
  PREPARING_VM,
  /** Registering the JIT runner and starting it in the VM. */
  REGISTERING_RUNNER,
  /** The runner is up; waiting for GitHub to start the job. */
  AWAITING_START,
  /** GitHub started the job. */
  RUNNING,
  /** Tearing down VMs and runners. */
  CLEANING_UP,
  /** Nothing more to do. */
  DONE
}
