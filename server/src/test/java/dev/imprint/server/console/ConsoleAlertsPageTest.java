package dev.imprint.server.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imprint.server.testing.Stores;
import dev.imprint.server.testing.TestServer;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The console's alerts page over a real server and HTTP client: its severity filter is part of
 * the query, so a critical alert behind more newer low ones than the page lists still shows.
 */
class ConsoleAlertsPageTest {
  private static final int NEWER_LOW = ConsoleRoutes.ALERT_ROWS + 5;
  private static final Pattern ROW = Pattern.compile("<tr id=\"alert-([^\"]+)\">");

  @TempDir static Path dir;
  static TestServer server;
  static ConsoleFixture.Browser browser;

  @BeforeAll
  static void start() {
    server = TestServer.start(Stores.Kind.SQLITE, dir);
    long now = System.currentTimeMillis();
    // stored as the alerts service stores them; raising 200+ through real detections would
    // take minutes and test the detections, not the page
    insert("al-critical-open", "critical", "open", now - 3_600_000, null);
    insert("al-critical-done", "critical", "resolved", now - 3_600_000, now - 3_000_000);
    for (int i = 0; i < NEWER_LOW; i++) {
      insert(String.format(Locale.ROOT, "al-low-open-%03d", i), "low", "open", now - 60_000 + i,
          null);
      insert(String.format(Locale.ROOT, "al-low-done-%03d", i), "low", "resolved",
          now - 60_000 + i, now - 1_000 + i);
    }
    browser = new ConsoleFixture.Browser(server.url());
    browser.login(server.adminToken());
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static void insert(String id, String severity, String state, long raisedAt,
      Long resolvedAt) {
    server.server().database().write(c -> {
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO alerts (id, dedup_key, rule,"
          + " severity, subject, summary, evidence, link, state, raised_at, resolved_at,"
          + " resolved_by) VALUES (?, ?, 'nhi.test', ?, 'spiffe://imprint.local/x', 's', '{}',"
          + " '/identities', ?, ?, ?, ?)")) {
        ps.setString(1, id);
        ps.setString(2, id);
        ps.setString(3, severity);
        ps.setString(4, state);
        ps.setLong(5, raisedAt);
        if (resolvedAt == null) {
          ps.setNull(6, java.sql.Types.BIGINT);
          ps.setNull(7, java.sql.Types.VARCHAR);
        } else {
          ps.setLong(6, resolvedAt);
          ps.setString(7, "admin");
        }
        return ps.executeUpdate();
      }
    });
  }

  private static List<String> rows(String body) {
    List<String> ids = new ArrayList<>();
    Matcher m = ROW.matcher(body);
    while (m.find()) {
      ids.add(m.group(1));
    }
    return ids;
  }

  @Test
  void criticalFilterWhenNewerLowAlertsFillTheLimitThenCriticalAlertsShown() {
    HttpResponse<String> res = browser.get("/alerts?severity=critical");
    assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
    assertThat(rows(res.body())).containsExactly("al-critical-open", "al-critical-done");
  }

  @Test
  void lowFilterThenOnlyLowAlertsUpToTheLimitInEachTable() {
    List<String> ids = rows(browser.get("/alerts?severity=low").body());
    assertThat(ids).hasSize(2 * ConsoleRoutes.ALERT_ROWS).allMatch(id -> id.startsWith("al-low"));
  }

  @Test
  void noFilterThenTheNewestOfEverySeverityUpToTheLimit() {
    List<String> ids = rows(browser.get("/alerts").body());
    assertThat(ids).hasSize(2 * ConsoleRoutes.ALERT_ROWS)
        .doesNotContain("al-critical-open", "al-critical-done");
    assertThat(rows(browser.get("/alerts?severity=").body())).isEqualTo(ids);
  }

  @Test
  void unknownSeverityThenParameterInvalid() {
    HttpResponse<String> res = browser.get("/alerts?severity=urgent");
    assertThat(res.statusCode()).isEqualTo(400);
    assertThat(res.body()).contains("console.parameter_invalid").contains("urgent");
  }
}
