package dev.hangar.workflows.job;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.temporal.api.common.v1.Payload;
import io.temporal.common.converter.DefaultDataConverter;
import io.temporal.common.converter.EncodingKeys;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * Signals and start arguments written by a newer gateway, with fields this version does not know,
 * still decode here: a rolling upgrade needs no order between gateways and workers.
 */
class JobPayloadCompatibilityTest {

  private static Payload json(String text) {
    return Payload.newBuilder()
        .putMetadata(EncodingKeys.METADATA_ENCODING_KEY, ByteString.copyFromUtf8("json/plain"))
        .setData(ByteString.copyFrom(text, StandardCharsets.UTF_8))
        .build();
  }

  @Test
  void anEventWithAFieldFromALaterVersionDecodes() {
    JobEvent event = DefaultDataConverter.STANDARD_INSTANCE.fromPayload(
        json("{\"action\":\"IN_PROGRESS\",\"jobId\":7,\"runnerName\":\"hangar-8-1\",\"hangarJob\":true,"
            + "\"somethingNew\":{\"a\":1}}"),
        JobEvent.class, JobEvent.class);

    assertThat(event.action()).isEqualTo(JobEvent.Action.IN_PROGRESS);
    assertThat(event.runnerName()).isEqualTo("hangar-8-1");
    assertThat(event.knownHangarJob()).isTrue();
  }

  @Test
  void aRequestWithAFieldFromALaterVersionDecodes() {
    JobRequest request = DefaultDataConverter.STANDARD_INSTANCE.fromPayload(
        json("{\"jobId\":7,\"runId\":70,\"runAttempt\":1,\"owner\":\"octo-org\",\"repo\":\"app\","
            + "\"labels\":[\"self-hosted\"],\"htmlUrl\":\"https://github.com/x\",\"priority\":3}"),
        JobRequest.class, JobRequest.class);

    assertThat(request.jobId()).isEqualTo(7);
    assertThat(request.labels()).containsExactly("self-hosted");
  }
}
