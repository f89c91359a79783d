package dev.imprint.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.imprint.cli.remote.ApiClient;
import dev.imprint.server.audit.Checkpoint;
import dev.imprint.server.audit.CheckpointFile;
import dev.imprint.server.audit.Cosigner;
import dev.imprint.server.audit.MerkleTree;
import dev.imprint.server.audit.VerifierKey;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * A witness of one audit log: the log's pinned verifier key, the latest checkpoint it verified
 * (cosigned with its own Ed25519 key, C2SP tlog-cosignature) and its alerts, all in a state
 * directory. Each {@link #poll} verifies the server's current checkpoint against the pinned key
 * and, with an RFC 9162 consistency proof, against the one kept; a smaller size (rollback), a
 * different root for the same size or a proof that does not verify (fork) is an alert and the
 * kept checkpoint stays as it was.
 */
final class Witness {
  /** The state directory's files. */
  static final String LOG_KEY = "log-key";
  static final String CHECKPOINT = "checkpoint";
  static final String WITNESS_KEY = "witness-key";
  static final String WITNESS_KEY_PUB = "witness-key.pub";
  static final String ALERTS = "alerts";

  /** What one poll found. */
  sealed interface Outcome permits Verified, Alert {}

  /** The server's checkpoint extends the kept one (or is the first); it is now kept. */
  record Verified(Checkpoint checkpoint, long previousSize, String cosigned) implements Outcome {}

  /** A fork, a rollback or a checkpoint the pinned key did not sign; nothing was kept. */
  record Alert(Kind kind, String detail, Path evidence) implements Outcome {}

  /** What is wrong with the server's log. */
  enum Kind {
    FORK, ROLLBACK, BAD_SIGNATURE;

    String label() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
  }

  private final Path dir;
  private final VerifierKey logKey;
  private final Cosigner cosigner;
  private String kept;
  private Checkpoint keptCheckpoint;

  private Witness(Path dir, VerifierKey logKey, Cosigner cosigner, String kept) {
    this.dir = dir;
    this.logKey = logKey;
    this.cosigner = cosigner;
    this.kept = kept;
    this.keptCheckpoint = kept == null ? null : logKey.verify(kept);
  }

  /**
   * Opens (or on first use creates) the state in {@code dir}. The log's key is the one pinned
   * there; the first time it is {@code key}, or with {@code trustOnFirstUse} the server's
   * ({@code serverKey}), reported through {@code warn}.
   *
   * @throws IllegalArgumentException for a usage or state problem, saying what to do
   */
  static Witness open(Path dir, String key, boolean trustOnFirstUse, String name,
      Supplier<String> serverKey, java.util.function.Consumer<String> warn) {
    try {
      CheckpointFile.createOwnerOnlyDirectories(dir);
      VerifierKey pinned = pinnedKey(dir, key, trustOnFirstUse, serverKey, warn);
      Cosigner cosigner = cosigner(dir, name);
      String kept = read(dir.resolve(CHECKPOINT));
      if (kept != null) {
        try {
          pinned.verify(kept);
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException("the kept checkpoint " + dir.resolve(CHECKPOINT)
              + " does not verify with the pinned key " + pinned.encoded() + ": the state was"
              + " altered (" + e.getMessage() + ")");
        }
      }
      return new Witness(dir, pinned, cosigner, kept);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot use the state directory " + dir + ": "
          + e.getMessage());
    }
  }

  private static VerifierKey pinnedKey(Path dir, String key, boolean trustOnFirstUse,
      Supplier<String> serverKey, java.util.function.Consumer<String> warn) throws IOException {
    String stored = read(dir.resolve(LOG_KEY));
    if (stored != null) {
      VerifierKey pinned = VerifierKey.parse(stored);
      if (key != null && !VerifierKey.parse(key).equals(pinned)) {
        throw new IllegalArgumentException("the state directory " + dir + " pins the log key "
            + pinned.encoded() + ", not --key " + key.strip() + ": to witness another log, use"
            + " another state directory");
      }
      return pinned;
    }
    VerifierKey pinned;
    if (key != null) {
      pinned = VerifierKey.parse(key);
    } else if (trustOnFirstUse) {
      pinned = VerifierKey.parse(serverKey.get());
      warn.accept("trusting the log key the server presents on first use: " + pinned.encoded()
          + "; compare it with one obtained another way (GET /v1/audit/key on a trusted path,"
          + " an earlier export)");
    } else {
      throw new IllegalArgumentException("the state directory " + dir + " has no pinned log"
          + " key yet: pass --key <verifier key> (GET /v1/audit/key, or an earlier export), or"
          + " --trust-on-first-use to pin the key the server presents now");
    }
    CheckpointFile.write(dir.resolve(LOG_KEY), pinned.encoded() + "\n");
    return pinned;
  }

  private static Cosigner cosigner(Path dir, String name) throws IOException {
    String stored = read(dir.resolve(WITNESS_KEY));
    if (stored != null) {
      Cosigner c = Cosigner.parsePrivateKey(stored);
      if (name != null && !name.equals(c.name())) {
        throw new IllegalArgumentException("the witness key in " + dir + " is named '"
            + c.name() + "', not --name '" + name + "'");
      }
      return c;
    }
    Cosigner c = Cosigner.generate(name != null ? name : defaultName());
    CheckpointFile.write(dir.resolve(WITNESS_KEY), c.encodedPrivateKey() + "\n");
    CheckpointFile.write(dir.resolve(WITNESS_KEY_PUB), c.verifierKey() + "\n");
    return c;
  }

  /** {@code <host name>/imprint-witness}. */
  static String defaultName() {
    String host;
    try {
      host = java.net.InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      host = "localhost";
    }
    return host.replaceAll("[\\s+]", "-") + "/imprint-witness";
  }

  private static String read(Path file) throws IOException {
    return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : null;
  }

  /** The pinned log key. */
  VerifierKey logKey() {
    return logKey;
  }

  /** The witness's own verifier key (cosignature/v1). */
  String witnessKey() {
    return cosigner.verifierKey();
  }

  /** The kept checkpoint, null before the first verified one. */
  Checkpoint kept() {
    return keptCheckpoint;
  }

  /** Fetches the server's checkpoint and checks it against the kept one. */
  Outcome poll(ApiClient client) {
    String note = client.getText("/v1/audit/checkpoint");
    Checkpoint cp;
    try {
      cp = logKey.verify(note);
    } catch (IllegalArgumentException e) {
      return alert(Kind.BAD_SIGNATURE, "the server's checkpoint does not verify with the pinned"
          + " log key " + logKey.encoded() + ": " + e.getMessage(), note, List.of());
    }
    if (!cp.origin().equals(logKey.name())) {
      return alert(Kind.BAD_SIGNATURE, "the server's checkpoint is for origin '" + cp.origin()
          + "', the pinned key for '" + logKey.name() + "'", note, List.of());
    }
    Checkpoint prev = keptCheckpoint;
    if (prev == null || prev.size() == 0) {
      return keep(cp, note, prev == null ? -1 : 0);
    }
    if (cp.size() < prev.size()) {
      return alert(Kind.ROLLBACK, "the server's log went back from size " + prev.size()
          + " (root " + prev.rootHex() + ") to size " + cp.size() + " (root " + cp.rootHex()
          + ")", note, List.of());
    }
    if (cp.size() == prev.size()) {
      if (!cp.equals(prev)) {
        return alert(Kind.FORK, "the server signed size " + cp.size() + " with root "
            + cp.rootHex() + ", but this witness verified size " + prev.size() + " with root "
            + prev.rootHex(), note, List.of());
      }
      return keep(cp, note, prev.size());
    }
    JsonNode p = client.get("/v1/audit/proof/consistency", Map.of("first",
        Long.toString(prev.size()), "second", Long.toString(cp.size())));
    List<byte[]> proof = new ArrayList<>();
    try {
      for (JsonNode h : p.path("proof")) {
        proof.add(HexFormat.of().parseHex(h.asText()));
      }
    } catch (IllegalArgumentException e) {
      return alert(Kind.FORK, "the server's consistency proof from size " + prev.size()
          + " to " + cp.size() + " is malformed: " + e.getMessage(), note, List.of());
    }
    if (!MerkleTree.verifyConsistency(prev.size(), cp.size(), prev.rootHash(), cp.rootHash(),
        proof)) {
      return alert(Kind.FORK, "the server's checkpoint for size " + cp.size() + " (root "
          + cp.rootHex() + ") is not consistent with the size " + prev.size() + " (root "
          + prev.rootHex() + ") this witness verified: the consistency proof does not verify",
          note, hexes(proof));
    }
    return keep(cp, note, prev.size());
  }

  private Outcome keep(Checkpoint cp, String note, long previousSize) {
    String cosigned = cosigner.cosign(note, Instant.now().getEpochSecond());
    try {
      CheckpointFile.write(dir.resolve(CHECKPOINT), cosigned);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + dir.resolve(CHECKPOINT), e);
    }
    kept = cosigned;
    keptCheckpoint = cp;
    return new Verified(cp, previousSize, cosigned);
  }

  /** Keeps the evidence (both notes and the proof) in the alerts directory. */
  private Alert alert(Kind kind, String detail, String note, List<String> proof) {
    String at = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSS'Z'", Locale.ROOT)
        .withZone(ZoneOffset.UTC).format(Instant.now());
    Path evidence = dir.resolve(ALERTS).resolve(at + "-" + kind.label() + ".txt");
    for (int n = 2; Files.exists(evidence); n++) {
      evidence = dir.resolve(ALERTS).resolve(at + "-" + kind.label() + "-" + n + ".txt");
    }
    StringBuilder text = new StringBuilder()
        .append("alert: ").append(kind.label()).append('\n')
        .append("detail: ").append(detail).append('\n')
        .append("log key: ").append(logKey.encoded()).append('\n')
        .append("\n# the checkpoint this witness verified last\n")
        .append(kept == null ? "(none)\n" : kept)
        .append("\n# the checkpoint the server presented\n").append(note);
    if (!proof.isEmpty()) {
      text.append("\n# the consistency proof the server gave\n")
          .append(String.join("\n", proof)).append('\n');
    }
    try {
      CheckpointFile.write(evidence, text.toString());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the evidence " + evidence, e);
    }
    return new Alert(kind, detail, evidence);
  }

  private static List<String> hexes(List<byte[]> hashes) {
    return hashes.stream().map(HexFormat.of()::formatHex).toList();
  }
}
