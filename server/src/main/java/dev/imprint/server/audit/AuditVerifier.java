package dev.imprint.server.audit;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Verifies an audit export offline (no store, no network): recomputes every leaf hash and the
 * tree, checks each checkpoint's signature and root against the entries and the consistency of
 * successive checkpoints, and names the first entry (by seq) that was altered, removed,
 * inserted or reordered.
 */
public final class AuditVerifier {
  /** The outcome of a verification. */
  public sealed interface Result permits Verified, Failed {}

  /**
   * Every entry is covered by a valid signed checkpoint, signed by {@code verifierKey}: the
   * caller's pinned key when {@code keyPinned} (or the key that signed the trusted checkpoint),
   * else the key the file itself carries (which whoever rewrites the whole file can replace
   * along with every signature). {@code trustedSize} is the size of the trusted checkpoint the
   * export was proven consistent with, -1 when none was given.
   */
  public record Verified(String origin, long entries, int checkpoints, String verifierKey,
      boolean keyPinned, long trustedSize) implements Result {
    /** Without a trusted checkpoint. */
    public Verified(String origin, long entries, int checkpoints, String verifierKey,
        boolean keyPinned) {
      this(origin, entries, checkpoints, verifierKey, keyPinned, -1);
    }
  }

  /** The first bad entry ({@code seq}) and what is wrong with it. */
  public record Failed(long seq, String reason) implements Result {}

  /** The file cannot be read as an export at all (exit code 2 in the CLI). */
  public static final class UnreadableException extends IOException {
    private static final long serialVersionUID = 1L;

    UnreadableException(String message) {
      super(message);
    }
  }

  private record Signed(long size, String note, int line) {}

  private AuditVerifier() {}

  /**
   * Verifies {@code file}; with {@code pinned} the checkpoints must be signed by that key,
   * otherwise by the key the file's header names.
   *
   * @throws IOException when the file cannot be read or does not start with an export header
   */
  public static Result verify(Path file, VerifierKey pinned) throws IOException {
    return verify(file, pinned, null);
  }

  /**
   * Verifies {@code file} and, with a {@code trusted} checkpoint note (one obtained earlier from
   * the server or a witness), proves the export consistent with it: the export must hold at
   * least its entries, their tree head must be its root, and an RFC 9162 consistency proof from
   * its size to the export's must verify. A truncated export, one cut back to an earlier
   * checkpoint, or a rewritten history then fails. The trusted note must be signed by
   * {@code pinned}, or without one by the export's key.
   *
   * @throws IOException when the file cannot be read or does not start with an export header
   */
  public static Result verify(Path file, VerifierKey pinned, String trusted) throws IOException {
    try (Reader r = new InputStreamReader(Files.newInputStream(file), StandardCharsets.UTF_8)) {
      return verify(new BufferedReader(r, 1 << 16), pinned, trusted);
    }
  }

  /** Verifies an export read from {@code in}. */
  public static Result verify(BufferedReader in, VerifierKey pinned) throws IOException {
    return verify(in, pinned, null);
  }

  /** Verifies an export read from {@code in} against an optional trusted checkpoint note. */
  public static Result verify(BufferedReader in, VerifierKey pinned, String trusted)
      throws IOException {
    Line first = Line.read(in);
    JsonNode header = first == null ? null : parse(first.text);
    if (header == null || !"header".equals(header.path("type").asText())
        || !AuditExport.FORMAT.equals(header.path("format").asText())) {
      throw new UnreadableException("not an Imprint audit export: expected a first line with"
          + " format " + AuditExport.FORMAT);
    }
    String origin = header.path("origin").asText();
    VerifierKey key;
    try {
      key = VerifierKey.parse(header.path("verifierKey").asText());
    } catch (IllegalArgumentException e) {
      throw new UnreadableException("the export header's verifier key is unusable: "
          + e.getMessage());
    }
    if (pinned != null && !pinned.equals(key)) {
      return new Failed(0, "the export names verifier key " + key.encoded()
          + ", not the expected key " + pinned.encoded());
    }
    MerkleTree tree = new MerkleTree();
    List<Signed> checkpoints = new ArrayList<>();
    long count = 0;
    long endCount = -1;
    int lineNo = 1;
    for (Line line = Line.read(in); line != null; line = Line.read(in)) {
      lineNo++;
      JsonNode node = parse(line.text);
      if (node == null) {
        return new Failed(count, line.terminated
            ? "line " + lineNo + " is not valid JSON (entry " + count + " was expected there)"
            : "the file is truncated inside line " + lineNo + " (entry " + count
                + " was expected there)");
      }
      String type = node.path("type").asText();
      if (endCount >= 0) {
        return new Failed(endCount, "line " + lineNo + " (" + type + ") comes after the end"
            + " line, which closed the export at " + endCount + " entries: appended or forged");
      }
      switch (type) {
        case "checkpoint" -> checkpoints.add(new Signed(node.path("size").asLong(-1),
            node.path("note").asText(), lineNo));
        case "end" -> endCount = node.path("entries").asLong(-1);
        case "entry" -> {
          Failed bad = entry(node, count, lineNo, tree);
          if (bad != null) {
            return bad;
          }
          count++;
        }
        default -> {
          return new Failed(count, "line " + lineNo + " has unknown type '" + type + "'");
        }
      }
    }
    if (endCount < 0) {
      return new Failed(count, "the file is truncated after " + (count == 0
          ? "its checkpoints" : "entry " + (count - 1)) + ": its end line is missing");
    }
    if (endCount != count || header.path("size").asLong(-1) != count) {
      return new Failed(Math.min(count, endCount), "the export declares "
          + header.path("size").asLong(-1) + " entries (header) and " + endCount
          + " (end line) but holds " + count);
    }
    Checkpoint anchor = null;
    if (trusted != null) {
      try {
        anchor = key.verify(trusted);
      } catch (IllegalArgumentException e) {
        return new Failed(0, "the trusted checkpoint is not signed by "
            + (pinned != null ? "the pinned key " : "the export's key ") + key.encoded() + " ("
            + e.getMessage() + "): the export comes from another log, or its key was replaced");
      }
      if (!anchor.origin().equals(origin)) {
        return new Failed(0, "the trusted checkpoint is for origin '" + anchor.origin()
            + "', the export for '" + origin + "'");
      }
    }
    Result r = checkpoints(checkpoints, key, origin, tree, pinned != null || trusted != null);
    return anchor == null || !(r instanceof Verified v) ? r : consistentWith(v, anchor, tree);
  }

  /** The verified export extends the trusted checkpoint (RFC 9162 consistency). */
  private static Result consistentWith(Verified v, Checkpoint trusted, MerkleTree tree) {
    long t = trusted.size();
    long n = v.entries();
    if (t > n) {
      return new Failed(n, "the export holds " + n + " entries but the trusted checkpoint signs "
          + t + ": it was truncated or cut back to an earlier checkpoint (entries " + n + " to "
          + (t - 1) + " are missing)");
    }
    if (!MessageDigest.isEqual(tree.root(t), trusted.rootHash())) {
      return new Failed(0, "entries 0 to " + (t - 1) + " of the export do not hash to the root"
          + " of the trusted checkpoint for size " + t + " (" + trusted.rootHex() + "): the log"
          + " was rewritten after that checkpoint was signed (a fork)");
    }
    if (t >= 1 && !MerkleTree.verifyConsistency(t, n, trusted.rootHash(), tree.root(n),
        tree.consistencyProof(t, n))) {
      return new Failed(t, "the export of " + n + " entries is not consistent with the trusted"
          + " checkpoint for size " + t);
    }
    return new Verified(v.origin(), n, v.checkpoints(), v.verifierKey(), true, t);
  }

  /** A value from the file, cut short for a message. */
  private static String shown(String v) {
    return v.length() <= 40 ? v : v.substring(0, 40) + "...";
  }

  private static Failed entry(JsonNode node, long expected, int lineNo, MerkleTree tree) {
    JsonNode seqNode = node.path("seq");
    if (!seqNode.canConvertToExactIntegral() || !seqNode.canConvertToLong()
        || seqNode.asLong() < 0) {
      return new Failed(expected, "entry " + expected + " was altered: line " + lineNo
          + " is an entry without a valid seq (expected " + expected + ", got "
          + (seqNode.isMissingNode() ? "none" : shown(seqNode.toString())) + ")");
    }
    long seq = seqNode.asLong();
    if (seq > expected) {
      return new Failed(expected, "entry " + expected + " is missing or out of order: line "
          + lineNo + " holds entry " + seq + " where entry " + expected + " belongs");
    }
    if (seq < expected) {
      return new Failed(seq, "entry " + seq + " appears again at line " + lineNo + " after entry "
          + (expected - 1) + ": inserted, duplicated or reordered");
    }
    String text = node.path("entry").asText();
    JsonNode inner = parse(text);
    if (inner == null || inner.path("seq").asLong(-1) != seq) {
      return new Failed(seq, "entry " + seq + " was altered: its text is not an audit entry"
          + " with seq " + seq);
    }
    byte[] leaf = AuditLog.leafHash(text.getBytes(StandardCharsets.UTF_8));
    String hex = HexFormat.of().formatHex(leaf);
    if (!hex.equals(node.path("leafHash").asText())) {
      return new Failed(seq, "entry " + seq + " was altered: its content hashes to " + hex
          + " but the log recorded leaf hash " + node.path("leafHash").asText());
    }
    tree.append(leaf);
    return null;
  }

  private static Result checkpoints(List<Signed> signed, VerifierKey key, String origin,
      MerkleTree tree, boolean keyPinned) {
    long count = tree.size();
    long verified = 0;
    Checkpoint previous = null;
    for (Signed s : signed) {
      Checkpoint cp;
      try {
        cp = key.verify(s.note());
      } catch (IllegalArgumentException e) {
        return new Failed(verified, "the checkpoint at line " + s.line() + " (size " + s.size()
            + ") does not verify: " + e.getMessage() + "; entries from " + verified
            + " on are not covered by a valid signature");
      }
      if (!cp.origin().equals(origin) || cp.size() != s.size()) {
        return new Failed(verified, "the checkpoint at line " + s.line() + " signs origin '"
            + cp.origin() + "' and size " + cp.size() + ", the export says '" + origin
            + "' and size " + s.size());
      }
      if (previous != null && cp.size() <= previous.size()) {
        return new Failed(verified, "checkpoints are out of order: size " + cp.size()
            + " follows size " + previous.size());
      }
      if (cp.size() > count) {
        return new Failed(count, "entry " + count + " is missing: the checkpoint at line "
            + s.line() + " signs " + cp.size() + " entries but the file holds " + count);
      }
      if (!MessageDigest.isEqual(tree.root(cp.size()), cp.rootHash())) {
        return new Failed(verified, "entries " + verified + " to " + (cp.size() - 1)
            + " do not hash to the signed root of checkpoint size " + cp.size() + ": one of"
            + " them was altered together with its recorded leaf hash (the first possible is "
            + verified + ")");
      }
      if (previous != null && !MerkleTree.verifyConsistency(previous.size(), cp.size(),
          previous.rootHash(), cp.rootHash(),
          tree.consistencyProof(previous.size(), cp.size()))) {
        return new Failed(verified, "checkpoint size " + cp.size()
            + " is not consistent with checkpoint size " + previous.size());
      }
      verified = cp.size();
      previous = cp;
    }
    if (count > verified) {
      return new Failed(verified, "entry " + verified + " is not covered by any signed checkpoint"
          + (verified == 0 ? "" : " (the last one signs " + verified + " entries)")
          + ": appended after the export or forged");
    }
    return new Verified(origin, count, signed.size(), key.encoded(), keyPinned);
  }

  private static JsonNode parse(String text) {
    try {
      JsonNode n = AuditExport.JSON.readTree(text);
      return n != null && n.isObject() ? n : null;
    } catch (IOException e) {
      return null;
    }
  }

  /** A line and whether a newline ended it (a missing one marks a truncated file). */
  private record Line(String text, boolean terminated) {
    static Line read(BufferedReader in) throws IOException {
      StringBuilder sb = new StringBuilder();
      int c;
      while ((c = in.read()) != -1) {
        if (c == '\n') {
          return new Line(sb.toString(), true);
        }
        sb.append((char) c);
      }
      return sb.length() == 0 ? null : new Line(sb.toString(), false);
    }
  }
}
