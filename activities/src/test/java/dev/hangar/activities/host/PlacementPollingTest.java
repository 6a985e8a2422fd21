package dev.hangar.activities.host;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hangar.testfixtures.MutableClock;
import dev.hangar.workflows.template.Resources;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PlacementPollingTest {

  static final Resources SMALL = new Resources(4, 8192, 50);
  static final Resources LARGE = new Resources(8, 16384, 50);

  /** Records what it was told; refuses while "not started". */
  static final class FakeSwitch implements PollingSwitch {
    final List<Boolean> calls = new ArrayList<>();
    boolean started = true;
    Boolean state;

    @Override
    public boolean poll(boolean on) {
      if (!started) {
        return false;
      }
      calls.add(on);
      state = on;
      return true;
    }
  }

  final MutableClock clock = new MutableClock();
  final CapacityLedger ledger =
      new CapacityLedger(new CapacityLedger.Limits(2, 12, 32768, false, Duration.ofMinutes(10)), clock);
  final FakeSwitch small = new FakeSwitch();
  final FakeSwitch large = new FakeSwitch();
  final PlacementPolling polling = new PlacementPolling(ledger, List.of(
      new PlacementPolling.Queue(SMALL.sizeClass(), SMALL, small),
      new PlacementPolling.Queue(LARGE.sizeClass(), LARGE, large)));

  @Test
  void pollsEachClassExactlyWhileThereIsRoomForIt() {
    polling.capacityChanged();
    assertThat(small.state).isTrue();
    assertThat(large.state).isTrue();

    ledger.reserve("a", LARGE); // 8 of 12 cores
    polling.capacityChanged();
    assertThat(small.state).isTrue();
    assertThat(large.state).isFalse();

    ledger.reserve("b", SMALL); // 2 VMs: full
    polling.capacityChanged();
    assertThat(small.state).isFalse();
    assertThat(polling.polling()).containsEntry(SMALL.sizeClass(), false).containsEntry(LARGE.sizeClass(), false);

    ledger.release("a");
    polling.capacityChanged();
    assertThat(small.state).isTrue();
    assertThat(large.state).isTrue(); // 4 + 8 cores: exactly the host's 12
  }

  @Test
  void onlyTellsAWorkerWhenItsStateChanges() {
    polling.capacityChanged();
    polling.capacityChanged();
    polling.capacityChanged();
    assertThat(small.calls).containsExactly(true);
  }

  @Test
  void retriesASettingTheWorkerCouldNotTakeYet() {
    small.started = false;
    polling.capacityChanged();
    assertThat(small.calls).isEmpty();
    small.started = true;
    polling.capacityChanged();
    assertThat(small.calls).containsExactly(true);
  }

  @Test
  void resumesWhenAnAbandonedReservationExpires() {
    ledger.reserve("a", SMALL);
    ledger.reserve("b", SMALL);
    polling.capacityChanged();
    assertThat(small.state).isFalse();
    clock.advance(Duration.ofMinutes(11));
    polling.capacityChanged();
    assertThat(small.state).isTrue();
    assertThat(ledger.reservedCount()).isZero();
  }
}
