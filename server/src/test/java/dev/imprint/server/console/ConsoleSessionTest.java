package dev.imprint.server.console;

import static dev.imprint.server.console.ConsoleFixture.Browser.form;
import static org.assertj.core.api.Assertions.assertThat;

import dev.imprint.server.http.Api;
import dev.imprint.server.testing.AuditActions;
import dev.imprint.server.testing.Stores;
import dev.imprint.server.testing.TestServer;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The console's sessions, CSRF tokens and roles over a real server and HTTP client (the
 * browser tests drive the same through Chromium).
 */
class ConsoleSessionTest {
  @TempDir static Path dir;
  static TestServer server;

  @BeforeAll
  static void start() {
    server = TestServer.start(Stores.Kind.SQLITE, dir);
    ConsoleFixture.estate(server, ConsoleFixture.digest("session-base"));
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private ConsoleFixture.Browser browser() {
    return new ConsoleFixture.Browser(server.url());
  }

  @Test
  void everyPageWithoutASessionSendsToTheLoginAndEveryFormIsRefused() {
    int pages = 0;
    for (Api.Route r : server.server().pages()) {
      String path = r.path().replace("{digest}", ConsoleFixture.digest("session-base"))
          .replace("{action}", "approve").replace("{id}", "x").replace("{seq}", "0");
      if (path.startsWith("/console/") || path.equals("/login") || path.equals("/logout")) {
        continue;
      }
      HttpResponse<String> res = r.method().equals("GET") ? browser().get(path)
          : browser().post(path, form("reason", "x"));
      if (r.method().equals("GET")) {
        assertThat(res.statusCode()).as(path).isEqualTo(303);
        assertThat(res.headers().firstValue("Location")).as(path).hasValue("/login");
      } else {
        assertThat(res.statusCode()).as(path).isEqualTo(401);
        assertThat(res.body()).contains("console.session_missing");
      }
      pages++;
    }
    assertThat(pages).isGreaterThanOrEqualTo(9);
  }

  @Test
  void loginStartsAStrictHttpOnlySessionCookieAndTheTokenAppearsNowhere() {
    ConsoleFixture.Browser b = browser();
    String admin = server.adminToken();
    HttpResponse<String> res = b.login(admin);
    assertThat(res.statusCode()).isEqualTo(303);
    assertThat(res.headers().firstValue("Location")).hasValue("/");
    String setCookie = res.headers().firstValue("Set-Cookie").orElseThrow();
    assertThat(setCookie).contains("HttpOnly", "SameSite=Strict", "Path=/", "Max-Age=28800")
        .doesNotContain("Secure").doesNotContain(admin);
    assertThat(b.cookie).hasSize(43).isNotEqualTo(admin);
    HttpResponse<String> overview = b.get("/");
    assertThat(overview.statusCode()).isEqualTo(200);
    assertThat(overview.body()).contains("Estate overview").doesNotContain(admin);
    assertThat(b.get("/login").statusCode()).as("signed in: on to the overview").isEqualTo(303);
  }

  @Test
  void everyConsoleAnswerForbidsFramingAndInlineScript() {
    ConsoleFixture.Browser b = browser();
    b.login(server.adminToken());
    for (String path : new String[] {"/", "/login", "/identities", "/images", "/findings",
        "/audit", "/audit/0", "/alerts", "/console/console.css", "/images/sha256:nope"}) {
      HttpResponse<String> res = b.get(path);
      assertThat(res.headers().firstValue("Content-Security-Policy")).as(path)
          .hasValue(ConsoleRoutes.CSP);
      assertThat(ConsoleRoutes.CSP).contains("frame-ancestors 'none'", "script-src 'self'")
          .doesNotContain("unsafe-inline");
      assertThat(res.headers().firstValue("X-Frame-Options")).as(path).hasValue("DENY");
      assertThat(res.body()).as(path).doesNotContain("<script>").doesNotContain(" style=\"");
    }
    HttpResponse<String> missing = b.get("/images/sha256:" + "0".repeat(64));
    assertThat(missing.statusCode()).isEqualTo(404);
    assertThat(missing.headers().firstValue("Content-Type")).hasValueSatisfying(t ->
        assertThat(t).startsWith("text/html"));
    assertThat(missing.body()).contains("image.not_found");
  }

  @Test
  void aFormWithoutOrWithAWrongCsrfTokenIsRefusedAndChangesNothing() {
    String d = ConsoleFixture.digest("csrf");
    ConsoleFixture.register(server, d);
    ConsoleFixture.Browser b = browser();
    b.login(server.adminToken());
    String csrf = b.csrf("/images/" + d);
    HttpResponse<String> none = b.post("/images/" + d + "/approve", form("reason", "ok"));
    assertThat(none.statusCode()).isEqualTo(403);
    assertThat(none.body()).contains("console.csrf_invalid");
    HttpResponse<String> wrong = b.post("/images/" + d + "/approve", form("reason", "ok",
        "csrf", csrf.substring(1) + "A"));
    assertThat(wrong.statusCode()).isEqualTo(403);
    ConsoleFixture.Browser other = browser();
    other.login(server.adminToken());
    HttpResponse<String> another = other.post("/images/" + d + "/approve", form("reason", "ok",
        "csrf", csrf));
    assertThat(another.statusCode()).as("another session's token").isEqualTo(403);
    HttpResponse<String> crossSite = b.post("/images/" + d + "/approve", form("reason", "ok",
        "csrf", csrf), Map.of("Origin", "https://evil.example"));
    assertThat(crossSite.statusCode()).as("from another origin").isEqualTo(403);
    assertThat(ConsoleFixture.status(server, d)).isEqualTo("registered");
    HttpResponse<String> right = b.post("/images/" + d + "/approve", form("reason",
        "reviewed in the console", "csrf", csrf));
    assertThat(right.statusCode()).as(right.body()).isEqualTo(303);
    assertThat(ConsoleFixture.status(server, d)).isEqualTo("approved");
  }

  @Test
  void aMoveThroughTheConsoleIsAuditedLikeTheApiWithTheSessionsToken() {
    String d = ConsoleFixture.digest("audited");
    ConsoleFixture.register(server, d);
    ConsoleFixture.Browser b = browser();
    b.login(server.adminToken());
    String csrf = b.csrf("/images/" + d);
    assertThat(b.post("/images/" + d + "/reject", form("reason", "unsigned base image",
        "csrf", csrf)).statusCode()).isEqualTo(303);
    var entries = AuditActions.entries(server.server().database()).stream()
        .filter(e -> e.get("subject").asText().equals(d))
        .filter(e -> e.get("action").asText().equals("image.rejected")).toList();
    assertThat(entries).hasSize(1);
    assertThat(entries.get(0).get("actor").asText()).startsWith("token:");
    assertThat(entries.get(0).toString()).contains("unsigned base image");
  }

  @Test
  void aRefusedMoveShowsTheServicesErrorCode() {
    String d = ConsoleFixture.digest("refused");
    ConsoleFixture.register(server, d);
    ConsoleFixture.Browser b = browser();
    b.login(server.adminToken());
    String csrf = b.csrf("/images/" + d);
    HttpResponse<String> res = b.post("/images/" + d + "/retire", form("reason", "x",
        "csrf", csrf));
    assertThat(res.statusCode()).isEqualTo(409);
    assertThat(res.body()).contains("image.illegal_transition");
    HttpResponse<String> noReason = b.post("/images/" + d + "/reject", form("reason", "",
        "csrf", csrf));
    assertThat(noReason.statusCode()).isEqualTo(400);
    assertThat(ConsoleFixture.status(server, d)).isEqualTo("registered");
  }

  @Test
  void anAuditorSeesEverythingAndItsFormsAreRefused() {
    String d = ConsoleFixture.digest("auditor");
    ConsoleFixture.register(server, d);
    ConsoleFixture.Browser b = browser();
    assertThat(b.login(ConsoleFixture.token(server, "auditor", null)).statusCode())
        .isEqualTo(303);
    HttpResponse<String> page = b.get("/images/" + d);
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.body()).contains("registered").doesNotContain("/approve\"")
        .doesNotContain("<button type=\"submit\" id=\"do-");
    String csrf = b.csrf("/images/" + d); // the sign-out form's
    HttpResponse<String> res = b.post("/images/" + d + "/approve", form("reason", "x",
        "csrf", csrf));
    assertThat(res.statusCode()).isEqualTo(403);
    assertThat(res.body()).contains("console.read_only");
    assertThat(ConsoleFixture.status(server, d)).isEqualTo("registered");
    for (String path : new String[] {"/", "/identities", "/images", "/findings", "/audit",
        "/audit/0", "/alerts"}) {
      assertThat(b.get(path).statusCode()).as(path).isEqualTo(200);
    }
  }

  @Test
  void workloadAdmissionAndPipelineTokensCannotSignIn() {
    for (String[] t : new String[][] {{"workload", ConsoleFixture.API}, {"admission", null},
        {"pipeline", ConsoleFixture.API}}) {
      ConsoleFixture.Browser b = browser();
      HttpResponse<String> res = b.login(ConsoleFixture.token(server, t[0], t[1]));
      assertThat(res.statusCode()).as(t[0]).isEqualTo(403);
      assertThat(res.body()).contains("console.role_refused");
      assertThat(res.headers().firstValue("Set-Cookie")).as(t[0]).isEmpty();
      assertThat(b.get("/").statusCode()).isEqualTo(303);
    }
    HttpResponse<String> forged = browser().login("imp_0123456789abcdef_" + "A".repeat(43));
    assertThat(forged.statusCode()).isEqualTo(401);
    assertThat(forged.body()).contains("console.token_invalid");
  }

  @Test
  void logoutAndRevokingTheTokenEndTheSession() {
    ConsoleFixture.Browser b = browser();
    b.login(server.adminToken());
    String cookie = b.cookie;
    String csrf = b.csrf("/");
    HttpResponse<String> out = b.post("/logout", form("csrf", csrf));
    assertThat(out.statusCode()).isEqualTo(303);
    assertThat(out.headers().firstValue("Set-Cookie")).hasValueSatisfying(c ->
        assertThat(c).contains("Max-Age=0"));
    b.cookie = cookie;
    assertThat(b.get("/").statusCode()).as("the old cookie after logout").isEqualTo(303);

    String auditor = ConsoleFixture.token(server, "auditor", null);
    ConsoleFixture.Browser a = browser();
    a.login(auditor);
    assertThat(a.get("/").statusCode()).isEqualTo(200);
    String id = auditor.split("_")[1];
    assertThat(server.send("DELETE", "/v1/tokens/" + id, server.adminToken(), null)
        .statusCode()).isIn(200, 204);
    assertThat(a.get("/").statusCode()).as("the token was revoked").isEqualTo(303);
  }

  @Test
  void aSessionOpenedOnOneReplicaIsAcceptedByAnotherOnTheSamePostgresql() throws Exception {
    String url = Stores.jdbcUrl(Stores.Kind.POSTGRESQL);
    Path kek = dir.resolve("kek");
    byte[] key = new byte[32];
    new java.security.SecureRandom().nextBytes(key);
    java.nio.file.Files.writeString(kek, java.util.Base64.getEncoder().encodeToString(key));
    java.nio.file.Files.setPosixFilePermissions(kek,
        java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    try (TestServer a = TestServer.start(TestServer.config(dir.resolve("a"), url).withKekFile(kek));
        TestServer b = TestServer.start(TestServer.config(dir.resolve("b"), url)
            .withKekFile(kek))) {
      ConsoleFixture.Browser onA = new ConsoleFixture.Browser(a.url());
      assertThat(onA.login(a.adminToken()).statusCode()).isEqualTo(303);
      String csrf = onA.csrf("/");
      ConsoleFixture.Browser onB = new ConsoleFixture.Browser(b.url());
      onB.cookie = onA.cookie;
      assertThat(onB.get("/").statusCode()).isEqualTo(200);
      assertThat(onB.csrf("/")).as("the same CSRF token on every replica").isEqualTo(csrf);
      assertThat(onB.post("/logout", form("csrf", csrf)).statusCode()).isEqualTo(303);
      assertThat(onA.get("/").statusCode()).as("signed out through the other").isEqualTo(303);
    }
  }
}
