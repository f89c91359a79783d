package dev.imprint.server.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imprint.server.testing.Stores;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A store that cannot be opened fails the start within the store timeout, with one line that
 * names the server and the cause: no driver detail lines, never the password.
 */
class StoreStartupTest {
  private static final String PASSWORD = "s3cret-Hunter2-never-shown";
  private static final StoreSettings ONE_SECOND = new StoreSettings(Duration.ofSeconds(1), 10);

  @TempDir Path dir;

  @Test
  @Timeout(60) // the old code waited here forever
  void aHostThatAcceptsTcpButNeverAnswersFailsTheStartInBoundedTimeWithOneClearLine()
      throws Exception {
    try (SilentServer silent = SilentServer.start()) {
      String url = "jdbc:postgresql://127.0.0.1:" + silent.port() + "/imprint?user=imprint"
          + "&password=" + PASSWORD;
      assertThatThrownBy(() -> Database.open(url, dir, ONE_SECOND))
          .isInstanceOf(StoreException.class)
          .satisfies(e -> {
            String m = e.getMessage();
            assertThat(((StoreException) e).code()).isEqualTo("store.unavailable");
            assertThat(m).startsWith("cannot connect to PostgreSQL at 127.0.0.1:" + silent.port()
                + "/imprint: no answer within 1 s").doesNotContain("\n")
                .doesNotContain(PASSWORD).doesNotContain("Exception");
          });
      assertThat(silent.accepted()).as("it did reach the host").isPositive();
    }
  }

  @Test
  @Timeout(60)
  void aRefusedConnectionNamesTheHostAndSaysSo() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort(); // closed again: nothing listens there
    }
    String url = "jdbc:postgresql://127.0.0.1:" + port + "/imprint?user=imprint&password="
        + PASSWORD;
    assertThatThrownBy(() -> Database.open(url, dir, ONE_SECOND))
        .hasMessage("cannot connect to PostgreSQL at 127.0.0.1:" + port + "/imprint: connection"
            + " refused or no route to the host (is PostgreSQL running and listening there?)");
  }

  @Test
  @Timeout(60)
  void anUnknownHostIsNamedAndSaidToBeUnknown() {
    // .invalid never resolves (RFC 6761)
    String url = "jdbc:postgresql://imprint-store.invalid:5432/imprint?user=imprint&password="
        + PASSWORD;
    assertThatThrownBy(() -> Database.open(url, dir, ONE_SECOND))
        .isInstanceOf(StoreException.class)
        .hasMessage("cannot connect to PostgreSQL at imprint-store.invalid:5432/imprint: unknown"
            + " host");
  }

  @Test
  @Timeout(120)
  void aWrongPasswordIsTheServersOneLineAndNeverThePassword() throws Exception {
    try (EmbeddedPostgres pg = EmbeddedPostgres.builder().setDataDirectoryCustomizer(d -> {
      try {
        Files.writeString(d.toPath().resolve("pg_hba.conf"), String.join("\n",
            "local all all trust", "host all postgres 127.0.0.1/32 trust",
            "host all all 127.0.0.1/32 scram-sha-256", ""), StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }).start()) {
      try (Connection c = pg.getPostgresDatabase().getConnection();
          Statement st = c.createStatement()) {
        st.execute("CREATE ROLE imprint LOGIN PASSWORD 'the-right-one-0123456789'");
      }
      String url = "jdbc:postgresql://127.0.0.1:" + pg.getPort() + "/postgres?user=imprint"
          + "&password=" + PASSWORD;
      assertThatThrownBy(() -> Database.open(url, dir, ONE_SECOND))
          .isInstanceOf(StoreException.class)
          .hasMessage("cannot connect to PostgreSQL at 127.0.0.1:" + pg.getPort() + "/postgres:"
              + " the server refused: FATAL: password authentication failed for user"
              + " \"imprint\" (SQLSTATE 28P01)");
    }
  }

  @Test
  @Timeout(60)
  void aServerThatRefusesTheLoginGivesItsReasonInOneLine() throws Exception {
    String url = Stores.postgres().getJdbcUrl("postgres", "no_such_database_here")
        + "&password=" + PASSWORD;
    assertThatThrownBy(() -> Database.open(url, dir, ONE_SECOND))
        .satisfies(e -> assertThat(e.getMessage())
            .contains("/no_such_database_here: the server refused: FATAL: database"
                + " \"no_such_database_here\" does not exist (SQLSTATE 3D000)")
            .doesNotContain("\n").doesNotContain(PASSWORD));
  }

  @Test
  @Timeout(60)
  void aMigrationTheServerRefusesIsOneLineWithoutTheDriversDetailLines() throws Exception {
    String jdbc = Stores.jdbcUrl(Stores.Kind.POSTGRESQL);
    String db = jdbc.substring(jdbc.lastIndexOf('/') + 1, jdbc.indexOf('?'));
    try (Connection c = Stores.postgres().getPostgresDatabase().getConnection();
        Statement st = c.createStatement()) {
      st.execute("CREATE ROLE imprint_readonly LOGIN PASSWORD '" + PASSWORD + "'");
      st.execute("REVOKE CREATE ON DATABASE " + db + " FROM PUBLIC");
    }
    try (Connection c = Stores.postgres().getDatabase("postgres", db).getConnection();
        Statement st = c.createStatement()) {
      st.execute("REVOKE CREATE ON SCHEMA public FROM PUBLIC");
    }
    String url = jdbc.replace("user=postgres", "user=imprint_readonly&password=" + PASSWORD);
    try {
      assertThatThrownBy(() -> Database.open(url, dir, ONE_SECOND))
          .isInstanceOf(StoreException.class)
          .satisfies(e -> {
            assertThat(((StoreException) e).code()).isEqualTo("store.migration_failed");
            assertThat(e.getMessage()).startsWith("cannot migrate the store: ")
                .contains("permission denied").doesNotContain("\n")
                .doesNotContain("Position").doesNotContain(PASSWORD);
          });
    } finally {
      try (Connection c = Stores.postgres().getPostgresDatabase().getConnection();
          Statement st = c.createStatement()) {
        st.execute("DROP ROLE IF EXISTS imprint_readonly");
      } catch (java.sql.SQLException ignored) {
        // the role owns nothing it could not drop; a leftover role harms no other test
      }
    }
  }

  /** Accepts TCP connections and never says a word, as a stuck or wrong service would. */
  static final class SilentServer implements AutoCloseable {
    private final ServerSocket socket;
    private final List<Socket> held = new CopyOnWriteArrayList<>();

    private SilentServer(ServerSocket socket) {
      this.socket = socket;
    }

    static SilentServer start() throws IOException {
      SilentServer s = new SilentServer(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()));
      Thread t = new Thread(() -> {
        while (!s.socket.isClosed()) {
          try {
            s.held.add(s.socket.accept());
          } catch (IOException e) {
            return;
          }
        }
      }, "silent-server");
      t.setDaemon(true);
      t.start();
      return s;
    }

    int port() {
      return socket.getLocalPort();
    }

    int accepted() {
      return held.size();
    }

    @Override
    public void close() throws IOException {
      socket.close();
      for (Socket s : held) {
        s.close();
      }
    }
  }
}
