package dev.hangar.workflows.host;

import dev.hangar.workflows.template.TemplateRef;

/**
 * A request for room for one VM.
 *
 * @param workflowId the job workflow that will own the VM
 * @param vmName the VM's name, derived from the workflow id and the VM ordinal
 * @param template the template the VM will be cloned from
 */
public record ClaimRequest(String workflowId, String vmName, TemplateRef template) {}
