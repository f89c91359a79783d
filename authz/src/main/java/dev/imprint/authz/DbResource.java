package dev.imprint.authz;

/**
 * A PostgreSQL database or schema: {@code db:postgres://<host>[:<port>]/<database>[/<schema>]}.
 * In a pattern {@code database} may be {@code *} (every database and schema of the server) and
 * {@code schema} may be {@code *} (every schema of the database); {@code port} is 0 when the
 * resource names none, and {@code schema} is null when it names none.
 */
public record DbResource(String text, String host, int port, String database, String schema)
    implements ResourcePattern {
  @Override
  public String type() {
    return "db";
  }

  @Override
  public boolean wildcard() {
    return "*".equals(database) || "*".equals(schema);
  }

  /** The server part, {@code host} or {@code host:port}, as written. */
  public String server() {
    return port == 0 ? host : host + ":" + port;
  }
}
