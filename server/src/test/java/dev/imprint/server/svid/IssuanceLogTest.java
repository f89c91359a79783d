package dev.imprint.server.svid;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.imprint.server.audit.AuditLog;
import dev.imprint.server.store.Database;
import dev.imprint.server.testing.AuditActions;
import dev.imprint.server.testing.Monitors;
import dev.imprint.server.testing.Stores;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The batched issuance records: counts and ids per identity, image, method and outcome, entries
 * of at most {@link IssuanceLog#MAX_IDS} ids, and no lock on the issuing thread's path.
 */
class IssuanceLogTest {
  static final String ID = "spiffe://imprint.local/svc/api";
  static final String DIGEST = "sha256:" + "ab".repeat(32);
  static final AttestedWorkload W = new AttestedWorkload(ID, DIGEST,
      new AttestedWorkload.Attestation("session", Map.of()));
  @TempDir Path dir;

  static JwtSvid jwt(String jti) {
    Instant now = Instant.parse("2026-12-07T00:00:00Z");
    return new JwtSvid("t", ID, "aud", "kid", jti, now, now.plusSeconds(300));
  }

  static X509Svid x509(String serial) {
    return new X509Svid(List.of(), ID, serial, Instant.parse("2026-12-07T01:00:00Z"));
  }

  static List<JsonNode> entries(Database db, String action) {
    return AuditActions.entries(db).stream().filter(e -> e.get("action").asText()
        .equals(action)).toList();
  }

  @Test
  void oneEntryPerIdentityImageAndOutcomeWithEveryCountAndId() {
    try (Database db = Stores.open(Stores.Kind.SQLITE, dir)) {
      IssuanceLog log = new IssuanceLog(db, new AuditLog(db, Clock.systemUTC()),
          Clock.systemUTC(), Duration.ofHours(1));
      log.issued(W, "id-1", jwt("j1"), null, true);
      log.issued(W, "id-1", jwt("j2"), x509("s1"), false);
      log.refused(W, "id-1", "svid.image_not_approved");
      log.refused(W, "id-1", "svid.image_not_approved");
      log.issued(W, "id-1", null, x509("s2"), false);
      assertThat(log.flush()).isEqualTo(2);
      assertThat(log.flush()).as("nothing left").isZero();
      JsonNode issued = entries(db, "svid.issued").get(0);
      assertThat(entries(db, "svid.issued")).hasSize(1);
      assertThat(issued.get("subject").asText()).isEqualTo(ID);
      assertThat(issued.at("/details/jwtSvids").asInt()).isEqualTo(2);
      assertThat(issued.at("/details/x509Svids").asInt()).isEqualTo(2);
      assertThat(issued.at("/details/sessions").asInt()).isEqualTo(1);
      assertThat(issued.at("/details/jtis").toString()).isEqualTo("[\"j1\",\"j2\"]");
      assertThat(issued.at("/details/serials").toString()).isEqualTo("[\"s1\",\"s2\"]");
      assertThat(issued.at("/details/image").asText()).isEqualTo(DIGEST);
      assertThat(issued.at("/details/method").asText()).isEqualTo("session");
      JsonNode refused = entries(db, "svid.refused").get(0);
      assertThat(entries(db, "svid.refused")).hasSize(1);
      assertThat(refused.at("/details/refused").asInt()).isEqualTo(2);
      assertThat(refused.at("/details/reason").asText()).isEqualTo("svid.image_not_approved");
      log.close();
    }
  }

  @Test
  void everyIdIsRecordedOnceInEntriesOfAtMostMaxIdsAlsoWhenNotedFromManyThreads()
      throws Exception {
    try (Database db = Stores.open(Stores.Kind.SQLITE, dir)) {
      IssuanceLog log = new IssuanceLog(db, new AuditLog(db, Clock.systemUTC()),
          Clock.systemUTC(), Duration.ofHours(1));
      int threads = 4;
      int each = IssuanceLog.MAX_IDS / 2 + 7;
      List<Thread> ts = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int n = t;
        ts.add(new Thread(() -> {
          for (int i = 0; i < each; i++) {
            log.issued(W, "id-1", jwt("j" + n + "-" + i), null, false);
          }
        }));
      }
      ts.forEach(Thread::start);
      for (Thread t : ts) {
        t.join();
      }
      log.close(); // the early flushes queued, then what is left
      List<JsonNode> issued = entries(db, "svid.issued");
      assertThat(issued).hasSizeGreaterThanOrEqualTo(threads * each / IssuanceLog.MAX_IDS);
      Set<String> jtis = new HashSet<>();
      int counted = 0;
      for (JsonNode e : issued) {
        assertThat(e.at("/details/jtis").size()).isLessThanOrEqualTo(IssuanceLog.MAX_IDS)
            .isEqualTo(e.at("/details/jwtSvids").asInt());
        counted += e.at("/details/jwtSvids").asInt();
        e.at("/details/jtis").forEach(j -> assertThat(jtis.add(j.asText())).isTrue());
      }
      assertThat(counted).isEqualTo(threads * each);
      assertThat(jtis).hasSize(threads * each).contains("j0-0", "j3-" + (each - 1));
    }
  }

  @Test
  void notingAnIssuanceNeverWaitsForALockHeldByAnotherThread() throws Exception {
    try (Database db = Stores.open(Stores.Kind.SQLITE, dir)) {
      IssuanceLog log = new IssuanceLog(db, new AuditLog(db, Clock.systemUTC()),
          Clock.systemUTC(), Duration.ofHours(1));
      // another thread inside the log's monitor (as a flush swapping the pending map was, or a
      // request thread preempted while noting): the issuing thread must not queue behind it
      // (only a block on this log's monitor counts, not one on a class being initialised)
      boolean blocked = !Monitors.runsWhileHeld(log, () -> {
        log.issued(W, "id-1", jwt("j1"), null, false);
        log.refused(W, "id-1", "svid.identity_inactive");
      });
      assertThat(blocked).as("the issuing thread blocked on the log's monitor").isFalse();
      assertThat(log.flush()).isEqualTo(2);
      log.close();
    }
  }
}
