package dev.hangar.activities.github;

import java.time.Instant;

/**
 * A runner registration token (for runners configured the classic way, not JIT).
 *
 * @param token the token: a credential, never printed
 * @param expiresAt when it expires
 */
public record RegistrationToken(String token, Instant expiresAt) {

  @Override
  public String toString() {
    return "RegistrationToken[token=***, expiresAt=" + expiresAt + "]";
  }
}
