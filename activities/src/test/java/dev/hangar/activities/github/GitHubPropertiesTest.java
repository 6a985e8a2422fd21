package dev.hangar.activities.github;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class GitHubPropertiesTest {

  @Test
  void defaultsToGitHubComAndHidesTheToken() {
    GitHubProperties p = GitHubProperties.withToken("ghp_secret");
    assertThat(p.apiUrl()).isEqualTo("https://api.github.com");
    assertThat(p.runnerGroupId()).isEqualTo(1L);
    assertThat(p.requestTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(p.toString()).doesNotContain("ghp_secret");
    assertThat(p.withApiUrl("https://ghe.example.com/api/v3/").apiUrl())
        .isEqualTo("https://ghe.example.com/api/v3");
  }
}
