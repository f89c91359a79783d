package dev.imprint.server.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Writes the audit export: JSON lines with a header (format, origin, verifier key, size), the
 * signed checkpoints smallest first, every entry in seq order with its leaf hash, and an end
 * line with the entry count. docs/audit.md describes the format; {@link AuditVerifier} reads it.
 */
public final class AuditExport {
  /** The format name in the header line. */
  public static final String FORMAT = "imprint-audit-export/1";
  static final ObjectMapper JSON = new ObjectMapper();
  private static final int PAGE = 1000;

  private AuditExport() {}

  /**
   * Writes the log as of its latest signed checkpoint (signing one when the log has grown).
   *
   * @return the number of entries written
   */
  public static long write(AuditService audit, OutputStream out) throws IOException {
    AuditService.SignedCheckpoint latest = audit.checkpoint();
    long size = latest.checkpoint().size();
    List<AuditService.SignedCheckpoint> cps = audit.checkpoints(size);
    line(out, header(audit.origin(), audit.verifierKey().encoded(), size));
    for (AuditService.SignedCheckpoint cp : cps) {
      line(out, checkpoint(cp.checkpoint().size(), cp.note()));
    }
    for (long start = 0; start < size; start += PAGE) {
      for (AuditService.Entry e : audit.entries(start, Math.min(size, start + PAGE))) {
        line(out, entry(e.seq(), e.leafHash(), e.entry()));
      }
    }
    line(out, JSON.createObjectNode().put("type", "end").put("entries", size));
    out.flush();
    return size;
  }

  static ObjectNode header(String origin, String verifierKey, long size) {
    return JSON.createObjectNode().put("type", "header").put("format", FORMAT)
        .put("origin", origin).put("verifierKey", verifierKey).put("size", size);
  }

  static ObjectNode checkpoint(long size, String note) {
    return JSON.createObjectNode().put("type", "checkpoint").put("size", size).put("note", note);
  }

  static ObjectNode entry(long seq, String leafHash, String entry) {
    return JSON.createObjectNode().put("type", "entry").put("seq", seq)
        .put("leafHash", leafHash).put("entry", entry);
  }

  static void line(OutputStream out, ObjectNode node) throws IOException {
    try {
      out.write(JSON.writeValueAsString(node).getBytes(StandardCharsets.UTF_8));
    } catch (JsonProcessingException e) {
      throw new IOException("cannot render an export line", e);
    }
    out.write('\n');
  }
}
