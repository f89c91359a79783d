package dev.imprint.server.auth;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Map;
import java.util.TreeMap;

/**
 * Moves identities' {@code last_seen_at} forward: the one statement that token use, SVID
 * issuance and join-token redemption all write it with.
 */
public final class LastSeen {
  private LastSeen() {}

  /**
   * Sets each identity's {@code last_seen_at} (identity id to epoch milliseconds) in transaction
   * {@code c}, only where that is later than what is stored, so that writers (replicas, batches
   * flushed out of order) may run in any order; identities in id order, so that concurrent
   * writers take row locks in one order. Nothing is sent when {@code seen} is empty.
   */
  public static void lastSeen(Connection c, Map<String, Long> seen) throws SQLException {
    if (seen.isEmpty()) {
      return;
    }
    try (PreparedStatement ps = c.prepareStatement("UPDATE identities SET last_seen_at = ?"
        + " WHERE id = ? AND (last_seen_at IS NULL OR last_seen_at < ?)")) {
      for (Map.Entry<String, Long> e : new TreeMap<>(seen).entrySet()) {
        ps.setLong(1, e.getValue());
        ps.setString(2, e.getKey());
        ps.setLong(3, e.getValue());
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }
}
