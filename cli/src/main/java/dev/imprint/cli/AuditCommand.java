package dev.imprint.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.imprint.cli.remote.ApiClient;
import dev.imprint.cli.remote.RemoteCommand;
import dev.imprint.cli.remote.RemoteException;
import dev.imprint.cli.remote.Table;
import dev.imprint.server.audit.AuditLog;
import dev.imprint.server.audit.AuditVerifier;
import dev.imprint.server.audit.Checkpoint;
import dev.imprint.server.audit.MerkleTree;
import dev.imprint.server.audit.VerifierKey;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code imprint audit}: tail, export, verify (offline) and prove inclusion in the audit log;
 * witness it from outside; accept a store that failed its integrity check, deliberately.
 */
@Command(name = "audit", mixinStandardHelpOptions = true,
    description = "Reads the tamper-evident audit log: tail it, export it, verify an export"
        + " offline, check an entry's inclusion proof against the signed checkpoint, witness the"
        + " log's checkpoints from outside the server, and accept a store that failed the"
        + " integrity check after an investigation.",
    subcommands = {AuditCommand.Tail.class, AuditCommand.Export.class, AuditCommand.Verify.class,
        AuditCommand.Proof.class, WitnessCommand.class, AcceptStoreCommand.class})
final class AuditCommand {
  /** Exit code of a verification that failed. */
  static final int FAILED = 1;

  /** {@code imprint audit tail}. */
  @Command(name = "tail", mixinStandardHelpOptions = true,
      description = "Prints the last entries; --follow keeps printing new ones.")
  static final class Tail extends RemoteCommand {
    @Option(names = "-n", paramLabel = "N", defaultValue = "20",
        description = "How many entries (default: ${DEFAULT-VALUE}, at most 1000).")
    int count;

    @Option(names = "--follow", description = "Keep polling for new entries until stopped.")
    boolean follow;

    @Override
    protected JsonNode call(ApiClient client) {
      if (count < 0 || count > 1000) {
        throw new IllegalArgumentException("expected -n from 0 to 1000, got " + count);
      }
      long size = client.get("/v1/audit/entries", Map.of("start", "0", "end", "0"))
          .path("size").asLong();
      JsonNode page = client.get("/v1/audit/entries", Map.of(
          "start", Long.toString(Math.max(0, size - count)), "end", Long.toString(size)));
      if (!follow) {
        return page;
      }
      PrintWriter out = spec.commandLine().getOut();
      long next = size;
      print(page, out);
      while (!Thread.currentThread().isInterrupted()) {
        try {
          Thread.sleep(1000);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
        JsonNode more = client.get("/v1/audit/entries", Map.of("start", Long.toString(next)));
        next += more.path("items").size();
        print(more, out);
      }
      return ApiClient.json().createObjectNode().set("items", ApiClient.json().createArrayNode());
    }

    private void print(JsonNode page, PrintWriter out) {
      if (remote.json()) {
        page.path("items").forEach(i -> out.println(i.toString()));
        out.flush();
      } else {
        printTable(page, out);
      }
    }

    @Override
    protected void printTable(JsonNode r, PrintWriter out) {
      Table t = new Table("SEQ", "TIME", "ACTOR", "ACTION", "SUBJECT", "DETAILS");
      for (JsonNode item : r.path("items")) {
        JsonNode e = readOrEmpty(item.path("entry").asText());
        t.row(item.path("seq").asLong(), e.path("time").asText(), e.path("actor").asText(),
            e.path("action").asText(), e.path("subject").asText(),
            e.path("details").isEmpty() ? "-" : e.path("details").toString());
      }
      if (!r.path("items").isEmpty() || !follow) {
        t.print(out);
      }
    }
  }

  /** {@code imprint audit export FILE}. */
  @Command(name = "export", mixinStandardHelpOptions = true,
      description = "Writes every entry and signed checkpoint to FILE (JSON lines; written to a"
          + " temporary file and moved into place), for 'imprint audit verify'.")
  static final class Export extends RemoteCommand {
    @Parameters(paramLabel = "FILE", description = "Where to write the export.")
    Path file;

    @Override
    protected JsonNode call(ApiClient client) {
      Path abs = file.toAbsolutePath();
      Path tmp;
      try {
        tmp = Files.createTempFile(abs.getParent(), "." + abs.getFileName() + ".", ".tmp");
      } catch (IOException e) {
        throw new IllegalArgumentException("cannot write in " + abs.getParent() + ": "
            + e.getMessage());
      }
      try {
        client.download("/v1/audit/export", tmp);
        if (!lastLine(tmp).startsWith("{\"type\":\"end\"")) {
          throw new RemoteException(RemoteException.UNREACHABLE, "client.export_incomplete",
              "the export from the server ended before its end line; nothing was written to "
                  + abs);
        }
        JsonNode header = ApiClient.json().readTree(firstLine(tmp));
        move(tmp, abs);
        ObjectNode r = ApiClient.json().createObjectNode();
        r.put("file", abs.toString());
        r.put("entries", header.path("size").asLong());
        r.put("origin", header.path("origin").asText());
        r.put("verifierKey", header.path("verifierKey").asText());
        return r;
      } catch (IOException e) {
        throw new IllegalArgumentException("cannot write " + abs + ": " + e.getMessage());
      } finally {
        try {
          Files.deleteIfExists(tmp);
        } catch (IOException ignored) {
          // best effort; the temporary file is hidden and named after the target
        }
      }
    }

    @Override
    protected void printTable(JsonNode r, PrintWriter out) {
      out.println("exported " + r.path("entries").asLong() + " entries to "
          + r.path("file").asText());
      out.println("verifier key: " + r.path("verifierKey").asText());
    }

    private static String firstLine(Path f) throws IOException {
      try (var in = Files.newBufferedReader(f, StandardCharsets.UTF_8)) {
        String line = in.readLine();
        return line == null ? "{}" : line;
      }
    }

    /** The last line of {@code f} (its final newline excluded), read from its end. */
    private static String lastLine(Path f) throws IOException {
      try (var ch = java.nio.channels.FileChannel.open(f)) {
        long size = ch.size();
        int n = (int) Math.min(size, 4096);
        java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate(n);
        ch.read(buf, size - n);
        String tail = new String(buf.array(), 0, n, StandardCharsets.UTF_8);
        if (!tail.endsWith("\n")) {
          return "";
        }
        tail = tail.substring(0, tail.length() - 1);
        return tail.substring(tail.lastIndexOf('\n') + 1);
      }
    }

    private static void move(Path tmp, Path target) throws IOException {
      try {
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING,
            StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
      }
    }
  }

  /** {@code imprint audit verify FILE}: offline. */
  @Command(name = "verify", mixinStandardHelpOptions = true,
      description = {"Verifies an export offline (no server): recomputes every leaf hash and the"
          + " Merkle tree, checks every checkpoint's signature and root, and names the first entry"
          + " that was altered, removed, inserted or reordered.",
          "Without --key the checkpoints are verified with the key the file itself carries,"
              + " which whoever rewrites the whole file can replace; the output says so. Pin"
              + " the server's key (GET /v1/audit/key, or an earlier export) with --key."},
      exitCodeListHeading = "%nExit codes:%n",
      exitCodeList = {"0:the export verifies", "1:it does not; the first bad entry is named",
          "2:the file cannot be read or is not an audit export"})
  static final class Verify implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "FILE", description = "An export from 'imprint audit export'.")
    Path file;

    @Option(names = "--key", paramLabel = "VERIFIER_KEY",
        description = "The verifier key to trust (from GET /v1/audit/key or an earlier export).")
    String key;

    @Option(names = "--trusted-checkpoint", paramLabel = "CP",
        description = "A checkpoint note obtained earlier (GET /v1/audit/checkpoint with Accept:"
            + " text/plain, or a witness's STATE/checkpoint): the export must extend it, so a"
            + " truncated export or one cut back to an earlier checkpoint fails. It also pins"
            + " the key: the export's key must have signed it.")
    Path trustedCheckpoint;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      VerifierKey pinned;
      String trusted = null;
      try {
        pinned = key == null ? null : VerifierKey.parse(key);
        if (trustedCheckpoint != null) {
          trusted = Files.readString(trustedCheckpoint, StandardCharsets.UTF_8);
          if (pinned != null) {
            pinned.verify(trusted);
          }
        }
      } catch (IllegalArgumentException e) {
        err.println("imprint audit verify: " + (trusted == null ? "" : "the trusted checkpoint "
            + trustedCheckpoint + " is not signed by --key: ") + e.getMessage());
        return Main.USAGE;
      } catch (IOException e) {
        err.println("imprint audit verify: cannot read the trusted checkpoint "
            + trustedCheckpoint + ": " + e.getMessage());
        return Main.USAGE;
      }
      AuditVerifier.Result result;
      try {
        result = AuditVerifier.verify(file, pinned, trusted);
      } catch (IOException e) {
        err.println("imprint audit verify: cannot read " + file + ": " + e.getMessage());
        return Main.USAGE;
      }
      if (result instanceof AuditVerifier.Verified v) {
        out.println("verified: " + v.entries() + " entries, " + v.checkpoints()
            + " signed checkpoint(s), origin " + v.origin());
        if (v.trustedSize() >= 0) {
          out.println("consistent with the trusted checkpoint for size " + v.trustedSize());
        }
        if (pinned != null) {
          out.println("checkpoints verified with the pinned key " + v.verifierKey());
        } else if (v.keyPinned()) {
          out.println("checkpoints verified with the key that signed the trusted checkpoint "
              + v.verifierKey());
        } else {
          out.println("checkpoints verified with the key in the file, " + v.verifierKey()
              + ", which whoever rewrote the file could have replaced: pass --key <verifier key>"
              + " to pin the server's key");
        }
        return Main.OK;
      }
      AuditVerifier.Failed f = (AuditVerifier.Failed) result;
      out.println("FAILED at entry " + f.seq() + ": " + f.reason());
      return FAILED;
    }
  }

  /** {@code imprint audit proof --index I}. */
  @Command(name = "proof", mixinStandardHelpOptions = true,
      description = "Fetches an entry, its inclusion proof and the signed checkpoint, and verifies"
          + " them here. Exit 1 when the proof does not verify.")
  static final class Proof extends RemoteCommand {
    @Option(names = "--index", required = true, paramLabel = "SEQ", description = "The entry.")
    long index;

    @Option(names = "--size", paramLabel = "N",
        description = "Tree size to prove against (default: the latest checkpoint's).")
    Long size;

    @Option(names = "--key", paramLabel = "VERIFIER_KEY",
        description = "The verifier key to trust (default: the server's GET /v1/audit/key).")
    String key;

    @Override
    protected JsonNode call(ApiClient client) {
      VerifierKey vk = VerifierKey.parse(key != null ? key
          : client.get("/v1/audit/key", Map.of()).path("verifierKey").asText());
      Checkpoint cp = verified(vk, client.get("/v1/audit/checkpoint", Map.of()).path("note")
          .asText());
      long n = size == null ? cp.size() : size;
      if (n > cp.size()) {
        throw new IllegalArgumentException("expected --size at most the signed size "
            + cp.size() + ", got " + n);
      }
      byte[] root = cp.rootHash();
      if (n < cp.size()) {
        JsonNode c = client.get("/v1/audit/proof/consistency", Map.of("first",
            Long.toString(n), "second", Long.toString(cp.size())));
        root = HexFormat.of().parseHex(c.path("firstRootHash").asText());
        check(MerkleTree.verifyConsistency(n, cp.size(), root, cp.rootHash(),
            hashes(c.path("proof"))), "the consistency proof from size " + n + " to the signed"
            + " size " + cp.size() + " does not verify");
      }
      JsonNode entries = client.get("/v1/audit/entries", Map.of("start", Long.toString(index),
          "end", Long.toString(index + 1)));
      check(entries.path("items").size() == 1, "entry " + index + " was not returned");
      String entry = entries.path("items").get(0).path("entry").asText();
      byte[] leaf = AuditLog.leafHash(entry.getBytes(StandardCharsets.UTF_8));
      JsonNode p = client.get("/v1/audit/proof/inclusion", Map.of("index", Long.toString(index),
          "size", Long.toString(n)));
      check(MerkleTree.verifyInclusion(index, n, leaf, hashes(p.path("proof")), root),
          "the inclusion proof of entry " + index + " in the tree of size " + n
              + " does not verify");
      ObjectNode r = ApiClient.json().createObjectNode();
      r.put("index", index).put("size", n).put("verified", true)
          .put("rootHash", HexFormat.of().formatHex(root))
          .put("checkpointSize", cp.size()).put("leafHash", HexFormat.of().formatHex(leaf))
          .put("entry", entry);
      return r;
    }

    @Override
    protected void printTable(JsonNode r, PrintWriter out) {
      out.println("entry " + r.path("index").asLong() + " is included in the tree of size "
          + r.path("size").asLong() + " (root " + r.path("rootHash").asText() + ")");
      out.println("checked against the checkpoint signed for size "
          + r.path("checkpointSize").asLong());
      out.println(r.path("entry").asText());
    }

    private static Checkpoint verified(VerifierKey key, String note) {
      try {
        return key.verify(note);
      } catch (IllegalArgumentException e) {
        throw new RemoteException(FAILED, "audit.checkpoint_invalid",
            "the server's checkpoint does not verify: " + e.getMessage());
      }
    }

    private static void check(boolean ok, String message) {
      if (!ok) {
        throw new RemoteException(FAILED, "audit.proof_invalid", message);
      }
    }

    private static List<byte[]> hashes(JsonNode array) {
      List<byte[]> out = new ArrayList<>();
      array.forEach(n -> out.add(HexFormat.of().parseHex(n.asText())));
      return out;
    }
  }

  private static JsonNode readOrEmpty(String text) {
    try {
      return ApiClient.json().readTree(text);
    } catch (IOException e) {
      return ApiClient.json().createObjectNode();
    }
  }
}
