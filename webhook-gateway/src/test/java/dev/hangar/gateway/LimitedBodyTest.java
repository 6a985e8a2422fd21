package dev.hangar.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class LimitedBodyTest {

  @Test
  void readsABodyUpToTheLimit() throws Exception {
    byte[] body = new byte[100];
    assertThat(LimitedBody.read(new ByteArrayInputStream(body), 100, 100)).hasSize(100);
    assertThat(LimitedBody.read(new ByteArrayInputStream(body), -1, 100)).hasSize(100);
  }

  @Test
  void refusesADeclaredLengthOverTheLimitWithoutReading() {
    AtomicLong read = new AtomicLong();
    InputStream in = endless(read);
    assertThatThrownBy(() -> LimitedBody.read(in, 101, 100)).isInstanceOf(LimitedBody.TooLargeException.class);
    assertThat(read).hasValue(0);
  }

  @Test
  void stopsReadingAnUndeclaredBodySoonAfterTheLimit() {
    AtomicLong read = new AtomicLong();
    assertThatThrownBy(() -> LimitedBody.read(endless(read), -1, 100_000))
        .isInstanceOf(LimitedBody.TooLargeException.class);
    assertThat(read.get()).isLessThanOrEqualTo(100_000 + 8192);
  }

  /** A stream that never ends and counts what was read from it. */
  private static InputStream endless(AtomicLong read) {
    return new InputStream() {
      @Override
      public int read() {
        read.incrementAndGet();
        return 'x';
      }

      @Override
      public int read(byte[] b, int off, int len) {
        read.addAndGet(len);
        return len;
      }
    };
  }
}
