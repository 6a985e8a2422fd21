package dev.hangar.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hangar.testfixtures.MutableClock;
import io.jsonwebtoken.Jwts;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** GitHub App JWTs and installation tokens, checked as GitHub checks them. */
class AppAuthTest {

  static final long APP_ID = 4242;
  static final KeyPair KEYS = keys();
  static final KeyPair OTHER_KEYS = keys();

  private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
  private GitHubEmulator github;
  private Http anonymous;

  static GitHubApp app() {
    return new GitHubApp(APP_ID, "hangar", (RSAPublicKey) KEYS.getPublic(), List.of(
        GitHubApp.Installation.allOf(11, "acme"),
        GitHubApp.Installation.selected(12, "other", "other/one")));
  }

  @BeforeEach
  void start() {
    github = GitHubEmulator.start(EmulatorConfig.defaults().withApp(app()).withClock(clock));
    github.addRepository("acme", "app", true);
    github.addRepository("other", "one", true);
    github.addRepository("other", "two", true);
    anonymous = new Http(github.baseUrl(), null);
  }

  @AfterEach
  void stop() {
    github.close();
  }

  static String jwt(PrivateKey key, Object iss, Instant iat, Instant exp) {
    return Jwts.builder().claim("iss", iss).issuedAt(Date.from(iat)).expiration(Date.from(exp))
        .signWith(key, Jwts.SIG.RS256).compact();
  }

  private String validJwt() {
    Instant now = clock.instant();
    return jwt(KEYS.getPrivate(), String.valueOf(APP_ID), now.minusSeconds(60), now.plusSeconds(540));
  }

  @Test
  void aValidJwtListsInstallationsAndGetsAnInstallationToken() {
    Http app = anonymous.withToken(validJwt());
    Http.Response installations = app.get("/app/installations");
    assertThat(installations.status()).isEqualTo(200);
    assertThat(installations.body()).hasSize(2);
    assertThat(installations.body().get(0).get("id").asLong()).isEqualTo(11);
    assertThat(installations.body().get(0).get("app_id").asLong()).isEqualTo(APP_ID);

    assertThat(app.get("/repos/acme/app/installation").body().get("id").asLong()).isEqualTo(11);
    assertThat(app.get("/repos/other/one/installation").body().get("id").asLong()).isEqualTo(12);
    assertThat(app.get("/repos/other/two/installation").status()).isEqualTo(404);
    assertThat(app.get("/orgs/acme/installation").body().get("id").asLong()).isEqualTo(11);
    assertThat(app.get("/orgs/nobody/installation").status()).isEqualTo(404);
    assertThat(app.post("/app/installations/99/access_tokens", "").status()).isEqualTo(404);

    Http.Response token = app.post("/app/installations/12/access_tokens", "");
    assertThat(token.status()).isEqualTo(201);
    assertThat(token.body().get("token").asText()).startsWith("ghs_");
    assertThat(Instant.parse(token.body().get("expires_at").asText()))
        .isEqualTo(clock.instant().plus(Duration.ofHours(1)));
    assertThat(token.body().get("repository_selection").asText()).isEqualTo("selected");
    assertThat(token.body().get("permissions").isObject()).isTrue();

    String ghs = token.body().get("token").asText();
    Http installation = anonymous.withToken(ghs);
    assertThat(installation.get("/repos/other/one/actions/runners").status()).isEqualTo(200);
    assertThat(installation.send("GET", "/repos/other/one", null).status()).isEqualTo(200);
    assertThat(installation.get("/repos/other/two/actions/runners").status()).isEqualTo(404);
    assertThat(installation.get("/repos/acme/app/actions/runners").status()).isEqualTo(404);
    // an installation token is not an App JWT
    assertThat(installation.get("/app/installations").status()).isEqualTo(401);

    clock.advance(Duration.ofMinutes(59));
    assertThat(installation.get("/repos/other/one/actions/runners").status()).isEqualTo(200);
    clock.advance(Duration.ofMinutes(1));
    Http.Response expired = installation.get("/repos/other/one/actions/runners");
    assertThat(expired.status()).isEqualTo(401);
    assertThat(expired.body().get("message").asText()).isEqualTo("Bad credentials");
  }

  @Test
  void theAppAndOneInstallationAreReadWithAJwtOnly() {
    Http app = anonymous.withToken(validJwt());
    Http.Response self = app.get("/app");
    assertThat(self.status()).isEqualTo(200);
    assertThat(self.body().get("id").asLong()).isEqualTo(APP_ID);
    assertThat(self.body().get("slug").asText()).isEqualTo("hangar");
    assertThat(self.body().get("installations_count").asInt()).isEqualTo(2);
    assertThat(app.get("/app/installations/12").body().get("account").get("login").asText()).isEqualTo("other");
    assertThat(app.get("/app/installations/99").status()).isEqualTo(404);
    assertThat(anonymous.withToken(EmulatorConfig.DEFAULT_TOKEN).get("/app").status()).isEqualTo(401);
  }

  @Test
  void anInstallationTokenIsAcceptedAsTokenToo() {
    String ghs = anonymous.withToken(validJwt()).post("/app/installations/11/access_tokens", "")
        .body().get("token").asText();
    Http.Response r = new Http(github.baseUrl(), ghs).sendWithScheme("token", "GET", "/repos/acme/app/actions/runners");
    assertThat(r.status()).isEqualTo(200);
  }

  @Test
  void jwtsGitHubWouldRejectAre401WithGitHubsMessages() {
    Instant now = clock.instant();
    String iss = String.valueOf(APP_ID);
    assertRejected(jwt(KEYS.getPrivate(), iss, now.minusSeconds(700), now.minusSeconds(100)),
        "'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires");
    assertRejected(jwt(KEYS.getPrivate(), iss, now, now.plusSeconds(601)),
        "'Expiration time' claim ('exp') is too far in the future");
    assertRejected(jwt(KEYS.getPrivate(), iss, now.minusSeconds(120), now.plusSeconds(540)),
        "'Expiration time' claim ('exp') is too far in the future");
    assertRejected(jwt(OTHER_KEYS.getPrivate(), iss, now, now.plusSeconds(300)),
        "A JSON web token could not be decoded");
    assertRejected(jwt(KEYS.getPrivate(), "999", now, now.plusSeconds(300)), "Integration not found");
    assertRejected(jwt(KEYS.getPrivate(), iss, now.plusSeconds(300), now.plusSeconds(400)),
        "'Issued at' claim ('iat') must be an Integer representing the time that the assertion was issued");
    String hs256 = Jwts.builder().issuer(iss).issuedAt(Date.from(now)).expiration(Date.from(now.plusSeconds(60)))
        .signWith(io.jsonwebtoken.security.Keys.hmacShaKeyFor(new byte[32]), Jwts.SIG.HS256).compact();
    assertRejected(hs256, "A JSON web token could not be decoded");
    assertRejected("a.b.c", "A JSON web token could not be decoded");

    // a JWT that was valid stops being valid when it expires
    String valid = jwt(KEYS.getPrivate(), iss, now, now.plusSeconds(300));
    assertThat(anonymous.withToken(valid).get("/app/installations").status()).isEqualTo(200);
    clock.advance(Duration.ofSeconds(301));
    assertThat(anonymous.withToken(valid).get("/app/installations").status()).isEqualTo(401);
  }

  @Test
  void aPersonalTokenCannotCallAppEndpointsAndAJwtCannotCallRepositoryEndpoints() {
    Http.Response pat = anonymous.withToken(EmulatorConfig.DEFAULT_TOKEN).get("/app/installations");
    assertThat(pat.status()).isEqualTo(401);
    assertThat(pat.body().get("message").asText()).isEqualTo("A JSON web token could not be decoded");
    Http.Response jwtOnRepo = anonymous.withToken(validJwt()).get("/repos/acme/app/actions/runners");
    assertThat(jwtOnRepo.status()).isEqualTo(403);
  }

  @Test
  void withoutAConfiguredAppJwtsAreRejected() {
    try (GitHubEmulator plain = GitHubEmulator.start()) {
      Http.Response r = new Http(plain.baseUrl(), validJwt()).get("/app/installations");
      assertThat(r.status()).isEqualTo(401);
    }
  }

  private void assertRejected(String jwt, String message) {
    Http.Response r = anonymous.withToken(jwt).get("/app/installations");
    assertThat(r.status()).as(message).isEqualTo(401);
    assertThat(r.body().get("message").asText()).isEqualTo(message);
    assertThat(r.body().get("documentation_url").asText()).isEqualTo("https://docs.github.com/rest");
  }

  private static KeyPair keys() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
      g.initialize(2048);
      return g.generateKeyPair();
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
