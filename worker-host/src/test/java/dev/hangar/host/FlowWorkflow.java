package dev.hangar.host;

import dev.hangar.workflows.TaskQueues;
import dev.hangar.workflows.github.SealedSecret;
import dev.hangar.workflows.host.Claim;
import dev.hangar.workflows.host.ClaimRequest;
import dev.hangar.workflows.host.HostActivities;
import dev.hangar.workflows.host.PlacementActivities;
import dev.hangar.workflows.host.VmCheck;
import dev.hangar.workflows.template.TemplateRef;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.time.Duration;

/** A test workflow that drives one VM life through the host's real workers, as JobWorkflow will. */
@WorkflowInterface
public interface FlowWorkflow {

  String QUEUE = "it-flows";

  @WorkflowMethod
  String run(String vmName, TemplateRef template, SealedSecret jitConfig);

  /** The implementation. */
  class Impl implements FlowWorkflow {

    @Override
    public String run(String vmName, TemplateRef template, SealedSecret jitConfig) {
      PlacementActivities placement = Workflow.newActivityStub(PlacementActivities.class,
          ActivityOptions.newBuilder()
              .setTaskQueue(TaskQueues.placement(template.sizeClass()))
              .setStartToCloseTimeout(Duration.ofSeconds(10))
              .build());
      Claim claim = placement.claimHost(new ClaimRequest(Workflow.getInfo().getWorkflowId(), vmName, template));
      HostActivities host = Workflow.newActivityStub(HostActivities.class,
          ActivityOptions.newBuilder()
              .setTaskQueue(claim.taskQueue())
              .setStartToCloseTimeout(Duration.ofMinutes(2))
              .setHeartbeatTimeout(Duration.ofSeconds(10))
              .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(2).build())
              .build());
      host.ensureTemplate(template);
      host.startVm(vmName, template);
      host.startRunner(vmName, jitConfig, null);
      VmCheck check = host.checkVm(vmName);
      while (check.state().alive()) {
        Workflow.sleep(Duration.ofMillis(200));
        check = host.checkVm(vmName);
      }
      host.deleteVm(vmName);
      return claim.hostId() + ":" + check.state();
    }
  }
}
