package dev.hangar.host;

import dev.hangar.activities.host.VmDriver;
import dev.hangar.activities.host.hooks.HookFiles;
import dev.hangar.workflows.template.TemplateRef;
import java.io.IOException;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The host activities' driver, telling {@link HostVmEvents} what each call did: pulls, VMs being
 * prepared, runners up, failures, and, just before a VM is deleted, how its runner ended. Does
 * nothing else; every call goes to the real driver unchanged.
 */
final class ObservedVmDriver implements VmDriver {

  private static final Logger log = LoggerFactory.getLogger(ObservedVmDriver.class);

  private final VmDriver driver;
  private final HostVmEvents events;

  ObservedVmDriver(VmDriver driver, HostVmEvents events) {
    this.driver = driver;
    this.events = events;
  }

  @Override
  public boolean templatePresent(TemplateRef template) throws IOException {
    return driver.templatePresent(template);
  }

  @Override
  public boolean ensureTemplate(TemplateRef template, Runnable progress) throws IOException {
    events.pullStarted(template.id());
    boolean found = false;
    try {
      found = driver.ensureTemplate(template, progress);
      return found;
    } finally {
      events.pullEnded(template.id(), found);
    }
  }

  @Override
  public Vm cloneAndStart(String vmName, TemplateRef template) throws IOException {
    events.preparing(vmName, template.id());
    try {
      return driver.cloneAndStart(vmName, template);
    } catch (IOException | RuntimeException e) {
      events.failed(vmName);
      throw e;
    }
  }

  /** Hands the hooks on: a wrapper that dropped them would start runners outside the pool's trust. */
  @Override
  public void startRunner(String vmName, String jitConfig, HookFiles hooks) throws IOException {
    try {
      driver.startRunner(vmName, jitConfig, hooks);
      events.runnerUp(vmName);
    } catch (IOException | RuntimeException e) {
      events.failed(vmName);
      throw e;
    }
  }

  @Override
  public RunnerState runnerState(String vmName) throws IOException {
    return driver.runnerState(vmName);
  }

  /** Looks at the runner first (VMs this process started only), then deletes. */
  @Override
  public void delete(String vmName) throws IOException {
    RunnerState runner = null;
    boolean known = events.knows(vmName);
    if (known) {
      try {
        runner = driver.runnerState(vmName);
      } catch (IOException e) {
        log.debug("cannot tell how the runner of {} ended; its VM life is not counted", vmName, e);
      }
    }
    driver.delete(vmName);
    if (known) {
      events.deleted(vmName, runner);
    }
  }

  @Override
  public List<String> list() throws IOException {
    return driver.list();
  }

  @Override
  public List<TemplateInfo> templates() throws IOException {
    return driver.templates();
  }

  @Override
  public void deleteTemplate(String id, String tag) throws IOException {
    driver.deleteTemplate(id, tag);
  }
}
