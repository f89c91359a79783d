package dev.imprint.server.dbcreds;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imprint.server.testing.RoundTrips;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/**
 * Creating a login costs two round trips to the database server (the lock, the role and its
 * grants in one query, then the commit), whatever the number of grants: every issue on a server
 * waits for the advisory lock while another holds it, so each round trip inside it counts.
 */
class LoginsRoundTripsTest {
  @Test
  void aLoginWithItsGrantsIsCreatedInTwoRoundTripsAndWorks() throws Exception {
    int port = TargetPostgres.get().getPort();
    Properties admin = new Properties();
    admin.setProperty("user", TargetPostgres.ADMIN);
    admin.setProperty("password", TargetPostgres.ADMIN_PASSWORD);
    admin.setProperty("sslmode", "disable");
    String role = Logins.PREFIX + "roundtrips0";
    char[] password = "a-test-password-of-the-login".toCharArray();
    try (RoundTrips wire = RoundTrips.to("127.0.0.1", port);
        Connection c = DriverManager.getConnection(wire.route("jdbc:postgresql://127.0.0.1:"
            + port + "/shop"), admin)) {
      int from = wire.ended();
      Logins.create(c, role, password, Instant.now().plusSeconds(600), "shop", "app",
          List.of("read", "write"));
      assertThat(wire.since(from)).as("round trips of the creating transaction")
          .containsExactly(2);
      try (Connection login = TargetPostgres.login(role, new String(password));
          Statement st = login.createStatement();
          ResultSet rs = st.executeQuery("SELECT count(*) FROM app.orders")) {
        assertThat(rs.next()).isTrue();
      }
      assertThat(Logins.drop(c, role, "shop", "app", List.of("read", "write")).dropped())
          .isTrue();
      assertThat(Logins.exists(c, role)).isFalse();
    } finally {
      // as the grantor, so that a failed assertion above is not hidden by a failing clean-up
      try (Connection c = TargetPostgres.login(TargetPostgres.ADMIN,
          TargetPostgres.ADMIN_PASSWORD)) {
        Logins.drop(c, role, "shop", "app", List.of("read", "write"));
      }
    }
  }
}
