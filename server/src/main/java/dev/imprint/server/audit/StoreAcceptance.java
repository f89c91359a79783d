package dev.imprint.server.audit;

import dev.imprint.server.digest.Sha256;
import dev.imprint.server.store.Database;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.PreparedStatement;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The deliberate, audited way out of an integrity failure, run by an operator after
 * investigating (never by the server on its own): the store as it is now becomes the log's
 * history. The stored entries must themselves be sound (every text hashes to its leaf hash, seq
 * from 0 without a gap: restore missing or altered entries first). Checkpoint rows that
 * disagree with them (foreign, altered, or signing the history the store no longer holds) are
 * removed from the store; they, the superseded checkpoint file and the failure are kept in an
 * evidence file beside the checkpoint file; an {@code audit.store_accepted} entry records the
 * reason, what was superseded and the evidence's SHA-256; and a checkpoint covering that entry
 * is signed and becomes the new content of the checkpoint file. Witnesses that kept the old
 * history see the new checkpoint as a fork or a rollback, which is the point: the change is
 * visible to everyone who watched the log.
 */
public final class StoreAcceptance {
  /** The audit action recorded. */
  public static final String ACTION = "audit.store_accepted";
  private static final int LISTED_ROWS = 100;
  private static final int MAX_REASON = 1000;

  /**
   * What was found and done: the failure ({@code null} when the store agreed with the
   * checkpoint file and nothing was accepted), the superseded checkpoint, the stored entries,
   * the checkpoint rows removed (size to root), the evidence file and the new checkpoint (both
   * {@code null} for a dry run or when nothing was accepted).
   */
  public record Outcome(String failure, Optional<Checkpoint> superseded, long entries,
      Map<Long, String> removed, Path evidence, AuditService.SignedCheckpoint signed) {}

  private StoreAcceptance() {}

  /**
   * Accepts the store as it is (or with {@code dryRun}, says what accepting would do).
   *
   * @param reason why, recorded in the log (required, one line, at most 1000 characters)
   * @throws IllegalArgumentException for a missing or unusable reason
   * @throws IllegalStateException when the stored entries themselves are broken, saying which
   */
  public static Outcome accept(Database db, String trustDomain, KeyEncryptionKey kek,
      Clock clock, CheckpointFile file, String reason, boolean dryRun) {
    String why = checkReason(reason);
    AuditService anchored = new AuditService(db, trustDomain, kek, clock, file,
        AuditService.IntegrityListener.none());
    String failure;
    try {
      anchored.check();
      return new Outcome(null, anchored.anchor().map(AuditService.SignedCheckpoint::checkpoint),
          anchored.cachedSize(), Map.of(), null, null);
    } catch (AuditIntegrityException e) {
      failure = e.detail();
    }
    AuditService store = new AuditService(db, trustDomain, kek, clock);
    long n;
    try {
      n = store.checkEntries();
    } catch (AuditIntegrityException e) {
      throw new IllegalStateException("the stored entries themselves are broken, so there is no"
          + " history to accept: " + e.detail() + "; restore the missing or altered entries"
          + " (from a backup, or from an export that verifies) first");
    }
    String previousNote = readQuietly(file);
    Optional<Checkpoint> previous = parsed(store, previousNote);
    Map<StoredCheckpoints.Row, String> bad = store.disagreeingRows();
    Map<Long, String> removed = new LinkedHashMap<>();
    bad.keySet().forEach(r -> removed.put(r.size(), r.rootHex()));
    if (dryRun) {
      return new Outcome(failure, previous, n, removed, null, null);
    }
    String at = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSS'Z'", Locale.ROOT)
        .withZone(ZoneOffset.UTC).format(clock.instant());
    String name = file.path().getFileName().toString();
    Path evidence = unused(file.path().resolveSibling(name + ".accepted-" + at), ".txt");
    String text = evidence(why, failure, previousNote, bad);
    write(evidence, text);
    record(db, clock, store.origin(), why, failure, previous, n, removed, evidence, text);
    if (previousNote != null) {
      try {
        Files.move(file.path(), unused(file.path().resolveSibling(name + ".superseded-" + at),
            ""), StandardCopyOption.ATOMIC_MOVE);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot move the superseded checkpoint file "
            + file.path() + " aside", e);
      }
    }
    AuditService accepted = new AuditService(db, trustDomain, kek, clock, file,
        AuditService.IntegrityListener.none());
    AuditService.SignedCheckpoint signed = accepted.checkpoint();
    return new Outcome(failure, previous, n, removed, evidence, signed);
  }

  /** {@code base + suffix}, or {@code base-2 + suffix} and so on when that exists. */
  private static Path unused(Path base, String suffix) {
    Path p = base.resolveSibling(base.getFileName() + suffix);
    for (int n = 2; Files.exists(p); n++) {
      p = base.resolveSibling(base.getFileName() + "-" + n + suffix);
    }
    return p;
  }

  private static String checkReason(String reason) {
    String r = reason == null ? "" : reason.strip();
    if (r.isEmpty()) {
      throw new IllegalArgumentException("expected a reason (--reason TEXT): it is recorded in"
          + " the audit log with the acceptance");
    }
    if (r.codePointCount(0, r.length()) > MAX_REASON
        || r.codePoints().anyMatch(c -> Character.isISOControl(c)
            || Character.getType(c) == Character.FORMAT)) {
      throw new IllegalArgumentException("expected a reason of one line, at most " + MAX_REASON
          + " characters without control characters");
    }
    return r;
  }

  private static void record(Database db, Clock clock, String origin, String reason,
      String failure, Optional<Checkpoint> previous, long entries, Map<Long, String> removed,
      Path evidence, String evidenceText) {
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("reason", reason);
    details.put("failure", failure.length() <= MAX_REASON ? failure
        : failure.substring(0, MAX_REASON) + "...");
    previous.ifPresent(p -> {
      details.put("supersededSize", p.size());
      details.put("supersededRoot", p.rootHex());
    });
    details.put("acceptedEntries", entries);
    List<String> listed = new ArrayList<>();
    removed.entrySet().stream().limit(LISTED_ROWS)
        .forEach(e -> listed.add(e.getKey() + ":" + e.getValue()));
    details.put("removedCheckpoints", listed);
    details.put("removedCheckpointCount", removed.size());
    details.put("evidence", evidence.getFileName().toString());
    details.put("evidenceSha256", Sha256.hex(evidenceText));
    AuditLog log = new AuditLog(db, clock);
    db.write(tx -> {
      try (PreparedStatement ps = tx.prepareStatement(
          "DELETE FROM audit_checkpoints WHERE tree_size = ?")) {
        for (Long size : removed.keySet()) {
          ps.setLong(1, size);
          ps.addBatch();
        }
        ps.executeBatch();
      }
      log.append(tx, new AuditEvent("system:accept-store", ACTION, "audit:" + origin,
          details));
      return null;
    });
  }

  private static String evidence(String reason, String failure, String previousNote,
      Map<StoredCheckpoints.Row, String> bad) {
    StringBuilder b = new StringBuilder("# imprint audit accept-store\n")
        .append("reason: ").append(reason).append('\n')
        .append("failure: ").append(failure).append('\n')
        .append("\n# the superseded checkpoint file\n")
        .append(previousNote == null ? "(none)\n" : previousNote);
    for (Map.Entry<StoredCheckpoints.Row, String> e : bad.entrySet()) {
      b.append("\n# removed checkpoint row for size ").append(e.getKey().size())
          .append(" (root column ").append(e.getKey().rootHex()).append("): ")
          .append(e.getValue()).append('\n').append(e.getKey().note());
      if (!e.getKey().note().endsWith("\n")) {
        b.append('\n');
      }
    }
    return b.toString();
  }

  private static Optional<Checkpoint> parsed(AuditService store, String note) {
    if (note == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(store.verifierKey().verify(note));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  private static String readQuietly(CheckpointFile file) {
    try {
      return file.read().orElse(null);
    } catch (IOException e) {
      return null;
    }
  }

  private static void write(Path file, String text) {
    try {
      CheckpointFile.write(file, text);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the evidence file " + file, e);
    }
  }

}
