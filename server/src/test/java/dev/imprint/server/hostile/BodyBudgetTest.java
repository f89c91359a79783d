package dev.imprint.server.hostile;

import static dev.imprint.server.hostile.Hostile.json;
import static org.assertj.core.api.Assertions.assertThat;

import dev.imprint.server.testing.Stores;
import dev.imprint.server.testing.TestServer;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every request gives back the body bytes it held, however it ends: stored, refused while
 * parsing, refused by its service, or on a route that authenticates itself.
 */
class BodyBudgetTest {
  private static final Pattern HELD =
      Pattern.compile("(?m)^imprint_http_body_held_bytes(?:\\{[^}]*})? (\\S+)$");
  private static final Pattern BUDGET =
      Pattern.compile("(?m)^imprint_http_body_budget_bytes(?:\\{[^}]*})? (\\S+)$");
  @TempDir Path dir;

  private static double gauge(TestServer s, Pattern p) {
    Matcher m = p.matcher(s.send("GET", "/metrics", null, null).body());
    assertThat(m.find()).isTrue();
    return Double.parseDouble(m.group(1));
  }

  @Test
  void everyWayARequestEndsGivesItsBodyBytesBack() {
    try (TestServer s = TestServer.start(Stores.Kind.SQLITE, dir)) {
      String admin = s.adminToken();
      assertThat(gauge(s, BUDGET)).isPositive();
      for (int i = 0; i < 20; i++) {
        json(s.url(), "POST", "/v1/tokens", admin, "{\"role\":\"auditor\"}");
        json(s.url(), "POST", "/v1/tokens", admin, "{\"role\":\"auditor\",\"role\":\"admin\"}");
        json(s.url(), "POST", "/v1/tokens", admin, "{\"role\":\"emperor\"}");
        json(s.url(), "POST", "/v1/identities", admin, "{\"spiffeId\":\"bad\"}");
        json(s.url(), "POST", "/v1/findings", admin, "{\"repository\":\"acme/b\",\"commit\":"
            + "\"zz\",\"report\":{\"schemaVersion\":1,\"findings\":[]}}");
        json(s.url(), "POST", "/v1/attest/join-token", null, "{\"join_token\":\"nope\"}");
        json(s.url(), "POST", "/v1/svid/renew", null, "{}");
      }
      assertThat(gauge(s, HELD)).isZero();
    }
  }
}
