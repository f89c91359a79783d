package dev.imprint.server.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imprint.server.ServerConfig;
import dev.imprint.server.testing.AuditActions;
import dev.imprint.server.testing.Stores;
import dev.imprint.server.testing.TestServer;
import dev.imprint.server.testing.Together;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The control plane never loses its last admin, and never mints one behind anyone's back. */
class AdminTokenSafetyTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path dir;

  @ParameterizedTest
  @MethodSource("dev.imprint.server.testing.Stores#kinds")
  void theLastActiveAdminTokenCannotBeRevoked(Stores.Kind kind) throws Exception {
    try (TestServer s = TestServer.start(kind, dir)) {
      String first = s.adminToken();
      String firstId = first.substring(4, 20);
      HttpResponse<String> refused = s.send("DELETE", "/v1/tokens/" + firstId, first, null);
      assertProblem(refused, 409, "token.last_admin");
      assertThat(detail(refused)).contains(firstId).contains("--bootstrap-admin");
      assertThat(s.send("GET", "/v1/tokens", first, null).statusCode()).isEqualTo(200);

      JsonNode second = JSON.readTree(s.send("POST", "/v1/tokens", first,
          "{\"role\":\"admin\",\"description\":\"break-glass\"}").body());
      String secondId = second.get("id").asText();
      assertThat(s.send("DELETE", "/v1/tokens/" + firstId, second.get("token").asText(), null)
          .statusCode()).isEqualTo(204);
      assertProblem(s.send("DELETE", "/v1/tokens/" + secondId, second.get("token").asText(),
          null), 409, "token.last_admin");
      assertThat(activeAdmins(s)).isEqualTo(1);
      assertThat(AuditActions.actions(s.server().database(), "token.revoked")).hasSize(1);
    }
  }

  @ParameterizedTest
  @MethodSource("dev.imprint.server.testing.Stores#kinds")
  void twoLastAdminsRevokingEachOtherAtOnceLeaveOneAdmin(Stores.Kind kind) throws Exception {
    try (TestServer s = TestServer.start(kind, dir)) {
      String keeper = s.adminToken();
      for (int round = 0; round < 5; round++) {
        JsonNode other = JSON.readTree(s.send("POST", "/v1/tokens", keeper,
            "{\"role\":\"admin\"}").body());
        String[] tokens = {keeper, other.get("token").asText()};
        String[] ids = {keeper.substring(4, 20), other.get("id").asText()};
        List<HttpResponse<String>> answers = Together.run(2, i -> s.send("DELETE",
            "/v1/tokens/" + ids[1 - i], tokens[i], null));
        assertThat(answers).extracting(HttpResponse::statusCode).as("round %d", round)
            .containsOnlyOnce(204);
        assertThat(activeAdmins(s)).isEqualTo(1);
        keeper = answers.get(0).statusCode() == 204 ? tokens[0] : tokens[1];
      }
    }
  }

  @Test
  void aLaterStartMintsNoAdminTokenEvenWhenNoneIsActive() throws Exception {
    try (TestServer s = TestServer.start(Stores.Kind.SQLITE, dir)) {
      assertThat(s.adminToken()).isNotNull();
      revokeEveryAdminInTheStore(s);
    }
    try (TestServer again = TestServer.start(Stores.Kind.SQLITE, dir)) {
      assertThat(again.adminToken()).isNull();
      assertThat(again.console()).doesNotContain("admin token:");
      assertThat(activeAdmins(again)).isZero();
    }
  }

  @Test
  void bootstrapAdminMintsAnAuditedAdminTokenOnALaterStart() throws Exception {
    String original;
    try (TestServer s = TestServer.start(Stores.Kind.SQLITE, dir)) {
      original = s.adminToken();
    }
    ServerConfig c = TestServer.config(dir, null).withCheckpointInterval(Duration.ZERO);
    try (TestServer again = TestServer.start(c.withBootstrapAdmin(true))) {
      String minted = again.adminToken();
      assertThat(minted).isNotNull().isNotEqualTo(original);
      assertThat(again.send("GET", "/v1/tokens", minted, null).statusCode()).isEqualTo(200);
      assertThat(again.send("GET", "/v1/tokens", original, null).statusCode()).isEqualTo(200);
      JsonNode entry = AuditActions.entries(again.server().database()).stream()
          .filter(e -> e.get("action").asText().equals("token.created"))
          .reduce((x, y) -> y).orElseThrow();
      assertThat(entry.get("actor").asText()).isEqualTo("system:bootstrap-admin");
      assertThat(entry.get("subject").asText()).isEqualTo("token:" + minted.substring(4, 20));
      assertThat(entry.get("details").get("bootstrap").asBoolean()).isTrue();
      assertThat(entry.toString()).doesNotContain(minted.substring(21));
      assertThat(activeAdmins(again)).isEqualTo(2);
    }
  }

  private static void revokeEveryAdminInTheStore(TestServer s) {
    s.server().database().write(c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "UPDATE api_tokens SET revoked_at = 1 WHERE role = 'admin'")) {
        return ps.executeUpdate();
      }
    });
  }

  private static long activeAdmins(TestServer s) {
    return s.server().database().read(c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM api_tokens"
          + " WHERE role = 'admin' AND revoked_at IS NULL"); ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    });
  }

  private static String detail(HttpResponse<String> res) throws Exception {
    return JSON.readTree(res.body()).get("detail").asText();
  }

  private static void assertProblem(HttpResponse<String> res, int status, String code)
      throws Exception {
    assertThat(res.statusCode()).as(res.body()).isEqualTo(status);
    assertThat(JSON.readTree(res.body()).get("code").asText()).isEqualTo(code);
  }
}
