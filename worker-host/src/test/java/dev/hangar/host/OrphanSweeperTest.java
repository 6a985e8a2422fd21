package dev.hangar.host;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hangar.activities.host.CapacityLedger;
import dev.hangar.activities.host.SimulatedVmDriver;
import dev.hangar.workflows.template.Resources;
import dev.hangar.workflows.template.TemplateRef;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OrphanSweeperTest {

  static final Resources SMALL = new Resources(2, 4096, 1);
  static final Resources LARGE = new Resources(8, 16384, 1);
  static final TemplateRef TEMPLATE = new TemplateRef("t", null, SMALL);

  @TempDir Path root;
  SimulatedVmDriver driver;

  @AfterEach
  void tearDown() throws Exception {
    for (String vm : driver.list()) {
      driver.delete(vm);
    }
  }

  @Test
  void deletesVmsOfClosedWorkflowsAndAdoptsVmsOfRunningOnes() throws Exception {
    driver = new SimulatedVmDriver(root, Duration.ZERO, id -> true);
    driver.ensureTemplate(TEMPLATE, () -> {});
    for (String vm : new String[] {"hangar-1-1", "hangar-2-1", "hangar-3-1", "hangar-4-1", "not-ours"}) {
      driver.cloneAndStart(vm, TEMPLATE);
    }
    CapacityLedger ledger = new CapacityLedger(
        new CapacityLedger.Limits(2, 64, 1 << 20, false, Duration.ofMinutes(10)), Clock.systemUTC());
    ledger.markStarted("hangar-1-1", SMALL);
    ledger.markStarted("hangar-2-1", SMALL);
    Map<String, OrphanSweeper.Owner> owners = Map.of(
        "hangar-job-1", OrphanSweeper.Owner.RUNNING,
        "hangar-job-2", OrphanSweeper.Owner.CLOSED_OR_UNKNOWN,
        "hangar-job-3", OrphanSweeper.Owner.UNREACHABLE,
        "hangar-job-4", OrphanSweeper.Owner.RUNNING);
    AtomicInteger changes = new AtomicInteger();
    OrphanSweeper sweeper = new OrphanSweeper(driver, ledger, changes::incrementAndGet, owners::get, LARGE);

    assertThat(sweeper.sweep()).containsExactly("hangar-2-1");
    assertThat(driver.list()).containsExactly("hangar-1-1", "hangar-3-1", "hangar-4-1", "not-ours");
    assertThat(ledger.find("hangar-2-1")).isEmpty();
    assertThat(ledger.find("hangar-4-1")).get().satisfies(r -> {
      assertThat(r.started()).isTrue();
      assertThat(r.resources()).isEqualTo(LARGE);
    });
    assertThat(ledger.find("hangar-3-1")).isEmpty();
    assertThat(changes.get()).isEqualTo(1);

    assertThat(sweeper.sweep()).isEmpty();
    assertThat(changes.get()).isEqualTo(1);
  }
}
