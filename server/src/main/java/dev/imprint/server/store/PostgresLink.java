package dev.imprint.server.store;

import com.zaxxer.hikari.HikariConfig;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.postgresql.Driver;

/**
 * What the store needs to know about its PostgreSQL link: the driver settings that bound every
 * wait (unless the JDBC URL sets them itself), the session settings that make the server end a
 * stalled writer's transaction and notice a vanished client, a connection of its own for the health probe and for finding out
 * whether a commit whose answer was lost landed, and start-up errors in one line that names the
 * server and never the password.
 */
final class PostgresLink implements StoreProbe.Probe {
  private final String url;
  private final StoreSettings settings;
  private final Properties parsed;
  private final Properties driver = new Properties();
  private final String initSql;

  private PostgresLink(String url, StoreSettings settings, Properties parsed) {
    this.url = url;
    this.settings = settings;
    this.parsed = parsed;
    driver.setProperty("connectTimeout", Database.seconds(settings.timeout()));
    driver.setProperty("loginTimeout", Database.seconds(settings.timeout()));
    driver.setProperty("socketTimeout", Database.seconds(settings.socketTimeout()));
    driver.setProperty("tcpKeepAlive", "true");
    driver.setProperty("ApplicationName", "imprint");
    String options = parsed.getProperty("options", "");
    List<String> sets = new ArrayList<>();
    List<String> flags = new ArrayList<>();
    setting(options, "idle_in_transaction_session_timeout",
        settings.idleInTransaction().toMillis(), sets, flags);
    setting(options, "lock_timeout", settings.lockTimeout().toMillis(), sets, flags);
    // the server's side of the keepalives: without them PostgreSQL notices a client that
    // vanished (a partition, a frozen link) only after Linux's two hours of silence
    setting(options, "tcp_keepalives_idle", settings.keepaliveIdle().toSeconds(), sets, flags);
    setting(options, "tcp_keepalives_interval", settings.keepaliveIdle().toSeconds(), sets,
        flags);
    setting(options, "tcp_keepalives_count", StoreSettings.KEEPALIVE_PROBES, sets, flags);
    setting(options, "tcp_user_timeout", settings.socketTimeout().toMillis(), sets, flags);
    if (options.isEmpty()) {
      // no options in the URL: the settings go with the login, at no extra round trip
      driver.setProperty("options", String.join(" ", flags));
      this.initSql = null;
    } else {
      this.initSql = sets.isEmpty() ? null : String.join("; ", sets);
    }
  }

  /** The link of {@code url} (a {@code jdbc:postgresql:} URL). */
  static PostgresLink of(String url, StoreSettings settings) {
    Properties parsed = Driver.parseURL(url, null);
    if (parsed == null) {
      throw new StoreException("store.unsupported_url", "expected a valid"
          + " jdbc:postgresql://HOST[:PORT]/DATABASE URL, got '" + redactUrl(url) + "'");
    }
    return new PostgresLink(url, settings, parsed);
  }

  /**
   * A setting the URL's {@code options} does not already make, in the setting's base unit
   * (milliseconds for the timeouts, seconds for the keepalive intervals, a count for the last).
   */
  private static void setting(String options, String name, long value, List<String> sets,
      List<String> flags) {
    if (!options.contains(name)) {
      sets.add("SET " + name + " = " + value);
      flags.add("-c " + name + "=" + value);
    }
  }

  /** Puts the driver settings (the URL's own win) and the session settings on the pool. */
  void configure(HikariConfig c) {
    driver.forEach((k, v) -> c.addDataSourceProperty((String) k, v));
    if (initSql != null) {
      c.setConnectionInitSql(initSql);
    }
  }

  /** A connection outside the pool, for the probe and outcome checks. */
  Connection connect() throws SQLException {
    Properties p = Database.copy(driver);
    p.setProperty("ApplicationName", "imprint-probe");
    Connection c = new Driver().connect(url, p);
    if (c == null) {
      throw new SQLException("the PostgreSQL driver does not accept the URL");
    }
    if (initSql != null) {
      try (Statement st = c.createStatement()) {
        st.execute(initSql);
      }
    }
    return c;
  }

  /** The probe's own connection, kept between probes. */
  private volatile Connection probeConnection;

  /** One probe: a connection of its own answers {@code SELECT 1}. */
  @Override
  public void run() throws SQLException {
    if (probeConnection == null || probeConnection.isClosed()) {
      probeConnection = connect();
    }
    try (Statement st = probeConnection.createStatement()) {
      st.execute("SELECT 1");
    } catch (SQLException e) {
      abort();
      throw e;
    }
  }

  /** Drops the probe's connection (after a failed or timed-out probe, and at close). */
  @Override
  public void abort() {
    Connection c = probeConnection;
    probeConnection = null;
    if (c != null) {
      try {
        c.abort(Runnable::run);
      } catch (SQLException | RuntimeException ignored) {
        // already broken
      }
    }
  }

  /**
   * Whether transaction {@code xid} (begun by backend {@code pid}) committed: asks a new
   * connection until the store answers, within twice the store timeout. A transaction still in
   * progress is one whose backend has not noticed that its client is gone; ending that backend
   * settles it (the server also ends it by itself after the idle-in-transaction timeout).
   */
  GroupCommit.Outcome resolve(long xid, int pid) {
    long deadline = System.nanoTime() + settings.timeout().multipliedBy(2).toNanos();
    while (System.nanoTime() < deadline) {
      try (Connection c = connect()) {
        while (System.nanoTime() < deadline) {
          String status = status(c, xid);
          if (status == null) {
            return GroupCommit.Outcome.UNKNOWN; // too old to tell: never for a fresh xid
          }
          switch (status) {
            case "committed":
              return GroupCommit.Outcome.COMMITTED;
            case "aborted":
              return GroupCommit.Outcome.ABORTED;
            default:
              terminate(c, pid, xid);
              TimeUnit.MILLISECONDS.sleep(50);
          }
        }
      } catch (SQLException e) {
        sleep(250);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return GroupCommit.Outcome.UNKNOWN;
      }
    }
    return GroupCommit.Outcome.UNKNOWN;
  }

  private static String status(Connection c, long xid) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT txid_status(?)")) {
      ps.setLong(1, xid);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getString(1);
      }
    }
  }

  /** Ends backend {@code pid} if it still runs transaction {@code xid} (never another one). */
  private static void terminate(Connection c, int pid, long xid) {
    try (PreparedStatement ps = c.prepareStatement("SELECT pg_terminate_backend(pid) FROM"
        + " pg_stat_activity WHERE pid = ? AND backend_xid::text = ?")) {
      ps.setInt(1, pid);
      ps.setString(2, Long.toString(xid & 0xFFFFFFFFL));
      ps.executeQuery().close();
    } catch (SQLException e) {
      // not allowed to (another role): wait for the server's idle-in-transaction timeout
    }
  }

  private static void sleep(long millis) {
    try {
      TimeUnit.MILLISECONDS.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Where the URL points: {@code host:port/database}. */
  String target() {
    return parsed.getProperty("PGHOST", "localhost").replace(",", ", ") + ":"
        + parsed.getProperty("PGPORT", "5432").replace(",", ", ") + "/"
        + parsed.getProperty("PGDBNAME", "");
  }

  /**
   * Why the pool could not open its first connection, in one line: the server and what went
   * wrong, without the driver's detail lines and without the password.
   */
  String cannotConnect(RuntimeException e) {
    Throwable socket = null;
    SQLException server = null;
    for (Throwable t = e; t != null && t.getCause() != t; t = t.getCause()) {
      if (t instanceof ConnectException || t instanceof UnknownHostException
          || t instanceof SocketTimeoutException || t instanceof NoRouteToHostException) {
        socket = socket == null ? t : socket;
      } else if (t instanceof SQLException s && s.getSQLState() != null && server == null) {
        server = s;
      }
    }
    String why;
    if (socket instanceof UnknownHostException) {
      why = "unknown host";
    } else if (socket instanceof ConnectException || socket instanceof NoRouteToHostException) {
      why = "connection refused or no route to the host (is PostgreSQL running and listening"
          + " there?)";
    } else if (socket instanceof SocketTimeoutException
        || server != null && Database.oneLine(server).contains("timed out")) {
      why = "no answer within " + settings.timeout().toSeconds() + " s (the host did not"
          + " complete a PostgreSQL login: wrong port, a firewall, or a server that is stuck)";
    } else if (server != null && !server.getSQLState().startsWith("08")) {
      why = "the server refused: " + firstLine(server) + " (SQLSTATE " + server.getSQLState()
          + ")";
    } else {
      why = Database.oneLine(e);
    }
    return redact("cannot connect to PostgreSQL at " + target() + ": " + why);
  }

  private static String firstLine(SQLException e) {
    String m = String.valueOf(e.getMessage());
    int nl = m.indexOf('\n');
    return (nl < 0 ? m : m.substring(0, nl)).strip();
  }

  /** {@code text} with the URL's password, if any, replaced. */
  String redact(String text) {
    String password = parsed.getProperty("password");
    String out = text.replace('\n', ' ').replace('\r', ' ');
    return password == null || password.isEmpty() ? out : out.replace(password, "[redacted]");
  }

  static String redactUrl(String url) {
    return url.replaceAll("(?i)(password=)[^&;]*", "$1[redacted]")
        .replaceAll("//([^/@:]+):[^/@]*@", "//$1:[redacted]@");
  }
}
