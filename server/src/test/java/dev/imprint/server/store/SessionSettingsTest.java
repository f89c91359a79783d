package dev.imprint.server.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.imprint.server.testing.Stores;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every wait of a PostgreSQL session is bounded by what {@link StoreSettings} derives from the
 * store timeout, as PostgreSQL itself reports it on the store's connections; the JDBC URL's own
 * settings win.
 */
class SessionSettingsTest {
  private static final StoreSettings TWO_SECONDS = new StoreSettings(Duration.ofSeconds(2), 10);
  private static final List<String> SESSION = List.of("idle_in_transaction_session_timeout",
      "lock_timeout", "tcp_keepalives_idle", "tcp_keepalives_interval", "tcp_keepalives_count",
      "tcp_user_timeout");

  @TempDir Path dir;

  @Test
  void theStoresSessionsBoundEveryWaitFromTheStoreTimeout() throws Exception {
    try (Database db = Database.open(Stores.jdbcUrl(Stores.Kind.POSTGRESQL), dir, TWO_SECONDS)) {
      Map<String, String> pooled = db.read(SessionSettingsTest::session);
      assertThat(pooled).containsExactlyEntriesOf(expected("2s", "4s"));
      assertThat(db.write(SessionSettingsTest::session)).as("the writer's session")
          .containsExactlyEntriesOf(expected("2s", "4s"));
      assertThat(db.read(Connection::getNetworkTimeout)).as("socketTimeout, 3 T")
          .isEqualTo(6_000);
      Properties driver = ((HikariDataSource) db.dataSource()).getDataSourceProperties();
      assertThat(driver).containsEntry("connectTimeout", "2").containsEntry("loginTimeout", "2")
          .containsEntry("socketTimeout", "6").containsEntry("tcpKeepAlive", "true");
      // the probe's and the outcome checks' own connections get the same settings
      try (Connection own = PostgresLink.of(Stores.jdbcUrl(Stores.Kind.POSTGRESQL), TWO_SECONDS)
          .connect()) {
        assertThat(session(own)).containsExactlyEntriesOf(expected("2s", "4s"));
        assertThat(own.getNetworkTimeout()).isEqualTo(6_000);
      }
    }
  }

  @Test
  void theUrlsOwnSettingsWinAndTheOthersAreStillSet() throws Exception {
    String url = Stores.jdbcUrl(Stores.Kind.POSTGRESQL)
        + "&socketTimeout=60&options=-c%20lock_timeout%3D20000";
    try (Database db = Database.open(url, dir, TWO_SECONDS)) {
      assertThat(db.read(SessionSettingsTest::session)).containsExactlyEntriesOf(
          expected("2s", "20s"));
      assertThat(db.read(Connection::getNetworkTimeout)).isEqualTo(60_000);
      assertThat(db.write(SessionSettingsTest::session)).containsExactlyEntriesOf(
          expected("2s", "20s"));
    }
  }

  private static Map<String, String> expected(String idle, String lock) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("idle_in_transaction_session_timeout", idle);
    m.put("lock_timeout", lock);
    // PostgreSQL shows these three without their unit: seconds, seconds, milliseconds
    m.put("tcp_keepalives_idle", "2");
    m.put("tcp_keepalives_interval", "2");
    m.put("tcp_keepalives_count", "3");
    m.put("tcp_user_timeout", "6000");
    return m;
  }

  private static Map<String, String> session(Connection c) throws SQLException {
    Map<String, String> m = new LinkedHashMap<>();
    try (Statement st = c.createStatement()) {
      for (String name : SESSION) {
        try (ResultSet rs = st.executeQuery("SHOW " + name)) {
          rs.next();
          m.put(name, rs.getString(1));
        }
      }
    }
    return m;
  }
}
