package dev.imprint.server.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imprint.server.testing.Stores;
import dev.imprint.server.testing.TestServer;
import java.io.BufferedReader;
import java.io.StringReader;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditApiTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path dir;

  @ParameterizedTest
  @MethodSource("dev.imprint.server.testing.Stores#kinds")
  void checkpointsAndProofsFromTheApiVerifyWithThePublishedKey(Stores.Kind kind)
      throws Exception {
    try (TestServer s = TestServer.start(kind, dir)) {
      String admin = s.adminToken();
      for (int i = 0; i < 12; i++) {
        assertThat(s.send("POST", "/v1/tokens", admin, "{\"role\":\"auditor\"}").statusCode())
            .isEqualTo(201);
      }
      String auditor = JSON.readTree(s.send("POST", "/v1/tokens", admin,
          "{\"role\":\"auditor\"}").body()).get("token").asText();
      VerifierKey key = VerifierKey.parse(json(s, auditor, "/v1/audit/key").get("verifierKey")
          .asText());
      assertThat(key.name()).isEqualTo("imprint.local/imprint-audit");

      JsonNode cpJson = json(s, auditor, "/v1/audit/checkpoint");
      Checkpoint cp = key.verify(cpJson.get("note").asText());
      assertThat(cp.size()).isEqualTo(14).isEqualTo(cpJson.get("size").asLong());
      assertThat(cp.origin()).isEqualTo("imprint.local/imprint-audit");
      assertThat(cpJson.get("note").asText()).contains("\n\n\u2014 imprint.local/imprint-audit ");

      for (long i = 0; i < cp.size(); i++) {
        JsonNode p = json(s, auditor, "/v1/audit/proof/inclusion?index=" + i);
        assertThat(p.get("size").asLong()).isEqualTo(cp.size());
        assertThat(MerkleTree.verifyInclusion(i, cp.size(), unhex(p.get("leafHash").asText()),
            hashes(p.get("proof")), cp.rootHash())).isTrue();
      }
      JsonNode entries = json(s, auditor, "/v1/audit/entries?start=3&end=5");
      assertThat(entries.get("items")).hasSize(2);
      String entry3 = entries.get("items").get(0).get("entry").asText();
      assertThat(entry3).contains("\"action\":\"token.created\"").contains("\"seq\":3");
      assertThat(entries.get("items").get(0).get("leafHash").asText()).isEqualTo(
          HexFormat.of().formatHex(AuditLog.leafHash(entry3.getBytes("UTF-8"))));

      s.send("POST", "/v1/tokens", admin, "{\"role\":\"workload\"}");
      Checkpoint later = key.verify(json(s, auditor, "/v1/audit/checkpoint").get("note").asText());
      assertThat(later.size()).isEqualTo(15);
      JsonNode c = json(s, auditor, "/v1/audit/proof/consistency?first=14&second=15");
      assertThat(MerkleTree.verifyConsistency(14, 15, cp.rootHash(), later.rootHash(),
          hashes(c.get("proof")))).isTrue();

      String export = s.send("GET", "/v1/audit/export", auditor, null).body();
      AuditVerifier.Result r = AuditVerifier.verify(new BufferedReader(new StringReader(export)),
          key);
      assertThat(r).isEqualTo(new AuditVerifier.Verified("imprint.local/imprint-audit", 15, 2,
          key.encoded(), true));

      s.awaitMetrics("imprint_audit_entries 15.0"); // sampled in the background
    }
  }

  @Test
  void outOfRangeArgumentsGetProblemsNamingTheRange() throws Exception {
    try (TestServer s = TestServer.start(Stores.Kind.SQLITE, dir)) {
      String admin = s.adminToken();
      problem(s.send("GET", "/v1/audit/proof/inclusion?index=1&size=1", admin, null),
          "audit.out_of_range", "expected query parameter 'index' from 0 to 0, got 1");
      problem(s.send("GET", "/v1/audit/proof/inclusion?index=0&size=9", admin, null),
          "audit.out_of_range", "'size' from 1 to 1, got 9");
      problem(s.send("GET", "/v1/audit/proof/inclusion", admin, null),
          "audit.parameter_missing", "'index'");
      problem(s.send("GET", "/v1/audit/proof/consistency?first=0&second=1", admin, null),
          "audit.out_of_range", "'first' from 1 to 1, got 0");
      problem(s.send("GET", "/v1/audit/proof/consistency?first=1&second=2", admin, null),
          "audit.out_of_range", "'second' from 1 to 1, got 2");
      problem(s.send("GET", "/v1/audit/entries?start=5", admin, null),
          "audit.out_of_range", "'start' from 0 to 1, got 5");
      problem(s.send("GET", "/v1/audit/entries?start=0&end=1001", admin, null),
          "audit.out_of_range", "at most 1000 entries per page");
      problem(s.send("GET", "/v1/audit/entries?start=x", admin, null),
          "audit.parameter_invalid", "got 'x'");
      HttpResponse<String> plain = sendAccept(s, admin);
      assertThat(plain.body()).startsWith("imprint.local/imprint-audit\n1\n");
    }
  }

  private static HttpResponse<String> sendAccept(TestServer s, String token) throws Exception {
    var req = java.net.http.HttpRequest.newBuilder(java.net.URI.create(s.url()
        + "/v1/audit/checkpoint")).header("Authorization", "Bearer " + token)
        .header("Accept", "text/plain").build();
    return java.net.http.HttpClient.newHttpClient().send(req,
        HttpResponse.BodyHandlers.ofString());
  }

  private static void problem(HttpResponse<String> r, String code, String detail)
      throws Exception {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
    JsonNode p = JSON.readTree(r.body());
    assertThat(p.get("code").asText()).isEqualTo(code);
    assertThat(p.get("detail").asText()).contains(detail);
  }

  private static JsonNode json(TestServer s, String token, String path) throws Exception {
    HttpResponse<String> r = s.send("GET", path, token, null);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return JSON.readTree(r.body());
  }

  static List<byte[]> hashes(JsonNode array) {
    List<byte[]> out = new ArrayList<>();
    array.forEach(n -> out.add(unhex(n.asText())));
    return out;
  }

  static byte[] unhex(String s) {
    return HexFormat.of().parseHex(s);
  }
}
