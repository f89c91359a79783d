package dev.imprint.server.console;

import dev.imprint.server.audit.AuditLog;
import dev.imprint.server.audit.AuditService;
import dev.imprint.server.audit.Checkpoint;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * Checks one audit entry against the latest signed checkpoint, step by step, so the page can
 * show the work: the checkpoint's signature under the server's verifier key, the entry's leaf
 * hash recomputed from its text, and the inclusion proof folded up to the checkpoint's root
 * (RFC 9162 section 2.1.3.2).
 */
final class InclusionCheck {
  /** One fold of the proof: the sibling hash, on which side, and the hash so far. */
  record Step(int n, String sibling, boolean siblingLeft, String result) {}

  /** Everything the page shows; {@code verified} only when every check passed. */
  record Result(long seq, String entry, String leafHash, boolean leafMatchesStore,
      String checkpointNote, long treeSize, String rootHash, boolean signatureValid,
      String signatureProblem, String verifierKey, List<Step> steps, String computedRoot,
      boolean rootMatches, boolean covered) {
    boolean verified() {
      return covered && leafMatchesStore && signatureValid && rootMatches;
    }
  }

  private InclusionCheck() {}

  /** Checks entry {@code seq} (text {@code entry}) with the latest signed checkpoint. */
  static Result check(AuditService audit, long seq, String entry) {
    byte[] leaf = AuditLog.leafHash(entry.getBytes(StandardCharsets.UTF_8));
    boolean leafOk = Arrays.equals(leaf, audit.leafHash(seq));
    AuditService.SignedCheckpoint cp = audit.checkpoint();
    String key = audit.verifierKey().encoded();
    boolean sigOk;
    String sigProblem = null;
    try {
      Checkpoint signed = audit.verifierKey().verify(cp.note());
      sigOk = signed.equals(cp.checkpoint());
      if (!sigOk) {
        sigProblem = "the signed note states a different tree than the checkpoint";
      }
    } catch (RuntimeException e) {
      sigOk = false;
      sigProblem = e.getMessage();
    }
    long size = cp.checkpoint().size();
    HexFormat hex = HexFormat.of();
    if (seq >= size) {
      return new Result(seq, entry, hex.formatHex(leaf), leafOk, cp.note(), size,
          cp.checkpoint().rootHex(), sigOk, sigProblem, key, List.of(), "", false, false);
    }
    List<Step> steps = new ArrayList<>();
    byte[] root = fold(seq, size, leaf, audit.inclusionProof(seq, size), steps);
    boolean rootOk = root != null && Arrays.equals(root, cp.checkpoint().rootHash());
    return new Result(seq, entry, hex.formatHex(leaf), leafOk, cp.note(), size,
        cp.checkpoint().rootHex(), sigOk, sigProblem, key, steps,
        root == null ? "(the proof has the wrong length)" : hex.formatHex(root), rootOk, true);
  }

  /** RFC 9162 2.1.3.2, recording each step; null when the proof is malformed. */
  static byte[] fold(long index, long size, byte[] leaf, List<byte[]> proof, List<Step> steps) {
    long fn = index;
    long sn = size - 1;
    byte[] r = leaf;
    HexFormat hex = HexFormat.of();
    int n = 1;
    for (byte[] p : proof) {
      if (sn == 0) {
        return null;
      }
      boolean left = (fn & 1) == 1 || fn == sn;
      if (left) {
        r = AuditLog.nodeHash(p, r);
        if ((fn & 1) == 0) {
          while ((fn & 1) == 0 && fn != 0) {
            fn >>= 1;
            sn >>= 1;
          }
        }
      } else {
        r = AuditLog.nodeHash(r, p);
      }
      steps.add(new Step(n++, hex.formatHex(p), left, hex.formatHex(r)));
      fn >>= 1;
      sn >>= 1;
    }
    return sn == 0 ? r : null;
  }
}
