package dev.imprint.server.dbcreds;

/**
 * A login just created: its lease, the password (shown once, never stored or logged) and where
 * to connect. {@link #toString()} redacts the password.
 */
public record IssuedLogin(Lease lease, String password, String host, int port, String sslmode) {
  @Override
  public String toString() {
    return "IssuedLogin[" + lease.id() + ", " + lease.username() + ", password=[redacted]]";
  }
}
