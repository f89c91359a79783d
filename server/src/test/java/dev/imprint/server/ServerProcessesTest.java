package dev.imprint.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imprint.server.audit.AuditVerifier;
import dev.imprint.server.audit.VerifierKey;
import dev.imprint.server.testing.ServerProcess;
import dev.imprint.server.testing.Stores;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two server processes (two JVMs, no shared memory) on one PostgreSQL: what one changes the
 * other answers at once, and their audit appends interleave into one log that verifies.
 */
class ServerProcessesTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String API = "spiffe://imprint.local/payments/api";
  private static final String DIGEST = "sha256:" + "5e".repeat(32);

  @TempDir Path dir;

  @Test
  void anImageRetiredThroughOneProcessIsRetiredForTheOtherAndTheirAppendsFormOneVerifiableLog()
      throws Exception {
    String jdbc = Stores.jdbcUrl(Stores.Kind.POSTGRESQL);
    byte[] kek = new byte[32];
    for (int i = 0; i < kek.length; i++) {
      kek[i] = (byte) (i * 7 + 3);
    }
    Map<String, String> env = Map.of("IMPRINT_KEK", Base64.getEncoder().encodeToString(kek));
    try (ServerProcess a = ServerProcess.start(dir.resolve("a"), jdbc, env);
        ServerProcess b = ServerProcess.start(dir.resolve("b"), jdbc, env)) {
      String admin = a.adminToken();
      assertThat(admin).isNotNull();
      assertThat(b.adminToken()).as("the shared store has its admin token already").isNull();

      expect(a.send("POST", "/v1/identities", admin, "{\"spiffeId\":\"" + API + "\","
          + "\"kind\":\"workload\",\"owner\":\"team-payments\",\"environment\":\"prod\"}"), 201);
      // registered by the identity's own pipeline, whose provenance the default policy trusts
      String pipeline = JSON.readTree(expect(a.send("POST", "/v1/tokens", admin,
          "{\"role\":\"pipeline\",\"identity\":\"" + API + "\"}"), 201)).get("token").asText();
      expect(b.send("POST", "/v1/images", pipeline, "{\"repository\":\"registry.example/payments/"
          + "api\",\"tag\":\"1.4.2\",\"digest\":\"" + DIGEST + "\",\"identity\":\"" + API
          + "\",\"provenance\":{\"sourceRepository\":\"https://git.example/acme/payments\","
          + "\"commit\":\"3f9a1c2\"}}"), 201);
      expect(a.send("POST", "/v1/images/" + DIGEST + "/approve", admin,
          "{\"reason\":\"passed policy\"}"), 200);
      expect(b.send("POST", "/v1/images/" + DIGEST + "/deploy", admin, null), 200);
      expect(a.send("POST", "/v1/images/" + DIGEST + "/retire", admin,
          "{\"reason\":\"CVE-2026-1234\"}"), 200);
      JsonNode seenByB = JSON.readTree(expect(b.send("GET", "/v1/images/" + DIGEST, admin,
          null), 200));
      assertThat(seenByB.get("status").asText()).isEqualTo("retired");
      HttpResponse<String> redeploy = b.send("POST", "/v1/images/" + DIGEST + "/deploy", admin,
          null);
      assertThat(redeploy.statusCode()).isEqualTo(409);
      assertThat(redeploy.body()).contains("image.illegal_transition");

      Set<String> acked = ConcurrentHashMap.newKeySet();
      List<Throwable> failures = new CopyOnWriteArrayList<>();
      List<Thread> threads = new ArrayList<>();
      for (ServerProcess s : List.of(a, b, a, b)) {
        Thread t = new Thread(() -> {
          try {
            for (int i = 0; i < 20; i++) {
              String body = expect(s.send("POST", "/v1/tokens", admin,
                  "{\"role\":\"pipeline\"}"), 201);
              acked.add(JSON.readTree(body).get("id").asText());
            }
          } catch (IOException | AssertionError e) {
            failures.add(e);
          }
        });
        t.start();
        threads.add(t);
      }
      for (Thread t : threads) {
        t.join(120_000);
        assertThat(t.isAlive()).as("%s still running after two minutes", t.getName()).isFalse();
      }
      assertThat(failures).isEmpty();
      assertThat(acked).hasSize(80);

      VerifierKey key = VerifierKey.parse(JSON.readTree(expect(a.send("GET", "/v1/audit/key",
          admin, null), 200)).get("verifierKey").asText());
      String export = expect(b.send("GET", "/v1/audit/export", admin, null), 200);
      AuditVerifier.Result r = AuditVerifier.verify(new BufferedReader(new StringReader(export)),
          key);
      assertThat(r).isInstanceOf(AuditVerifier.Verified.class);
      // admin token, identity, pipeline token, image registered/approved/deployed/retired,
      // 80 tokens
      assertThat(((AuditVerifier.Verified) r).entries()).isEqualTo(87);
      Set<String> subjects = ConcurrentHashMap.newKeySet();
      for (String line : export.split("\n")) {
        JsonNode n = JSON.readTree(line);
        if ("entry".equals(n.path("type").asText())) {
          subjects.add(JSON.readTree(n.get("entry").asText()).get("subject").asText());
        }
      }
      for (String id : acked) {
        assertThat(subjects).contains("token:" + id);
      }
    }
  }

  private static String expect(HttpResponse<String> r, int status) {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
    return r.body();
  }
}
