package dev.imprint.server.dbcreds;

import dev.imprint.server.digest.Sha256;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.postgresql.util.PasswordUtil;

/**
 * The SQL Imprint runs on a registered PostgreSQL server as its admin role: create a login role
 * with exactly a lease's privileges and a {@code VALID UNTIL}, extend it, and drop it after
 * ending its sessions. Every identifier is checked against PostgreSQL's unquoted grammar and
 * then quoted; no request text is ever interpolated unchecked. The password reaches the server
 * only as a SCRAM-SHA-256 verifier, so it cannot appear in the server's statement log.
 */
final class Logins {
  /** Every login role Imprint creates starts with this (the reaper and operators find them). */
  static final String PREFIX = "imprint_l_";
  private static final Pattern IDENTIFIER = Pattern.compile("[a-z_][a-z0-9_$]{0,62}");
  private static final DateTimeFormatter UNTIL = DateTimeFormatter
      .ofPattern("yyyy-MM-dd HH:mm:ss.SSSxxx", Locale.ROOT).withZone(ZoneOffset.UTC);

  /**
   * The transaction-scoped advisory lock taken before granting or revoking: PostgreSQL refuses
   * two concurrent ACL changes on one table ("tuple concurrently updated"), so Imprint's grants
   * and revokes on a server take turns, across replicas too. Issuing a login takes it only when
   * a group of {@link #groups} has to be created or brought up to date.
   */
  static final String LOCK = "SELECT pg_advisory_xact_lock(7244513620281946229)";
  private static final long LOCK_KEY = 7244513620281946229L;

  private Logins() {}

  /** {@code "name"}, after checking that {@code name} is a plain lower-case identifier. */
  static String quoted(String name) {
    if (name == null || !IDENTIFIER.matcher(name).matches()) {
      throw new IllegalArgumentException("expected an identifier [a-z_][a-z0-9_$]{0,62}, got '"
          + (name == null ? "null" : DbServer.shown(name)) + "'");
    }
    return '"' + name.replace("\"", "\"\"") + '"';
  }

  /** A quoted SQL string literal of a value Imprint generated (a time, a verifier). */
  private static String literal(String value) {
    return "'" + value.replace("'", "''") + "'";
  }

  static String until(Instant t) {
    return UNTIL.format(t);
  }

  /**
   * Creates {@code role} on the database {@code c} is connected to, in one transaction: the
   * groups that hold its privileges brought up to date when needed ({@link #groups}), then the
   * login with its password verifier and expiry, made a member of those groups. Both go to the
   * server as one multi-statement query (the driver sends them in one round trip), then the
   * commit: two round trips. A login changes no table's or database's ACL, so neither its cost
   * nor {@link #LOCK} grows with the number of live logins, and logins are created concurrently.
   */
  static void create(Connection c, String role, char[] password, Instant validUntil,
      String database, String schema, List<String> privileges) throws SQLException {
    String sql = creation(role, password, validUntil, database, schema, privileges);
    boolean auto = c.getAutoCommit();
    c.setAutoCommit(false);
    try (Statement s = c.createStatement()) {
      s.execute(sql);
      c.commit();
    } catch (SQLException | RuntimeException e) {
      c.rollback();
      throw e;
    } finally {
      c.setAutoCommit(auto);
    }
  }

  /**
   * The statements of {@link #create} as one query: a {@code DO} block that, only when a group
   * of {@link #groups} is missing or lacks a privilege on an object of its schema (a table
   * created since), takes {@link #LOCK} and creates the group and grants it its privileges
   * again; then {@code CREATE ROLE} with the SCRAM-SHA-256 verifier of {@code password} (never
   * the password), {@code VALID UNTIL}, and {@code IN ROLE} the groups and the named roles of
   * {@code role:<name>}. Every identifier is checked and quoted, the verifier and the time are
   * values Imprint generated.
   */
  static String creation(String role, char[] password, Instant validUntil, String database,
      String schema, List<String> privileges) {
    // the driver zeroes the array it is given once it has derived the verifier
    char[] copy = password.clone();
    String verifier = PasswordUtil.encodeScramSha256(copy);
    java.util.Arrays.fill(copy, '\0');
    List<Group> groups = groups(database, schema, privileges);
    List<String> members = new ArrayList<>();
    groups.forEach(g -> members.add(quoted(g.name())));
    for (String p : privileges) {
      if (p.startsWith("role:")) {
        members.add(quoted(p.substring(5)));
      }
    }
    return refresh(groups) + ";\nCREATE ROLE " + quoted(role) + " LOGIN NOSUPERUSER NOCREATEDB"
        + " NOCREATEROLE NOREPLICATION NOBYPASSRLS INHERIT PASSWORD " + literal(verifier)
        + " VALID UNTIL " + literal(until(validUntil)) + " IN ROLE " + String.join(", ", members);
  }

  /** Every group role Imprint creates starts with this; they hold privileges, never log in. */
  static final String GROUP_PREFIX = "imprint_g_";

  /**
   * A group role holding one privilege of one resource: its name, the condition (SQL, true when
   * the group lacks something it should hold) and the grants that give it everything.
   */
  record Group(String name, String stale, List<String> grants) {}

  /**
   * The groups whose members hold exactly {@code privileges} on {@code database} (and
   * {@code schema}): {@code CONNECT} on the database always; with a schema, {@code USAGE} on it
   * and for {@code read} {@code SELECT} on its tables and sequences, for {@code write}
   * {@code INSERT, UPDATE, DELETE} on its tables and {@code USAGE} on its sequences. A group is
   * named by a hash of what it holds, so every replica and every login of one resource shares
   * it. {@code role:<name>} needs no group: the login becomes a member of that role.
   */
  static List<Group> groups(String database, String schema, List<String> privileges) {
    String db = quoted(database);
    List<Group> out = new ArrayList<>();
    String connect = groupName("connect", database, "");
    out.add(new Group(connect, "NOT has_database_privilege(" + literal(connect) + ", "
        + literal(database) + ", 'CONNECT')", List.of("GRANT CONNECT ON DATABASE " + db
            + " TO " + quoted(connect))));
    if (schema == null) {
      return out;
    }
    String ns = quoted(schema);
    for (String p : privileges) {
      if (!p.equals("read") && !p.equals("write")) {
        continue;
      }
      boolean read = p.equals("read");
      String name = groupName(p, database, schema);
      String g = quoted(name);
      String objects = "SELECT 1 FROM pg_class k WHERE k.relnamespace = " + literal(schema)
          + "::regnamespace AND ";
      String tables = read ? "has_table_privilege(" + literal(name) + ", k.oid, 'SELECT')"
          : "has_table_privilege(" + literal(name) + ", k.oid, 'INSERT') AND"
              + " has_table_privilege(" + literal(name) + ", k.oid, 'UPDATE') AND"
              + " has_table_privilege(" + literal(name) + ", k.oid, 'DELETE')";
      // CASE: the planner may call a check on any row of pg_class before the filters
      String stale = "NOT has_schema_privilege(" + literal(name) + ", " + literal(schema)
          + ", 'USAGE') OR EXISTS (" + objects + "CASE WHEN k.relkind IN ('r', 'p', 'v', 'm',"
          + " 'f') THEN NOT (" + tables + ") ELSE false END) OR EXISTS (" + objects + "CASE WHEN"
          + " k.relkind = 'S' THEN NOT has_sequence_privilege(" + literal(name) + ", k.oid, '"
          + (read ? "SELECT" : "USAGE") + "') ELSE false END)";
      out.add(new Group(name, stale, List.of("GRANT USAGE ON SCHEMA " + ns + " TO " + g,
          read ? "GRANT SELECT ON ALL TABLES IN SCHEMA " + ns + " TO " + g
              : "GRANT INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA " + ns + " TO " + g,
          read ? "GRANT SELECT ON ALL SEQUENCES IN SCHEMA " + ns + " TO " + g
              : "GRANT USAGE ON ALL SEQUENCES IN SCHEMA " + ns + " TO " + g)));
    }
    return out;
  }

  /** {@code imprint_g_} and 24 hex digits of SHA-256 over what the group holds. */
  static String groupName(String privilege, String database, String schema) {
    return GROUP_PREFIX + java.util.HexFormat.of().formatHex(
        Sha256.of(privilege + "\0" + database + "\0" + schema), 0, 12);
  }

  /**
   * A {@code DO} block that leaves {@code groups} holding everything they should: it checks each
   * without a lock (the common case: nothing to do, no ACL touched), and only when one is
   * missing or stale takes {@link #LOCK}, creates the missing ones and grants them their
   * privileges again (idempotent). The block's dollar quote is upper case, which no checked
   * identifier can contain.
   */
  static String refresh(List<Group> groups) {
    StringBuilder b = new StringBuilder("DO $IMPRINT$\nDECLARE stale boolean := false;\nBEGIN\n");
    for (Group g : groups) {
      b.append("  IF NOT stale THEN\n    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = ")
          .append(literal(g.name())).append(") THEN stale := true;\n    ELSIF ")
          .append(g.stale()).append(" THEN stale := true;\n    END IF;\n  END IF;\n");
    }
    b.append("  IF stale THEN\n    PERFORM pg_advisory_xact_lock(").append(LOCK_KEY)
        .append(");\n");
    for (Group g : groups) {
      b.append("    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = ")
          .append(literal(g.name())).append(") THEN\n      CREATE ROLE ").append(quoted(g.name()))
          .append(" NOLOGIN NOINHERIT;\n    END IF;\n");
      for (String grant : g.grants()) {
        b.append("    ").append(grant).append(";\n");
      }
    }
    return b.append("  END IF;\nEND\n$IMPRINT$").toString();
  }

  /**
   * The REVOKE statements undoing what a login created before {@link #groups} existed was
   * granted directly (a drop of such a login falls back to them).
   */
  static List<String> revokes(String role, String database, String schema,
      List<String> privileges) {
    String r = quoted(role);
    List<String> out = new ArrayList<>();
    for (String p : privileges) {
      if (p.equals("read") && schema != null) {
        out.add("REVOKE SELECT ON ALL TABLES IN SCHEMA " + quoted(schema) + " FROM " + r);
        out.add("REVOKE SELECT ON ALL SEQUENCES IN SCHEMA " + quoted(schema) + " FROM " + r);
      } else if (p.equals("write") && schema != null) {
        out.add("REVOKE INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA " + quoted(schema)
            + " FROM " + r);
        out.add("REVOKE USAGE ON ALL SEQUENCES IN SCHEMA " + quoted(schema) + " FROM " + r);
      } else if (p.startsWith("role:")) {
        out.add("REVOKE " + quoted(p.substring(5)) + " FROM " + r);
      }
    }
    if (schema != null && (privileges.contains("read") || privileges.contains("write"))) {
      out.add("REVOKE USAGE ON SCHEMA " + quoted(schema) + " FROM " + r);
    }
    out.add("REVOKE CONNECT ON DATABASE " + quoted(database) + " FROM " + r);
    return out;
  }

  /** Moves the role's expiry (a renewal). */
  static void extend(Connection c, String role, Instant validUntil) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute("ALTER ROLE " + quoted(role) + " VALID UNTIL " + literal(until(validUntil)));
    }
  }

  /** Whether {@code role} exists. */
  static boolean exists(Connection c, String role) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM pg_roles WHERE rolname = ?")) {
      ps.setString(1, role);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    }
  }

  /** What {@link #drop} did: whether this call dropped the role, and the sessions it ended. */
  record Dropped(boolean dropped, int sessionsEnded) {}

  /** SQLSTATE undefined_object: the role is gone (another replica dropped it first). */
  static final String UNDEFINED_OBJECT = "42704";

  /**
   * Drops {@code role}: forbids new logins, ends its sessions ({@code pg_terminate_backend})
   * and drops the role, whose group memberships go with it (a login created before the groups
   * has what it was granted directly revoked first). Idempotent: a role already gone is fine, and
   * reported as not dropped by this call. Whether the role still exists is decided under
   * {@link #LOCK}, in the transaction that drops it, so of several replicas dropping one role
   * at once exactly one reports it dropped.
   */
  static Dropped drop(Connection c, String role, String database, String schema,
      List<String> privileges) throws SQLException {
    if (!exists(c, role)) {
      return new Dropped(false, 0);
    }
    try (Statement s = c.createStatement()) {
      s.execute("ALTER ROLE " + quoted(role) + " NOLOGIN");
    } catch (SQLException e) {
      if (UNDEFINED_OBJECT.equals(e.getSQLState())) {
        return new Dropped(false, 0);
      }
      throw e;
    }
    int ended = 0;
    try (PreparedStatement ps = c.prepareStatement("SELECT pg_terminate_backend(pid) FROM"
        + " pg_stat_activity WHERE usename = ?")) {
      ps.setString(1, role);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          ended += rs.getBoolean(1) ? 1 : 0;
        }
      }
    }
    boolean dropped;
    try {
      // a login holds only memberships, which go with it; one created before the groups holds
      // privileges directly, and PostgreSQL refuses to drop it until they are revoked
      dropped = inTransaction(c, List.of(), role);
    } catch (SQLException e) {
      if (!DEPENDENT_OBJECTS.equals(e.getSQLState())) {
        throw e;
      }
      dropped = dropHolding(c, role, database, schema, privileges);
    }
    return new Dropped(dropped, ended);
  }

  /** SQLSTATE dependent_objects_still_exist: the role still holds privileges or objects. */
  static final String DEPENDENT_OBJECTS = "2BP01";

  private static boolean dropHolding(Connection c, String role, String database, String schema,
      List<String> privileges) throws SQLException {
    boolean dropped;
    try {
      dropped = inTransaction(c, revokes(role, database, schema, privileges), role);
    } catch (SQLException e) {
      // a schema or a named role dropped since: let PostgreSQL find what the role still holds
      // (this needs the admin role to have the privileges of the login: a superuser, or see
      // docs/database.md)
      org.slf4j.LoggerFactory.getLogger(Logins.class).warn("revoking what {} was granted"
          + " failed (SQLSTATE {}: {}); trying DROP OWNED", role, e.getSQLState(),
          DbServers.firstLine(e));
      dropped = inTransaction(c, List.of("DROP OWNED BY " + quoted(role)), role);
    }
    return dropped;
  }

  /**
   * Runs {@code statements} then drops {@code role}, in one transaction under {@link #LOCK};
   * false (nothing run) when the role no longer exists once the lock is held.
   */
  private static boolean inTransaction(Connection c, List<String> statements, String role)
      throws SQLException {
    boolean auto = c.getAutoCommit();
    c.setAutoCommit(false);
    try (Statement s = c.createStatement()) {
      s.execute(LOCK);
      if (!exists(c, role)) {
        c.rollback();
        return false;
      }
      for (String sql : statements) {
        s.execute(sql);
      }
      s.execute("DROP ROLE " + quoted(role));
      c.commit();
      return true;
    } catch (SQLException | RuntimeException e) {
      c.rollback();
      throw e;
    } finally {
      c.setAutoCommit(auto);
    }
  }

  /**
   * The roles with Imprint's prefix on the server {@code c} is connected to whose
   * {@code VALID UNTIL} has passed (or that have none): every login Imprint creates has one.
   */
  static List<String> expiredPrefixed(Connection c) throws SQLException {
    return names(c, "SELECT rolname FROM pg_roles WHERE starts_with(rolname, ?) AND"
        + " (rolvaliduntil IS NULL OR rolvaliduntil <= now()) ORDER BY rolname LIMIT 500", PREFIX);
  }

  /**
   * The databases of the server in which {@code role} holds privileges on objects (schemas,
   * tables, sequences), and those it may connect to.
   */
  static List<String> databasesHolding(Connection c, String role) throws SQLException {
    return names(c, "SELECT d.datname FROM pg_shdepend s JOIN pg_database d ON d.oid = s.dbid"
        + " JOIN pg_roles r ON r.oid = s.refobjid WHERE r.rolname = ? UNION SELECT d.datname"
        + " FROM pg_shdepend s JOIN pg_database d ON s.classid = 'pg_database'::regclass AND"
        + " d.oid = s.objid JOIN pg_roles r ON r.oid = s.refobjid WHERE r.rolname = ?"
        + " ORDER BY 1", role);
  }

  /**
   * Revokes, in the database {@code c} is connected to, every privilege Imprint may have
   * granted {@code role} on schemas, their tables and sequences, and CONNECT on the database:
   * what an orphan holds is recorded nowhere, so the catalog says which schemas to clear.
   */
  static void revokeEverything(Connection c, String role) throws SQLException {
    String database;
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT current_database()")) {
      rs.next();
      database = rs.getString(1);
    }
    List<String> schemas = names(c, "SELECT n.nspname FROM pg_shdepend s JOIN pg_roles r ON"
        + " r.oid = s.refobjid JOIN pg_class k ON s.classid = 'pg_class'::regclass AND k.oid ="
        + " s.objid JOIN pg_namespace n ON n.oid = k.relnamespace WHERE r.rolname = ? AND"
        + " s.dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) UNION"
        + " SELECT n.nspname FROM pg_shdepend s JOIN pg_roles r ON r.oid = s.refobjid JOIN"
        + " pg_namespace n ON s.classid = 'pg_namespace'::regclass AND n.oid = s.objid WHERE"
        + " r.rolname = ? AND s.dbid = (SELECT oid FROM pg_database WHERE datname ="
        + " current_database()) ORDER BY 1", role);
    List<String> sql = new ArrayList<>();
    for (String schema : schemas) {
      List<String> r = revokes(role, database, schema, List.of("read", "write"));
      sql.addAll(r.subList(0, r.size() - 1));
    }
    sql.add("REVOKE CONNECT ON DATABASE " + quoted(database) + " FROM " + quoted(role));
    boolean auto = c.getAutoCommit();
    c.setAutoCommit(false);
    try (Statement s = c.createStatement()) {
      s.execute(LOCK);
      for (String q : sql) {
        s.execute(q);
      }
      c.commit();
    } catch (SQLException | RuntimeException e) {
      c.rollback();
      throw e;
    } finally {
      c.setAutoCommit(auto);
    }
  }

  /** The first column of a query whose every {@code ?} is bound to {@code arg}. */
  private static List<String> names(Connection c, String sql, String arg) throws SQLException {
    List<String> out = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      long params = sql.chars().filter(ch -> ch == '?').count();
      for (int i = 1; i <= params; i++) {
        ps.setString(i, arg);
      }
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(rs.getString(1));
        }
      }
    }
    return out;
  }

  /** The login roles with Imprint's prefix on the server {@code c} is connected to. */
  static List<String> prefixed(Connection c) throws SQLException {
    return names(c, "SELECT rolname FROM pg_roles WHERE starts_with(rolname, ?) ORDER BY rolname",
        PREFIX);
  }
}
