package dev.imprint.server.hostile;

import static dev.imprint.server.hostile.Hostile.json;
import static dev.imprint.server.hostile.Hostile.problem;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.imprint.scan.secret.SecretDetectors;
import dev.imprint.server.testing.Stores;
import dev.imprint.server.testing.TestServer;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A findings upload whose free text carries a raw credential is refused, naming the field and
 * the kind of credential but never the value, and nothing is stored; as the inventory does.
 */
class UploadedSecretsTest {
  private static final String COMMIT = "3f9a1c2e4b5d6f708192a3b4c5d6e7f809a1b2c3";
  /** Credentials of known formats; none leaves this test in a response. */
  private static final List<String> CREDENTIALS = List.of("glpat-Zq3Xw9Lm2Rt7Vb4Nc8Kd",
      "AKIAQ3EGWZ7LNE5TCKXB", "xoxb-1234567890-1234567890123-Zq3Xw9Lm2Rt7Vb4Nc8KdPq1s",
      "sk_live_Zq3Xw9Lm2Rt7Vb4Nc8KdPq1s");
  @TempDir Path dir;

  private static String upload(String field, String value) {
    ObjectNode f = JsonNodeFactory.instance.objectNode().put("ruleId", "IMP-SECRET-001")
        .put("title", "A secret").put("severity", "critical").put("path", "app/config.env")
        .put("message", "secret found");
    f.put(field, value);
    return "{\"repository\":\"acme/leaky\",\"commit\":\"" + COMMIT + "\",\"report\":"
        + "{\"schemaVersion\":1,\"findings\":[" + f + "]}}";
  }

  @Test
  void aRawCredentialInAnyFreeTextFieldOfAFindingIsRefusedWithoutEchoingIt() {
    int checked = 0;
    try (TestServer s = TestServer.start(Stores.Kind.SQLITE, dir)) {
      for (String credential : CREDENTIALS) {
        assertThat(SecretDetectors.find(credential)).as(credential).isNotEmpty();
        for (String field : List.of("message", "title", "path", "category", "ruleId",
            "fingerprint")) {
          if (field.equals("category") && credential.length() > 32) {
            continue; // a category is at most 32 characters; longer ones fail on length first
          }
          String value = field.equals("category") ? credential : "value " + credential + " x";
          HttpResponse<String> res = json(s.url(), "POST", "/v1/findings", s.adminToken(),
              upload(field, value));
          JsonNode p = problem(res, 400);
          assertThat(p.get("code").asText()).isEqualTo("finding.secret_not_redacted");
          assertThat(p.get("detail").asText()).contains("findings[0]." + field);
          assertThat(res.body()).doesNotContain(credential).doesNotContain(credential
              .substring(0, 12));
          checked++;
        }
        HttpResponse<String> res = json(s.url(), "POST", "/v1/findings", s.adminToken(),
            "{\"repository\":\"acme/leaky\",\"commit\":\"" + COMMIT + "\",\"report\":"
                + "{\"schemaVersion\":1,\"tool\":{\"name\":\"imprint\",\"version\":\""
                + credential + "\"},\"findings\":[]}}");
        JsonNode p = problem(res, 400);
        assertThat(p.get("code").asText()).isEqualTo("finding.secret_not_redacted");
        assertThat(p.get("detail").asText()).contains("tool.version");
        assertThat(res.body()).doesNotContain(credential);
        checked++;
      }
      assertThat(s.send("GET", "/v1/findings?repository=acme/leaky", s.adminToken(), null)
          .statusCode()).isEqualTo(404);
      HttpResponse<String> redacted = json(s.url(), "POST", "/v1/findings", s.adminToken(),
          upload("message", "GitLab token glpa****(26) in app/config.env"));
      assertThat(redacted.statusCode()).as(redacted.body()).isEqualTo(201);
    }
    assertThat(checked).isEqualTo(CREDENTIALS.size() * 7 - 1);
  }
}
