package dev.hangar.workflows.job;

import static dev.hangar.workflows.job.JobHarness.completed;
import static dev.hangar.workflows.job.JobHarness.inProgress;
import static dev.hangar.workflows.job.JobHarness.job;
import static org.assertj.core.api.Assertions.assertThat;

import dev.hangar.workflows.host.VmInfo;
import dev.hangar.workflows.template.TemplateRef;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A host activity task the host takes but never answers nor heartbeats, as when an overloaded
 * Temporal server records a task as started that the host never received: the call is retried
 * after the host timeout (the heartbeat timeout), not after its start-to-close timeout, on
 * Temporal's time-skipping test server.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class HostTaskLostTest {

  /**
   * Short and real: a running activity stops the test server's clock from skipping, so the
   * heartbeat timeout (the host timeout) passes in real time.
   */
  static final Duration HOST_TIMEOUT = Duration.ofSeconds(1);

  private final FakeHost mac1 = new FakeHost("mac-1");
  private final LosingHost lossy = new LosingHost("mac-lossy");
  private JobHarness h;

  @AfterEach
  void close() {
    lossy.release.countDown();
    if (h != null) {
      h.close();
    }
  }

  @Test
  void aLostStartVmIsRetriedOnTheSameHostAfterTheHostTimeout() {
    lossy.lostStarts.set(1);
    h = new JobHarness(lossy);
    h.policy = JobHarness.policy(null, null, null, HOST_TIMEOUT);
    h.start(job(1));

    // one host timeout and the retry's 1 s backoff, against 15 minutes before
    JobStatus up = h.awaitRunnerUp(1, 1);
    assertThat(up.host()).isEqualTo("mac-lossy");
    assertThat(lossy.startCalls.get()).isEqualTo(2);

    h.deliver(job(1), inProgress(1, "hangar-1-1"));
    h.deliver(job(1), completed(1, "hangar-1-1", "success"));
    assertThat(h.result(1).result()).isEqualTo(JobOutcome.Result.COMPLETED);
    assertThat(lossy.deleted).containsExactly("hangar-1-1");
  }

  @Test
  void aHostThatLosesEveryStartVmLosesTheAttemptAfterThreeHostTimeouts() {
    lossy.lostStarts.set(Integer.MAX_VALUE);
    h = new JobHarness(mac1, lossy);
    h.placement.nextHosts.add("mac-lossy");
    h.policy = JobHarness.policy(null, null, null, HOST_TIMEOUT);
    long started = System.nanoTime();
    h.start(job(2));

    // three tries of a host timeout each, 1 s and 2 s of backoff between, then the next VM
    // elsewhere: about 6 s, against three times 15 minutes before
    JobStatus second = h.awaitRunnerUp(2, 2);
    Duration took = Duration.ofNanos(System.nanoTime() - started);
    assertThat(second.host()).isEqualTo("mac-1");
    assertThat(second.vms().get(0).detail()).contains("mac-lossy");
    assertThat(lossy.startCalls.get()).isEqualTo(3);
    assertThat(took).isLessThan(Duration.ofSeconds(15));

    h.deliver(job(2), inProgress(2, "hangar-2-2"));
    h.deliver(job(2), completed(2, "hangar-2-2", "success"));
    assertThat(h.result(2).result()).isEqualTo(JobOutcome.Result.COMPLETED);
    assertThat(lossy.created).isEmpty();
  }

  /** A {@link FakeHost} whose StartVm tasks, while {@link #lostStarts} lasts, never answer. */
  static final class LosingHost extends FakeHost {

    final AtomicInteger lostStarts = new AtomicInteger();
    final AtomicInteger startCalls = new AtomicInteger();
    final CountDownLatch release = new CountDownLatch(1);

    LosingHost(String hostId) {
      super(hostId);
    }

    @Override
    public VmInfo startVm(String vmName, TemplateRef template) {
      startCalls.incrementAndGet();
      if (lostStarts.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
        try {
          release.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        throw new IllegalStateException("a lost task's answer is never delivered");
      }
      return super.startVm(vmName, template);
    }
  }
}
