package dev.imprint.server.store;

import java.sql.SQLException;

/**
 * A store failure with a stable code; never carries a secret value. Codes:
 * {@code store.conflict} (the change conflicts with stored data), {@code store.unavailable}
 * (the store cannot be reached or did not serve the request in time; nothing was written),
 * {@code store.busy} (too many requests are waiting for the store), {@code store.outcome_unknown}
 * (the connection failed during a commit and whether it landed could not be found out in time),
 * {@code store.error} (anything else) and the start-up codes of {@link Database#open}.
 */
public final class StoreException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final String code;
  private final int retryAfterSeconds;

  public StoreException(String code, String message) {
    this(code, message, 0, null);
  }

  StoreException(String code, String message, Throwable cause) {
    this(code, message, 0, cause);
  }

  StoreException(String code, String message, int retryAfterSeconds, Throwable cause) {
    super(message, cause);
    this.code = code;
    this.retryAfterSeconds = retryAfterSeconds;
  }

  static StoreException of(SQLException e) {
    if (isConflict(e)) {
      return new StoreException("store.conflict", "the change conflicts with existing data", e);
    }
    if (isUnavailable(e)) {
      return new StoreException("store.unavailable", "the store did not serve the request: "
          + Database.oneLine(e), 1, e);
    }
    return new StoreException("store.error", "store error: " + Database.oneLine(e), e);
  }

  /** A unique, foreign-key or check violation. */
  static boolean isConflict(SQLException e) {
    String state = e.getSQLState() == null ? "" : e.getSQLState();
    return state.startsWith("23") || String.valueOf(e.getMessage()).contains("SQLITE_CONSTRAINT");
  }

  /**
   * A failure of the link to the store or of waiting for it, after which nothing of the
   * transaction is committed: the connection broke or timed out (class 08), the server is
   * shutting down or starting (57P01..57P03), a lock or statement wait ran out (55P03, 57014),
   * the server ended an idle transaction (25P03), a deadlock or serialization failure (class 40),
   * or SQLite stayed busy past its busy timeout.
   */
  static boolean isUnavailable(SQLException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof java.net.SocketTimeoutException || t instanceof java.net.ConnectException
          || t instanceof java.io.EOFException
          || t instanceof java.sql.SQLTransientConnectionException) {
        return true; // the last: no pooled connection within the store timeout
      }
      if (t instanceof SQLException s) {
        String state = s.getSQLState() == null ? "" : s.getSQLState();
        if (state.startsWith("08") || state.startsWith("57P") || state.startsWith("40")
            || state.equals("55P03") || state.equals("57014") || state.equals("25P03")
            || state.equals("53300")) {
          return true;
        }
        String m = String.valueOf(s.getMessage());
        if (m.startsWith("[SQLITE_BUSY]") || m.startsWith("[SQLITE_LOCKED]")) {
          return true;
        }
      }
    }
    return false;
  }

  /** A failure that says the connection itself is gone (the store may be down). */
  static boolean isLinkFailure(SQLException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof java.net.SocketTimeoutException || t instanceof java.net.ConnectException
          || t instanceof java.io.EOFException) {
        return true;
      }
      if (t instanceof SQLException s) {
        String state = s.getSQLState() == null ? "" : s.getSQLState();
        if (state.startsWith("08") || state.equals("57P01") || state.equals("57P02")
            || state.equals("57P03")) {
          return true;
        }
      }
    }
    return false;
  }

  /** A stable code such as {@code store.conflict}. */
  public String code() {
    return code;
  }

  /**
   * How many seconds a client should wait before retrying, for the codes that are worth a retry
   * ({@code store.unavailable}, {@code store.busy}, {@code store.outcome_unknown}); 0 otherwise.
   */
  public int retryAfterSeconds() {
    return retryAfterSeconds;
  }
}
