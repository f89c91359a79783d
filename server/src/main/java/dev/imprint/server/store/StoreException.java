package dev.imprint.server.store;

import java.sql.SQLException;

/** A store failure with a stable code; never carries a secret value. */
public final class StoreException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final String code;

  public StoreException(String code, String message) {
    super(message);
    this.code = code;
  }

  StoreException(String code, String message, Throwable cause) {
    super(message, cause);
    this.code = code;
  }

  static StoreException of(SQLException e) {
    String state = e.getSQLState() == null ? "" : e.getSQLState();
    boolean conflict = state.startsWith("23")
        || String.valueOf(e.getMessage()).contains("SQLITE_CONSTRAINT");
    return new StoreException(conflict ? "store.conflict" : "store.error",
        conflict ? "the change conflicts with existing data" : "store error: " + e.getMessage(),
        e);
  }

  /** A stable code such as {@code store.conflict}. */
  public String code() {
    return code;
  }
}
