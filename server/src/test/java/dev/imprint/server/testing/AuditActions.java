package dev.imprint.server.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imprint.server.store.Database;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;

/** Reads the audit log's entries straight from the store, in sequence order (tests). */
public final class AuditActions {
  private static final ObjectMapper JSON = new ObjectMapper();

  private AuditActions() {}

  /** Every entry, parsed, oldest first. */
  public static List<JsonNode> entries(Database db) {
    return db.read(c -> {
      List<JsonNode> out = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT entry FROM audit_entries ORDER BY seq");
          ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          try {
            out.add(JSON.readTree(rs.getString(1)));
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        }
      }
      return out;
    });
  }

  /** The actions of the entries whose action starts with {@code prefix}, oldest first. */
  public static List<String> actions(Database db, String prefix) {
    return entries(db).stream().map(e -> e.get("action").asText())
        .filter(a -> a.startsWith(prefix)).toList();
  }
}
