package dev.imprint.server.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imprint.server.ServerConfig;
import dev.imprint.server.testing.Replicas;
import dev.imprint.server.testing.Stores;
import dev.imprint.server.testing.TestServer;
import java.io.BufferedReader;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two servers on one PostgreSQL append to one log that verifies and has no gaps, and each keeps
 * its own checkpoint file to check the shared store against.
 */
class AuditReplicasTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path dir;

  @Test
  void concurrentAppendsThroughTwoServersInterleaveIntoOneVerifiableLog() throws Exception {
    try (Replicas pair = Replicas.start(dir)) {
      TestServer a = pair.a();
      TestServer b = pair.b();
      String admin = a.adminToken();
      assertThat(b.adminToken()).isNull();
      Set<String> acked = ConcurrentHashMap.newKeySet();
      List<Thread> threads = new ArrayList<>();
      List<String> notes = java.util.Collections.synchronizedList(new ArrayList<>());
      for (TestServer s : List.of(a, b, a, b)) {
        Thread t = new Thread(() -> {
          for (int i = 0; i < 25; i++) {
            var r = s.send("POST", "/v1/tokens", admin, "{\"role\":\"pipeline\"}");
            assertThat(r.statusCode()).isEqualTo(201);
            acked.add(read(r.body()).get("id").asText());
            if (i % 10 == 0) {
              notes.add(read(s.send("GET", "/v1/audit/checkpoint", admin, null).body())
                  .get("note").asText());
            }
          }
        });
        t.start();
        threads.add(t);
      }
      for (Thread t : threads) {
        t.join(120_000);
        assertThat(t.isAlive()).as("%s still running after two minutes", t.getName()).isFalse();
      }
      assertThat(acked).hasSize(100);
      VerifierKey key = VerifierKey.parse(read(b.send("GET", "/v1/audit/key", admin, null)
          .body()).get("verifierKey").asText());
      assertThat(read(a.send("GET", "/v1/audit/key", admin, null).body())
          .get("verifierKey").asText()).isEqualTo(key.encoded());
      for (String note : notes) {
        key.verify(note);
      }
      String export = a.send("GET", "/v1/audit/export", admin, null).body();
      AuditVerifier.Result r = AuditVerifier.verify(
          new BufferedReader(new StringReader(export)), key);
      assertThat(r).isInstanceOf(AuditVerifier.Verified.class);
      assertThat(((AuditVerifier.Verified) r).entries()).isEqualTo(101);
      String subjects = export;
      for (String id : acked) {
        assertThat(subjects).contains("token:" + id);
      }
      JsonNode viaB = read(b.send("GET", "/v1/audit/entries?start=0&end=101", admin, null)
          .body());
      for (int i = 0; i < 101; i++) {
        assertThat(viaB.get("items").get(i).get("seq").asLong()).isEqualTo(i);
      }
      Checkpoint fromB = key.verify(read(b.send("GET", "/v1/audit/checkpoint", admin, null)
          .body()).get("note").asText());
      assertThat(fromB.size()).isEqualTo(101);
    }
  }

  @Test
  void eachReplicaKeepsItsOwnCheckpointFileAndChecksTheStoreAgainstIt() throws Exception {
    String jdbc = Stores.jdbcUrl(Stores.Kind.POSTGRESQL);
    Path kek = Replicas.sharedKek(dir);
    Path fileA = dir.resolve("host-a").resolve("audit-checkpoint");
    Path fileB = dir.resolve("host-b").resolve("audit-checkpoint");
    ServerConfig configA = Replicas.config(jdbc, dir.resolve("a"), kek)
        .withCheckpointInterval(java.time.Duration.ZERO).withAuditCheckpointFile(fileA);
    ServerConfig configB = Replicas.config(jdbc, dir.resolve("b"), kek)
        .withCheckpointInterval(java.time.Duration.ofMillis(100)).withAuditCheckpointFile(fileB);
    Path fileC = dir.resolve("host-c").resolve("audit-checkpoint");
    ServerConfig configC = Replicas.config(jdbc, dir.resolve("c"), kek)
        .withCheckpointInterval(java.time.Duration.ZERO).withAuditCheckpointFile(fileC);
    String admin;
    String signedByA;
    try (TestServer a = TestServer.start(configA); TestServer b = TestServer.start(configB);
        TestServer c = TestServer.start(configC)) {
      admin = a.adminToken();
      for (int i = 0; i < 4; i++) {
        assertThat(a.send("POST", "/v1/tokens", admin, "{\"role\":\"auditor\"}").statusCode())
            .isEqualTo(201);
      }
      signedByA = read(a.send("GET", "/v1/audit/checkpoint", admin, null).body()).get("note")
          .asText();
      assertThat(key(a, admin).verify(signedByA).size()).isEqualTo(5);
      assertThat(Files.readString(fileA)).isEqualTo(signedByA);
      assertThat(read(c.send("GET", "/v1/audit/checkpoint", admin, null).body()).get("note")
          .asText()).isEqualTo(signedByA);
      assertThat(Files.readString(fileC)).as("replica c answered with a's checkpoint after"
          + " verifying it, so it is c's anchor too").isEqualTo(signedByA);
      long deadline = System.nanoTime() + java.time.Duration.ofSeconds(60).toNanos();
      while (!Files.exists(fileB) || !Files.readString(fileB).equals(signedByA)) {
        assertThat(System.nanoTime()).as("replica b (" + b.url() + ") takes a's checkpoint as"
            + " its anchor once it verified it").isLessThan(deadline);
        Thread.sleep(50);
      }
    }
    try (java.sql.Connection c = java.sql.DriverManager.getConnection(jdbc);
        java.sql.Statement st = c.createStatement()) {
      assertThat(st.executeUpdate("DELETE FROM audit_entries WHERE seq >= 3")).isEqualTo(2);
      assertThat(st.executeUpdate("DELETE FROM audit_checkpoints")).isPositive();
    }
    for (ServerConfig replica : List.of(configB, configC, configA)) {
      try (TestServer s = TestServer.start(replica)) {
        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(60).toNanos();
        var ready = s.send("GET", "/readyz", null, null);
        while (ready.statusCode() != 503) {
          assertThat(System.nanoTime()).as("the start-up check fails").isLessThan(deadline);
          Thread.sleep(50);
          ready = s.send("GET", "/readyz", null, null);
        }
        assertThat(ready.body()).contains("audit.integrity_failure")
            .contains("the store holds 3 entries but the checkpoint file "
                + replica.auditCheckpointPath() + " signs 5");
        var cp = s.send("GET", "/v1/audit/checkpoint", admin, null);
        assertThat(cp.statusCode()).isEqualTo(503);
        assertThat(read(cp.body()).get("code").asText()).isEqualTo("audit.integrity_failure");
      }
    }
  }

  private static VerifierKey key(TestServer s, String admin) {
    return VerifierKey.parse(read(s.send("GET", "/v1/audit/key", admin, null).body())
        .get("verifierKey").asText());
  }

  @Test
  void aReplicaWithADifferentKeyEncryptionKeyIsRefusedAtStart() throws Exception {
    String jdbc = Stores.jdbcUrl(Stores.Kind.POSTGRESQL);
    try (TestServer a = TestServer.start(Replicas.config(jdbc, dir.resolve("a"), null))) {
      assertThat(a.adminToken()).isNotNull();
      assertThatThrownBy(() -> TestServer.start(Replicas.config(jdbc, dir.resolve("b"), null)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("does not decrypt the stored 'audit-ed25519' key")
          .hasMessageNotContaining(Files.readString(dir.resolve("a").resolve("kek")).strip());
    }
  }

  @Test
  void theGeneratedKeyEncryptionKeyIsOwnerOnly() throws Exception {
    try (TestServer s = TestServer.start(Stores.Kind.SQLITE, dir)) {
      assertThat(Files.getPosixFilePermissions(dir.resolve("kek")))
          .containsExactlyInAnyOrder(java.nio.file.attribute.PosixFilePermission.OWNER_READ,
              java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);
      String stored = s.server().database().read(c -> {
        try (var ps = c.prepareStatement("SELECT private_key_enc FROM server_keys");
            var rs = ps.executeQuery()) {
          rs.next();
          return rs.getString(1);
        }
      });
      assertThat(Base64.getDecoder().decode(stored)).hasSize(12 + 32 + 16);
    }
  }

  private static JsonNode read(String body) {
    try {
      return JSON.readTree(body);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
