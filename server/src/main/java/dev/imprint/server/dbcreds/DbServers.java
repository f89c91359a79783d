package dev.imprint.server.dbcreds;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.imprint.server.audit.AuditEvent;
import dev.imprint.server.audit.AuditLog;
import dev.imprint.server.audit.KeyEncryptionKey;
import dev.imprint.server.store.Database;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The registered PostgreSQL servers: registration (checked by connecting as the admin role), the
 * admin password kept only encrypted under the key-encryption key, and a small pool of admin
 * connections per server and database, opened on first use.
 */
public final class DbServers implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DbServers.class);
  /** Admin connections kept per server and database. */
  static final int POOL_SIZE = 4;
  /** Bounds a statement on the database server, so an issue or a drop cannot hang. */
  static final int STATEMENT_TIMEOUT_SECONDS = 10;
  static final int CONNECT_TIMEOUT_SECONDS = 5;

  /** What {@code POST /v1/db/servers} asks for; the password is held only until stored. */
  public record Registration(String name, String url, String adminUser, char[] password) {
    @Override
    public String toString() {
      return "Registration[" + name + ", " + url + ", " + adminUser + ", password=[redacted]]";
    }
  }

  private final Database db;
  private final AuditLog audit;
  private final KeyEncryptionKey kek;
  private final Clock clock;
  private final Map<String, HikariDataSource> pools = new ConcurrentHashMap<>();

  public DbServers(Database db, AuditLog audit, KeyEncryptionKey kek, Clock clock) {
    this.db = db;
    this.audit = audit;
    this.kek = kek;
    this.clock = clock;
  }

  /**
   * Registers a server after connecting to it as the admin role and checking that the role may
   * create roles.
   *
   * @throws DbException {@code db.server_name_invalid}, {@code db.url_invalid},
   *     {@code db.admin_user_invalid}, {@code db.password_missing} (400);
   *     {@code db.server_exists} (409); {@code db.server_unreachable},
   *     {@code db.admin_login_failed}, {@code db.admin_insufficient} (502)
   */
  public DbServer register(Registration r, String actor) {
    String name = DbServer.checkName(r.name());
    DbServer.Address a = DbServer.parseUrl(r.url());
    String user = DbServer.checkAdminUser(r.adminUser());
    if (r.password() == null || r.password().length == 0) {
      throw new DbException(DbException.Kind.INVALID, "db.password_missing",
          "expected the admin role's password, got none");
    }
    if (find(name).isPresent()) {
      throw exists(name);
    }
    DbServer server = new DbServer(name, a.host(), a.port(), a.database(), user, a.sslmode(),
        a.sslrootcert(), clock.instant(), actor);
    check(server, r.password());
    byte[] plain = new String(r.password()).getBytes(StandardCharsets.UTF_8);
    String wrapped;
    try {
      wrapped = kek.wrap(plain, context(name));
    } finally {
      Arrays.fill(plain, (byte) 0);
    }
    return db.write(c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM db_servers WHERE name = ?")) {
        ps.setString(1, name);
        try (ResultSet rs = ps.executeQuery()) {
          if (rs.next()) {
            throw exists(name);
          }
        }
      }
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO db_servers (name, host, port,"
          + " database_name, admin_user, password_wrapped, sslmode, sslrootcert, created_at,"
          + " created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
        ps.setString(1, name);
        ps.setString(2, server.host());
        ps.setInt(3, server.port());
        ps.setString(4, server.database());
        ps.setString(5, user);
        ps.setString(6, wrapped);
        ps.setString(7, server.sslmode());
        ps.setString(8, server.sslrootcert());
        ps.setLong(9, server.createdAt().toEpochMilli());
        ps.setString(10, actor);
        ps.executeUpdate();
      }
      Map<String, Object> d = new LinkedHashMap<>();
      d.put("host", server.host());
      d.put("port", server.port());
      d.put("database", server.database());
      d.put("adminUser", user);
      d.put("sslmode", server.sslmode());
      audit.append(c, new AuditEvent(actor, "db.server.registered", name, d));
      return server;
    });
  }

  private static DbException exists(String name) {
    return new DbException(DbException.Kind.CONFLICT, "db.server_exists",
        "a database server named '" + DbServer.shown(name) + "' is registered already");
  }

  /** Connects once as the admin role and checks that it may create roles. */
  private void check(DbServer s, char[] password) {
    try (Connection c = java.sql.DriverManager.getConnection(jdbcUrl(s, s.database()),
        properties(s, new String(password)))) {
      try (PreparedStatement ps = c.prepareStatement("SELECT rolsuper OR rolcreaterole FROM"
          + " pg_roles WHERE rolname = current_user"); ResultSet rs = ps.executeQuery()) {
        if (!rs.next() || !rs.getBoolean(1)) {
          throw new DbException(DbException.Kind.DATABASE, "db.admin_insufficient",
              "the role '" + s.adminUser() + "' may not create roles: it needs CREATEROLE"
                  + " (see docs/database.md, Registering a server)");
        }
      }
    } catch (SQLException e) {
      throw connectFailure(s, e);
    }
  }

  static DbException connectFailure(DbServer s, SQLException e) {
    String state = e.getSQLState() == null ? "" : e.getSQLState();
    if (state.equals("28P01") || state.equals("28000")) {
      return new DbException(DbException.Kind.DATABASE, "db.admin_login_failed",
          "the database server '" + s.name() + "' refused the admin role '" + s.adminUser()
              + "' (SQLSTATE " + state + ")");
    }
    return new DbException(DbException.Kind.DATABASE, "db.server_unreachable",
        "cannot reach the database server '" + s.name() + "' at " + s.host() + ":" + s.port()
            + " (SQLSTATE " + (state.isEmpty() ? "none" : state) + ": " + firstLine(e) + ")");
  }

  static String firstLine(SQLException e) {
    String m = String.valueOf(e.getMessage());
    int nl = m.indexOf('\n');
    return DbServer.shown(nl < 0 ? m : m.substring(0, nl));
  }

  /** The registered servers, by name. */
  public List<DbServer> list() {
    return db.read(c -> {
      List<DbServer> out = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement(SELECT + " ORDER BY name");
          ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(server(rs));
        }
      }
      return out;
    });
  }

  /** The server named {@code name}, if registered. */
  public Optional<DbServer> find(String name) {
    return db.read(c -> {
      try (PreparedStatement ps = c.prepareStatement(SELECT + " WHERE name = ?")) {
        ps.setString(1, name);
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next() ? Optional.of(server(rs)) : Optional.empty();
        }
      }
    });
  }

  private static final String SELECT = "SELECT name, host, port, database_name, admin_user,"
      + " sslmode, sslrootcert, created_at, created_by FROM db_servers";

  private static DbServer server(ResultSet rs) throws SQLException {
    return new DbServer(rs.getString(1), rs.getString(2), rs.getInt(3), rs.getString(4),
        rs.getString(5), rs.getString(6), rs.getString(7), Instant.ofEpochMilli(rs.getLong(8)),
        rs.getString(9));
  }

  /**
   * An admin connection to {@code database} on {@code s}, from that pair's pool.
   *
   * @throws SQLException when the server does not answer or refuses the admin role
   */
  Connection connect(DbServer s, String database) throws SQLException {
    HikariDataSource pool = pools.computeIfAbsent(s.name() + "/" + database,
        k -> pool(s, database));
    return pool.getConnection();
  }

  private HikariDataSource pool(DbServer s, String database) {
    HikariConfig c = new HikariConfig();
    c.setPoolName("imprint-db-" + s.name() + "-" + database);
    c.setJdbcUrl(jdbcUrl(s, database));
    c.setDataSourceProperties(properties(s, password(s.name())));
    c.setMaximumPoolSize(POOL_SIZE);
    c.setMinimumIdle(0);
    c.setIdleTimeout(60_000);
    c.setConnectionTimeout(CONNECT_TIMEOUT_SECONDS * 1000L);
    c.setInitializationFailTimeout(-1);
    c.setAutoCommit(true);
    return new HikariDataSource(c);
  }

  private String password(String name) {
    String wrapped = db.read(c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT password_wrapped FROM db_servers"
          + " WHERE name = ?")) {
        ps.setString(1, name);
        try (ResultSet rs = ps.executeQuery()) {
          if (!rs.next()) {
            throw new DbException(DbException.Kind.NOT_FOUND, "db.server_unknown",
                "no database server named '" + DbServer.shown(name) + "' is registered");
          }
          return rs.getString(1);
        }
      }
    });
    return new String(kek.unwrap(wrapped, context(name)), StandardCharsets.UTF_8);
  }

  private static String context(String name) {
    return "db-server:" + name;
  }

  private static String jdbcUrl(DbServer s, String database) {
    String host = s.host().contains(":") ? "[" + s.host() + "]" : s.host();
    return "jdbc:postgresql://" + host + ":" + s.port() + "/" + database;
  }

  private static java.util.Properties properties(DbServer s, String password) {
    java.util.Properties p = new java.util.Properties();
    p.setProperty("user", s.adminUser());
    p.setProperty("password", password);
    p.setProperty("sslmode", s.sslmode());
    if (s.sslrootcert() != null) {
      p.setProperty("sslrootcert", s.sslrootcert());
    }
    p.setProperty("connectTimeout", String.valueOf(CONNECT_TIMEOUT_SECONDS));
    p.setProperty("socketTimeout", String.valueOf(STATEMENT_TIMEOUT_SECONDS + 30));
    p.setProperty("options", "-c statement_timeout=" + STATEMENT_TIMEOUT_SECONDS + "s");
    p.setProperty("ApplicationName", "imprint");
    return p;
  }

  /**
   * Closes and forgets the admin pools of the server {@code name} (it was removed). A pool is
   * closed once the connections taken from it are back (at most the statement timeout and a
   * bit): closing aborts connections in use, and an issue holds its connection until its lease
   * is active, so that it can drop its login if the lease was deleted with the server.
   */
  void closePools(String name) {
    List<HikariDataSource> closing = new ArrayList<>();
    pools.entrySet().removeIf(e -> {
      if (!e.getKey().startsWith(name + "/")) {
        return false;
      }
      closing.add(e.getValue());
      return true;
    });
    long until = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(
        STATEMENT_TIMEOUT_SECONDS + CONNECT_TIMEOUT_SECONDS);
    for (HikariDataSource p : closing) {
      while (p.getHikariPoolMXBean() != null && p.getHikariPoolMXBean().getActiveConnections() > 0
          && System.nanoTime() < until) {
        java.util.concurrent.locks.LockSupport.parkNanos(5_000_000L);
      }
      p.close();
    }
  }

  /**
   * Closes the admin pools of servers no longer registered: removed through another replica
   * (each sweep of the reaper calls this, so such a pool closes within its interval).
   */
  void closeRemoved() {
    if (pools.isEmpty()) {
      return;
    }
    java.util.Set<String> registered = new java.util.HashSet<>();
    list().forEach(s -> registered.add(s.name()));
    java.util.Set<String> gone = new java.util.TreeSet<>();
    for (String key : pools.keySet()) {
      String server = key.substring(0, key.indexOf('/'));
      if (!registered.contains(server)) {
        gone.add(server);
      }
    }
    gone.forEach(this::closePools);
  }

  /** The keys ({@code server/database}) of the admin pools open now (tests). */
  java.util.Set<String> openPools() {
    return java.util.Set.copyOf(pools.keySet());
  }

  @Override
  public void close() {
    pools.values().forEach(p -> {
      try {
        p.close();
      } catch (RuntimeException e) {
        LOG.warn("closing the admin pool {}: {}", p.getPoolName(), e.toString());
      }
    });
    pools.clear();
  }
}
