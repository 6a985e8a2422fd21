package dev.hangar.workflows.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class JobPolicyTest {

  @Test
  void theDefaultsAreTheDocumentedOnes() {
    JobPolicy p = JobPolicy.defaults();
    assertThat(p.maxAttempts()).isEqualTo(5);
    assertThat(p.registrationTimeout()).isEqualTo(Duration.ofSeconds(80));
    assertThat(p.maxJobDuration()).isEqualTo(Duration.ofHours(6));
    assertThat(p.maxPlacementWait()).isEqualTo(Duration.ofHours(24));
    assertThat(p.hostTimeout()).isEqualTo(Duration.ofSeconds(60));
    assertThat(p.vmCheckInterval()).isEqualTo(Duration.ofMinutes(5));
    assertThat(p.cancelRunOnManualCancel()).isTrue();
  }

  @Test
  void tooManyVmChecksPerJobAreRefused() {
    assertThatThrownBy(() -> new JobPolicy(5, Duration.ofSeconds(80), Duration.ofDays(5), Duration.ofHours(24),
            Duration.ofSeconds(60), Duration.ofMinutes(1), true))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("7200 times, at most 500");
  }

  @Test
  void aZeroAttemptLimitIsRefused() {
    assertThatThrownBy(() -> new JobPolicy(0, Duration.ofSeconds(80), Duration.ofHours(6), Duration.ofHours(24),
            Duration.ofSeconds(60), Duration.ofMinutes(5), true))
        .hasMessageContaining("maxAttempts must be at least 1");
  }
}
