package dev.hangar.activities.host.anka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hangar.activities.host.GuestCommands;
import dev.hangar.activities.host.VmDriver.RunnerState;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Reading what {@code anka -j} prints. */
class AnkaReplyTest {

  @Test
  void theLastJsonLineIsTheReply() {
    AnkaReply r = new AnkaCli.Output(0, List.of(
        "{\"status\":\"OK\",\"code\":0,\"body\":{\"downloaded\":1},\"message\":\"pulling\"}",
        "some progress text",
        "{\"status\":\"OK\",\"code\":0,\"body\":{},\"message\":\"macos-15: pulled\"}")).reply();
    assertThat(r.ok()).isTrue();
    assertThat(r.message()).isEqualTo("macos-15: pulled");
  }

  @Test
  void aLineCutShortIsSkippedAndANonZeroExitIsNeverOk() {
    AnkaReply r = new AnkaCli.Output(137, List.of(
        "{\"status\":\"OK\",\"code\":0,\"body\":{\"downloaded\":1},\"message\":\"pulling\"}",
        "{\"status\":\"OK\",\"co")).reply();
    assertThat(r.status()).isEqualTo("OK");
    assertThat(r.ok()).isFalse(); // killed mid-pull: the last complete progress line is not a success
  }

  @Test
  void noJsonAtAllIsNeitherOkNorNotFound() {
    AnkaReply r = new AnkaCli.Output(1, List.of("anka: command not found")).reply();
    assertThat(r.ok()).isFalse();
    assertThat(r.notFound()).isFalse();
    assertThat(r.describe()).contains("anka: command not found");
  }

  @Test
  void codesAndTextsAreToldApart() {
    AnkaReply notFound = new AnkaReply("ERROR", 3, null, "hangar-1-1: not found", 1);
    AnkaReply exists = new AnkaReply("ERROR", 18, null, "hangar-1-1: already exists", 1);
    AnkaReply limit = new AnkaReply("ERROR", 1, null,
        "Error Domain=VZErrorDomain Code=6 \"The number of virtual machines exceeds the limit.\"", 1);
    AnkaReply other = new AnkaReply("ERROR", 1, null, "failed to start: disk full", 1);
    assertThat(notFound.notFound()).isTrue();
    assertThat(exists.alreadyExists()).isTrue();
    assertThat(limit.vmLimitExceeded()).isTrue();
    assertThat(other.vmLimitExceeded() || other.notFound() || other.alreadyExists()).isFalse();
    assertThat(new AnkaReply("OK", 0, null, "already exists", 0).alreadyExists()).isFalse();
  }

  @Test
  void theRunnerStateIsFoundInPlainOrWrappedOutput() {
    assertThat(GuestCommands.parseState(List.of("motd", "hangar-runner-state=RUNNING"))).contains(RunnerState.RUNNING);
    assertThat(GuestCommands.parseState(List.of(
        "{\"status\":\"OK\",\"body\":\"hangar-runner-state=EXITED_OK\\n\"}"))).contains(RunnerState.EXITED_OK);
    assertThat(GuestCommands.parseState(List.of("hangar-runner-state=NO_VM"))).isEmpty();
    assertThat(GuestCommands.parseState(List.of("hangar-runner-state=BOGUS"))).isEmpty();
    assertThat(GuestCommands.parseState(List.of())).isEmpty();
  }
}
