package dev.imprint.server.svid;

import static dev.imprint.server.svid.Workloads.API;
import static dev.imprint.server.svid.Workloads.attest;
import static dev.imprint.server.svid.Workloads.joinToken;
import static dev.imprint.server.svid.Workloads.ok;
import static dev.imprint.server.svid.Workloads.problem;
import static org.assertj.core.api.Assertions.assertThat;

import dev.imprint.server.testing.MovableClock;
import dev.imprint.server.testing.Stores;
import dev.imprint.server.testing.TestServer;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Workload sessions remembered once verified: what the cache may and may not answer. */
class SessionsTest {
  @TempDir Path dir;

  private static AttestedWorkload workload() {
    return new AttestedWorkload(API, "sha256:" + "a".repeat(64),
        new AttestedWorkload.Attestation("join_token", Map.of()));
  }

  @Test
  void aVerifiedSessionIsRememberedAndARepeatAnswersTheSameWorkload() {
    try (TestServer s = TestServer.start(Stores.Kind.SQLITE, dir)) {
      Sessions sessions = new Sessions(s.server().svids().keys(), Clock.systemUTC(),
          () -> "https://imprint.test");
      IssuedSvids.Session session = sessions.create(workload());
      Sessions.Verified first = sessions.verified(session.token()).orElseThrow();
      assertThat(sessions.remembered()).isEqualTo(1);
      Sessions.Verified again = sessions.verified(session.token()).orElseThrow();
      assertThat(again).isEqualTo(first);
      assertThat(again.session().token()).isEqualTo(session.token());
      assertThat(again.workload().attestation().facts()).containsEntry("session", session.id());
    }
  }

  @Test
  void aRememberedSessionIsRefusedOnceItExpires() {
    try (TestServer s = TestServer.start(Stores.Kind.SQLITE, dir)) {
      MovableClock clock = new MovableClock();
      Sessions sessions = new Sessions(s.server().svids().keys(), clock,
          () -> "https://imprint.test");
      IssuedSvids.Session session = sessions.create(workload());
      assertThat(sessions.verified(session.token())).isPresent();
      clock.advance(Sessions.TTL.plusSeconds(1));
      assertThat(sessions.verified(session.token())).isEmpty();
      assertThat(sessions.remembered()).isZero();
    }
  }

  @Test
  void aTamperedCopyOfARememberedSessionIsRefused() {
    try (TestServer s = TestServer.start(Stores.Kind.SQLITE, dir)) {
      Sessions sessions = new Sessions(s.server().svids().keys(), Clock.systemUTC(),
          () -> "https://imprint.test");
      String token = sessions.create(workload()).token();
      assertThat(sessions.verified(token)).isPresent();
      String[] parts = token.split("\\.");
      // another subject under the remembered token's signature
      String forged = parts[0] + "." + java.util.Base64.getUrlEncoder().withoutPadding()
          .encodeToString(new String(java.util.Base64.getUrlDecoder().decode(parts[1]),
              java.nio.charset.StandardCharsets.UTF_8).replace("payments/api", "payments/adm")
              .getBytes(java.nio.charset.StandardCharsets.UTF_8)) + "." + parts[2];
      assertThat(sessions.verified(forged)).isEmpty();
      assertThat(sessions.verified(token + "x")).isEmpty();
    }
  }

  @Test
  void aRetiredImagesWorkloadIsRefusedEvenWithARememberedSession() {
    try (TestServer s = TestServer.start(Stores.Kind.SQLITE, dir)) {
      String digest = Workloads.estate(s);
      String session = ok(attest(s, joinToken(s, s.adminToken(), digest, API), "aud-1", null),
          200).at("/session/token").asText();
      ok(renew(s, session), 200);
      ok(renew(s, session), 200); // the session is remembered by now
      ok(s.send("POST", "/v1/images/" + digest + "/retire", s.adminToken(),
          "{\"reason\":\"CVE-2026-1234\"}"), 200);
      problem(renew(s, session), 409, "svid.image_not_approved");
    }
  }

  @Test
  void renewalsAreRecordedInOneBatchedEntryNotOneCommitEach() {
    try (TestServer s = TestServer.start(Stores.Kind.SQLITE, dir)) {
      String digest = Workloads.estate(s);
      String session = ok(attest(s, joinToken(s, s.adminToken(), digest, API), "aud-1", null),
          200).at("/session/token").asText();
      SvidService svids = s.server().svids();
      svids.flushIssuanceLog();
      var db = s.server().database();
      var before = db.writeBatchSizes();
      java.util.List<String> jtis = new java.util.ArrayList<>();
      int n = 50;
      for (int i = 0; i < n; i++) {
        jtis.add(svids.renew(session, () -> new SvidRequest("aud-1", null, null, null)).issued()
            .jwt().orElseThrow().jti());
      }
      // one commit per issuance would be 50; the periodic flush may write once or twice meanwhile
      assertThat(db.writeBatchSizes().since(before).commits()).isLessThanOrEqualTo(3);
      svids.flushIssuanceLog();
      var issued = dev.imprint.server.testing.AuditActions.entries(db).stream()
          .filter(e -> e.get("action").asText().equals("svid.issued"))
          .filter(e -> e.at("/details/method").asText().equals("session")).toList();
      assertThat(issued).isNotEmpty();
      assertThat(issued.stream().mapToInt(e -> e.at("/details/jwtSvids").asInt()).sum())
          .isEqualTo(n);
      java.util.List<String> logged = new java.util.ArrayList<>();
      issued.forEach(e -> e.at("/details/jtis").forEach(j -> logged.add(j.asText())));
      assertThat(logged).containsExactlyInAnyOrderElementsOf(jtis);
    }
  }

  private static HttpResponse<String> renew(TestServer s, String session) {
    return WorkloadIdentityApiTest.renew(s, session, "{\"audience\":\"aud-1\"}");
  }
}
