package dev.hangar.activities.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hangar.testfixtures.MutableClock;
import dev.hangar.workflows.template.Resources;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class CapacityLedgerTest {

  static final Resources SMALL = new Resources(4, 8192, 50);
  static final Resources LARGE = new Resources(8, 16384, 50);

  final MutableClock clock = new MutableClock();

  CapacityLedger ledger(int maxVms, int cores, long memoryMb, boolean skip) {
    return new CapacityLedger(new CapacityLedger.Limits(maxVms, cores, memoryMb, skip, Duration.ofMinutes(10)), clock);
  }

  @Test
  void limitsTheNumberOfVms() {
    CapacityLedger ledger = ledger(2, 64, 1 << 20, false);
    assertThat(ledger.reserve("a", SMALL)).isTrue();
    assertThat(ledger.reserve("b", SMALL)).isTrue();
    assertThat(ledger.hasRoom(SMALL)).isFalse();
    assertThat(ledger.reserve("c", SMALL)).isFalse();
    assertThat(ledger.reservedCount()).isEqualTo(2);
    assertThat(ledger.release("a")).isTrue();
    assertThat(ledger.release("a")).isFalse();
    assertThat(ledger.reserve("c", SMALL)).isTrue();
  }

  @Test
  void limitsCoresAndMemoryUnlessSkipped() {
    CapacityLedger ledger = ledger(5, 12, 32768, false);
    assertThat(ledger.reserve("a", LARGE)).isTrue();
    assertThat(ledger.hasRoom(SMALL)).isTrue(); // 12 cores, 24 GiB
    assertThat(ledger.hasRoom(LARGE)).isFalse(); // 16 cores
    assertThat(ledger.reserve("b", SMALL)).isTrue();
    assertThat(ledger.hasRoom(new Resources(1, 1024, 0))).isFalse(); // 13 cores

    CapacityLedger memory = ledger(5, 64, 20000, false);
    assertThat(memory.reserve("a", LARGE)).isTrue();
    assertThat(memory.hasRoom(SMALL)).isFalse(); // 24 GiB > 20000 MiB

    CapacityLedger skipped = ledger(3, 1, 1, true);
    assertThat(skipped.fitsEver(LARGE)).isTrue();
    assertThat(skipped.reserve("a", LARGE)).isTrue();
    assertThat(skipped.reserve("b", LARGE)).isTrue();
    assertThat(skipped.reserve("c", LARGE)).isTrue();
    assertThat(skipped.reserve("d", SMALL)).isFalse(); // the VM count still holds
  }

  @Test
  void countsHowManyMoreVmsFitSideBySide() {
    CapacityLedger ledger = ledger(5, 16, 40960, false);
    assertThat(ledger.roomEver(SMALL)).isEqualTo(4); // 16 cores / 4
    assertThat(ledger.roomEver(LARGE)).isEqualTo(2); // 16 cores / 8, 40 GiB / 16 GiB
    assertThat(ledger.roomFor(SMALL)).isEqualTo(4);
    assertThat(ledger.reserve("a", LARGE)).isTrue();
    assertThat(ledger.roomFor(SMALL)).isEqualTo(2);
    assertThat(ledger.roomFor(LARGE)).isEqualTo(1);
    assertThat(ledger.reserve("b", SMALL)).isTrue();
    assertThat(ledger.roomFor(SMALL)).isEqualTo(1);
    assertThat(ledger.roomFor(LARGE)).isZero();

    CapacityLedger byCount = ledger(3, 1, 1, true);
    assertThat(byCount.roomEver(LARGE)).isEqualTo(3);
    byCount.reserve("a", LARGE);
    assertThat(byCount.roomFor(SMALL)).isEqualTo(2);
    byCount.startDraining();
    assertThat(byCount.roomFor(SMALL)).isZero();
  }

  @Test
  void knowsWhatCanNeverFit() {
    CapacityLedger ledger = ledger(2, 8, 16384, false);
    assertThat(ledger.fitsEver(LARGE)).isTrue();
    assertThat(ledger.fitsEver(new Resources(10, 1024, 0))).isFalse();
    assertThat(ledger.fitsEver(new Resources(2, 32768, 0))).isFalse();
  }

  @Test
  void reservingTwiceForOneVmIsOneReservation() {
    CapacityLedger ledger = ledger(2, 64, 1 << 20, false);
    assertThat(ledger.reserve("a", SMALL)).isTrue();
    assertThat(ledger.reserve("b", SMALL)).isTrue();
    assertThat(ledger.reserve("a", SMALL)).isTrue(); // a retried claim, although the host is full
    assertThat(ledger.reservedCount()).isEqualTo(2);
  }

  @Test
  void releasesReservationsWhoseVmNeverStartedWithinTheTtl() {
    CapacityLedger ledger = ledger(2, 64, 1 << 20, false);
    ledger.reserve("started", SMALL);
    ledger.reserve("abandoned", SMALL);
    clock.advance(Duration.ofMinutes(5));
    ledger.markStarted("started", SMALL);
    assertThat(ledger.hasRoom(SMALL)).isFalse();
    clock.advance(Duration.ofMinutes(4));
    assertThat(ledger.expire()).isEmpty();
    clock.advance(Duration.ofMinutes(1));
    assertThat(ledger.hasRoom(SMALL)).isTrue();
    assertThat(ledger.find("abandoned")).isEmpty();
    assertThat(ledger.find("started")).get().satisfies(r -> assertThat(r.started()).isTrue());
    clock.advance(Duration.ofHours(10));
    assertThat(ledger.expire()).isEmpty(); // a started VM's reservation lasts until deleted
    assertThat(ledger.startedCount()).isEqualTo(1);
  }

  @Test
  void aStartedVmWithoutReservationIsCountedAnyway() {
    CapacityLedger ledger = ledger(1, 64, 1 << 20, false);
    ledger.reserve("a", SMALL);
    ledger.markStarted("b", SMALL); // this host restarted and lost its ledger
    assertThat(ledger.reservedCount()).isEqualTo(2);
    assertThat(ledger.hasRoom(SMALL)).isFalse();
  }

  @Test
  void concurrentClaimsNeverOverbook() throws Exception {
    CapacityLedger ledger = ledger(2, 64, 1 << 20, false);
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<Boolean>> results = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        String name = "vm-" + i;
        results.add(pool.submit(() -> ledger.reserve(name, SMALL)));
      }
      int granted = 0;
      for (Future<Boolean> f : results) {
        granted += f.get() ? 1 : 0;
      }
      assertThat(granted).isEqualTo(2);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void refusesNonsenseLimits() {
    assertThatThrownBy(() -> new CapacityLedger.Limits(0, 1, 1, false, Duration.ofMinutes(1)))
        .hasMessageContaining("maxRunningVms");
    assertThatThrownBy(() -> new CapacityLedger.Limits(1, 1, 1, false, Duration.ZERO))
        .hasMessageContaining("reservationTtl");
  }
}
