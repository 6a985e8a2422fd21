package dev.hangar.emulator;

import io.jsonwebtoken.Claims;
import io.jsonwebtoken.ExpiredJwtException;
import io.jsonwebtoken.Jws;
import io.jsonwebtoken.JwtException;
import io.jsonwebtoken.Jwts;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * GitHub App authentication as GitHub does it: an RS256 JWT signed with the App's key, {@code iss}
 * the App id, {@code exp} at most 10 minutes ahead, answered with GitHub's 401 messages; and
 * installation tokens ({@code ghs_…}) that expire after an hour.
 */
final class AppAuth {

  static final Duration MAX_JWT_LIFETIME = Duration.ofMinutes(10);
  static final Duration TOKEN_LIFETIME = Duration.ofHours(1);
  /** How far in the future {@code iat} may be (clock drift), as GitHub tolerates. */
  private static final Duration IAT_DRIFT = Duration.ofSeconds(60);
  private static final String DOCS = "https://docs.github.com/rest";
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String ALPHANUMERIC =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

  /** An installation token handed out. */
  record IssuedToken(String token, GitHubApp.Installation installation, Instant expiresAt) {}

  private final GitHubApp app;
  private final Clock clock;
  private final Map<String, IssuedToken> tokens = new ConcurrentHashMap<>();
  private volatile Duration tokenLifetime = TOKEN_LIFETIME;

  AppAuth(GitHubApp app, Clock clock) {
    this.app = app;
    this.clock = clock;
  }

  Clock clock() {
    return clock;
  }

  /** Revokes every installation token handed out (GitHub: {@code DELETE /installation/token}). */
  void revokeAll() {
    tokens.clear();
  }

  void tokenLifetime(Duration lifetime) {
    tokenLifetime = lifetime;
  }

  /** Whether a credential looks like a JWT (three dot-separated parts) rather than a token. */
  static boolean looksLikeJwt(String credential) {
    return credential.chars().filter(c -> c == '.').count() == 2;
  }

  /** Verifies an App JWT; throws GitHub's 401 when it is not acceptable. */
  GitHubApp verify(String jwt) {
    if (app == null) {
      throw unauthorized("A JSON web token could not be decoded");
    }
    Instant now = clock.instant();
    Jws<Claims> jws;
    try {
      jws = Jwts.parser()
          .verifyWith(app.publicKey())
          .clock(() -> Date.from(clock.instant()))
          .build()
          .parseSignedClaims(jwt);
    } catch (ExpiredJwtException e) {
      throw unauthorized(
          "'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires");
    } catch (JwtException | IllegalArgumentException e) {
      throw unauthorized("A JSON web token could not be decoded");
    }
    if (!"RS256".equals(jws.getHeader().getAlgorithm())) {
      throw unauthorized("A JSON web token could not be decoded");
    }
    Claims claims = jws.getPayload();
    Date iat = claims.getIssuedAt();
    Date exp = claims.getExpiration();
    if (iat == null || iat.toInstant().isAfter(now.plus(IAT_DRIFT))) {
      throw unauthorized(
          "'Issued at' claim ('iat') must be an Integer representing the time that the assertion was issued");
    }
    if (exp == null) {
      throw unauthorized(
          "'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires");
    }
    if (exp.toInstant().isAfter(iat.toInstant().plus(MAX_JWT_LIFETIME))
        || exp.toInstant().isAfter(now.plus(MAX_JWT_LIFETIME))) {
      throw unauthorized("'Expiration time' claim ('exp') is too far in the future");
    }
    String issuer = claims.getIssuer();
    if (!String.valueOf(app.appId()).equals(issuer)) {
      throw unauthorized("Integration not found");
    }
    return app;
  }

  /** The installation an unexpired installation token belongs to. */
  Optional<GitHubApp.Installation> installationOf(String token) {
    IssuedToken issued = tokens.get(token);
    if (issued == null || !clock.instant().isBefore(issued.expiresAt())) {
      return Optional.empty();
    }
    return Optional.of(issued.installation());
  }

  Optional<GitHubApp.Installation> installation(long id) {
    return app == null ? Optional.empty()
        : app.installations().stream().filter(i -> i.id() == id).findFirst();
  }

  Optional<GitHubApp.Installation> installationFor(String fullName) {
    return app == null ? Optional.empty()
        : app.installations().stream().filter(i -> i.covers(fullName)).findFirst();
  }

  Optional<GitHubApp.Installation> installationOn(String account) {
    return app == null ? Optional.empty()
        : app.installations().stream().filter(i -> i.account().equalsIgnoreCase(account)).findFirst();
  }

  IssuedToken issue(GitHubApp.Installation installation) {
    StringBuilder token = new StringBuilder("ghs_");
    for (int i = 0; i < 36; i++) {
      token.append(ALPHANUMERIC.charAt(RANDOM.nextInt(ALPHANUMERIC.length())));
    }
    IssuedToken issued = new IssuedToken(token.toString(), installation, clock.instant().plus(tokenLifetime));
    tokens.put(issued.token(), issued);
    return issued;
  }

  private static ApiError unauthorized(String message) {
    return new ApiError(401, message, DOCS);
  }
}
