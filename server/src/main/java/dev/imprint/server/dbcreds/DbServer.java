package dev.imprint.server.dbcreds;

import dev.imprint.authz.AuthzException;
import dev.imprint.authz.DbResource;
import dev.imprint.authz.ResourcePattern;
import dev.imprint.server.text.FreeText;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Instant;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A registered PostgreSQL server: the name that {@code db:postgres://<name>/...} resources use,
 * where Imprint reaches it, the admin role it creates logins with and the TLS mode. The admin
 * password is not part of it: only {@link DbServers} unwraps it, to open a connection.
 */
public record DbServer(String name, String host, int port, String database, String adminUser,
    String sslmode, String sslrootcert, Instant createdAt, String createdBy) {
  static final Set<String> SSL_MODES = Set.of("disable", "allow", "prefer", "require",
      "verify-ca", "verify-full");
  private static final Pattern ROLE = Pattern.compile("[A-Za-z_][A-Za-z0-9_$]{0,62}");
  private static final Pattern DATABASE = Pattern.compile("[a-z_][a-z0-9_$]{0,62}");

  /** Where and how to connect, parsed from a {@code postgres://host:port/db?sslmode=...} URL. */
  record Address(String host, int port, String database, String sslmode, String sslrootcert) {}

  /**
   * Checks a server name: the server part of a {@code db:} resource (a lower-case host name with
   * an optional {@code :port}), so that grants name it exactly.
   *
   * @throws DbException {@code db.server_name_invalid}
   */
  static String checkName(String name) {
    if (name == null || name.isEmpty()) {
      throw new DbException(DbException.Kind.INVALID, "db.server_name_invalid",
          "expected a server name (the <server> of db:postgres://<server>/<database>), got none");
    }
    try {
      ResourcePattern p = ResourcePattern.parse("db:postgres://" + name + "/x");
      if (p instanceof DbResource d && d.server().equals(name)) {
        return name;
      }
    } catch (AuthzException e) {
      // reported below with the grammar
    }
    throw new DbException(DbException.Kind.INVALID, "db.server_name_invalid",
        "expected a server name of lower-case a-z, 0-9, '.' and '-' with an optional :port (as"
            + " grants write db:postgres://<server>/...), got '" + shown(name) + "'");
  }

  /**
   * Parses {@code postgres://host[:port]/database[?sslmode=...&sslrootcert=...]}; a user or
   * password in the URL is refused (the password comes from a file, the user from its own
   * option).
   *
   * @throws DbException {@code db.url_invalid} saying what is wrong
   */
  static Address parseUrl(String url) {
    if (url == null || url.isEmpty()) {
      throw invalidUrl("expected postgres://host[:port]/database, got none");
    }
    URI u;
    try {
      u = new URI(url);
    } catch (URISyntaxException e) {
      throw invalidUrl("expected postgres://host[:port]/database, got a malformed URL ("
          + e.getReason() + ")");
    }
    if (!"postgres".equals(u.getScheme()) && !"postgresql".equals(u.getScheme())) {
      throw invalidUrl("expected the scheme postgres:// or postgresql://, got '"
          + shown(String.valueOf(u.getScheme())) + "'");
    }
    if (u.getRawUserInfo() != null) {
      throw invalidUrl("a user or password in the URL is refused: give the admin role with"
          + " --admin-user and its password with --password-file");
    }
    if (u.getHost() == null || u.getHost().isEmpty()) {
      throw invalidUrl("expected a host in the URL");
    }
    String path = u.getPath() == null ? "" : u.getPath();
    String database = path.startsWith("/") ? path.substring(1) : path;
    if (!DATABASE.matcher(database).matches()) {
      throw invalidUrl("expected the database Imprint connects to as [a-z_][a-z0-9_$]* after"
          + " the host, got '" + shown(database) + "'");
    }
    String sslmode = "prefer";
    String rootcert = null;
    if (u.getRawQuery() != null) {
      for (String kv : u.getQuery().split("&")) {
        int eq = kv.indexOf('=');
        String k = eq < 0 ? kv : kv.substring(0, eq);
        String v = eq < 0 ? "" : kv.substring(eq + 1);
        switch (k) {
          case "sslmode" -> {
            if (!SSL_MODES.contains(v)) {
              throw invalidUrl("expected sslmode one of " + new java.util.TreeSet<>(SSL_MODES)
                  + ", got '" + shown(v) + "'");
            }
            sslmode = v;
          }
          case "sslrootcert" -> rootcert = v;
          default -> throw invalidUrl("expected only the parameters sslmode and sslrootcert,"
              + " got '" + shown(k) + "'");
        }
      }
    }
    int port = u.getPort() == -1 ? 5432 : u.getPort();
    return new Address(u.getHost().toLowerCase(Locale.ROOT), port, database, sslmode, rootcert);
  }

  /**
   * Checks the admin role's name (a PostgreSQL role name, quoted when used).
   *
   * @throws DbException {@code db.admin_user_invalid}
   */
  static String checkAdminUser(String user) {
    if (user == null || !ROLE.matcher(user).matches()) {
      throw new DbException(DbException.Kind.INVALID, "db.admin_user_invalid",
          "expected the admin role as 1 to 63 characters [A-Za-z_][A-Za-z0-9_$]*, got "
              + (user == null ? "none" : "'" + shown(user) + "'"));
    }
    return user;
  }

  private static DbException invalidUrl(String detail) {
    return new DbException(DbException.Kind.INVALID, "db.url_invalid", detail);
  }

  /** At most 80 characters of {@code s}, control characters shown as '?'. */
  static String shown(String s) {
    return FreeText.printable(s);
  }
}
