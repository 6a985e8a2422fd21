package dev.hangar.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.hangar.activities.host.CapacityLedger;
import dev.hangar.activities.host.PlacementPolling;
import dev.hangar.activities.host.VmDriver;
import dev.hangar.activities.host.hooks.HookFiles;
import dev.hangar.workflows.template.Resources;
import dev.hangar.workflows.template.TemplateRef;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The SIGTERM path of a drain: {@link HostDrain#stop()} waits for the VMs, up to the timeout. */
class HostDrainTest {

  static final Resources SMALL = new Resources(2, 4096, 10);

  final List<String> vms = new CopyOnWriteArrayList<>();
  final CapacityLedger ledger = new CapacityLedger(
      new CapacityLedger.Limits(2, 8, 16384, false, Duration.ofMinutes(10)), Clock.systemUTC());
  final AtomicBoolean polled = new AtomicBoolean(true);
  final PlacementPolling polling = new PlacementPolling(ledger,
      List.of(new PlacementPolling.Queue("c2-m4096", SMALL, on -> {
        polled.set(on);
        return true;
      })));
  final AtomicInteger exits = new AtomicInteger();

  HostDrain drain(Duration timeout) {
    HostDrain d = new HostDrain(ledger, polling, new ListingOnly(), timeout, exits::incrementAndGet, Clock.systemUTC());
    d.start();
    return d;
  }

  @Test
  void stopWaitsUntilTheLastVmIsDeletedAndNeverDeletesOne() throws Exception {
    vms.add("hangar-1-1");
    ledger.markStarted("hangar-1-1", SMALL);
    HostDrain drain = drain(Duration.ofMinutes(1));

    CompletableFuture<Void> stopped = CompletableFuture.runAsync(drain::stop);
    await().atMost(Duration.ofSeconds(5)).until(() -> drain.state() == HostDrain.State.DRAINING);
    assertThat(polled).isFalse();
    assertThat(ledger.reserve("hangar-2-1", SMALL)).isFalse(); // no new work
    assertThat(ledger.reserve("hangar-1-1", SMALL)).isTrue(); // a retried claim of a VM it holds
    Thread.sleep(1500);
    assertThat(stopped).isNotDone();
    assertThat(vms).containsExactly("hangar-1-1");

    vms.remove("hangar-1-1"); // its workflow deletes it
    ledger.release("hangar-1-1");
    stopped.get(10, TimeUnit.SECONDS);
    assertThat(drain.state()).isEqualTo(HostDrain.State.DRAINED);
    assertThat(exits).hasValue(0); // the context is closing already
  }

  @Test
  void stopGivesUpAfterTheDrainTimeout() throws Exception {
    vms.add("hangar-1-1");
    HostDrain drain = drain(Duration.ofMillis(300));
    CompletableFuture.runAsync(drain::stop).get(10, TimeUnit.SECONDS);
    assertThat(vms).containsExactly("hangar-1-1");
  }

  @Test
  void drainWithExitExitsOnceEmptyAndStatusSaysSo() throws Exception {
    vms.add("hangar-1-1");
    HostDrain drain = drain(Duration.ofMinutes(1));
    assertThat(drain.state()).isEqualTo(HostDrain.State.ACCEPTING);
    assertThat(drain.drainingGauge()).isZero();

    drain.drain(true);
    Map<String, Object> status = drain.status();
    assertThat(status).containsEntry("state", "DRAINING").containsEntry("exitWhenDrained", true)
        .containsEntry("vms", List.of("hangar-1-1"));
    assertThat(drain.drainingGauge()).isEqualTo(1.0);
    Thread.sleep(1200);
    assertThat(exits).hasValue(0);

    vms.clear();
    await().atMost(Duration.ofSeconds(5)).until(() -> exits.get() == 1);
    assertThat(drain.state()).isEqualTo(HostDrain.State.DRAINED);
    drain.stop();
  }

  /** A driver that only lists the test's VMs. */
  final class ListingOnly implements VmDriver {
    @Override
    public boolean templatePresent(TemplateRef template) {
      throw new UnsupportedOperationException();
    }

    @Override
    public boolean ensureTemplate(TemplateRef template, Runnable progress) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Vm cloneAndStart(String vmName, TemplateRef template) {
      throw new UnsupportedOperationException();
    }

    @Override
    public void startRunner(String vmName, String jitConfig, HookFiles hooks) {
      throw new UnsupportedOperationException();
    }

    @Override
    public RunnerState runnerState(String vmName) {
      throw new UnsupportedOperationException();
    }

    @Override
    public void delete(String vmName) {
      throw new AssertionError("a drain never deletes a VM: " + vmName);
    }

    @Override
    public List<String> list() {
      return List.copyOf(vms);
    }
  }
}
