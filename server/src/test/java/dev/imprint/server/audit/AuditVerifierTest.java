package dev.imprint.server.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.imprint.server.store.Database;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditVerifierTest {
  @TempDir static Path dir;
  static Database db;
  static AuditService audit;
  static List<String> lines;
  /** Index of the line holding entry 0. */
  static int firstEntry;

  @BeforeAll
  static void export() throws Exception {
    db = Database.open(null, dir);
    AuditLog log = new AuditLog(db, Clock.systemUTC());
    audit = new AuditService(db, "example.org", KeyEncryptionKey.of(new byte[32]),
        Clock.systemUTC());
    for (int i = 0; i < 40; i++) {
      int n = i;
      db.write(c -> {
        log.append(c, new AuditEvent("admin", "test.event", "thing:" + n, Map.of("n", n)));
        return null;
      });
      if (i == 9 || i == 24) {
        audit.checkpoint();
      }
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    AuditExport.write(audit, out);
    lines = new ArrayList<>(List.of(out.toString(StandardCharsets.UTF_8).split("\n")));
    firstEntry = 4;
    assertThat(lines.get(firstEntry)).contains("\"seq\":0,");
  }

  @AfterAll
  static void close() {
    db.close();
  }

  @Test
  void anUntouchedExportVerifiesWithThreeCheckpoints() throws Exception {
    assertThat(verify(lines)).isEqualTo(new AuditVerifier.Verified("example.org/imprint-audit",
        40, 3, audit.verifierKey().encoded(), true));
  }

  @Test
  void withoutAPinnedKeyTheResultSaysTheFileItselfNamedTheKey() throws Exception {
    assertThat(AuditVerifier.verify(reader(lines), null)).isEqualTo(new AuditVerifier.Verified(
        "example.org/imprint-audit", 40, 3, audit.verifierKey().encoded(), false));
  }

  @Test
  void editingOneByteOfEntry17NamesEntry17() throws Exception {
    List<String> l = copy();
    l.set(entryLine(17), l.get(entryLine(17)).replace("thing:17", "thing:71"));
    assertFailure(l, 17, "entry 17 was altered");
  }

  @Test
  void editingEntry17AndItsLeafHashNamesTheCheckpointRangeThatHoldsIt() throws Exception {
    List<String> l = copy();
    String text = "{\"action\":\"test.event\",\"actor\":\"mallory\",\"details\":{\"n\":17},"
        + "\"seq\":17,\"subject\":\"thing:17\",\"time\":\"2026-01-01T00:00:00Z\"}";
    l.set(entryLine(17), AuditExport.entry(17, java.util.HexFormat.of().formatHex(
        AuditLog.leafHash(text.getBytes(StandardCharsets.UTF_8))), text).toString());
    assertFailure(l, 10, "entries 10 to 24 do not hash to the signed root");
  }

  @Test
  void deletingEntry17NamesEntry17() throws Exception {
    List<String> l = copy();
    l.remove(entryLine(17));
    assertFailure(l, 17, "entry 17 is missing");
  }

  @Test
  void anEntryWhoseSeqIsMissingOrNotANaturalNumberNamesTheEntryExpectedThere() throws Exception {
    for (String bad : List.of("\"sek\":", "\"seq\":-", "\"seq\":\"17\",\"x\":")) {
      List<String> l = copy();
      l.set(entryLine(17), l.get(entryLine(17)).replace("\"seq\":", bad));
      assertFailure(l, 17, "line " + (entryLine(17) + 1) + " is an entry without a valid seq");
    }
  }

  @Test
  void swappingEntries16And17NamesEntry16() throws Exception {
    List<String> l = copy();
    String e16 = l.get(entryLine(16));
    l.set(entryLine(16), l.get(entryLine(17)));
    l.set(entryLine(17), e16);
    assertFailure(l, 16, "entry 16 is missing or out of order");
  }

  @Test
  void insertingAForgedEntryNamesTheSeqItDuplicates() throws Exception {
    List<String> l = copy();
    l.add(entryLine(17), l.get(entryLine(17)).replace("thing:17", "thing:x"));
    assertFailure(l, 17, "entry 17 was altered");
    List<String> l2 = copy();
    l2.add(entryLine(18), l2.get(entryLine(17)));
    assertFailure(l2, 17, "entry 17 appears again");
  }

  @Test
  void appendingAForgedEntryNamesIt() throws Exception {
    List<String> l = copy();
    String text = "{\"action\":\"x\",\"actor\":\"mallory\",\"details\":{},\"seq\":40,"
        + "\"subject\":\"y\",\"time\":\"2026-01-01T00:00:00Z\"}";
    ObjectNode forged = AuditExport.entry(40, java.util.HexFormat.of().formatHex(
        AuditLog.leafHash(text.getBytes(StandardCharsets.UTF_8))), text);
    l.add(l.size() - 1, forged.toString());
    l.set(l.size() - 1, "{\"type\":\"end\",\"entries\":41}");
    l.set(0, l.get(0).replace("\"size\":40", "\"size\":41"));
    assertFailure(l, 40, "entry 40 is not covered by any signed checkpoint");
    List<String> after = copy();
    after.add(forged.toString());
    assertFailure(after, 40, "after the end line");
  }

  @Test
  void aForgedCheckpointSignatureNamesTheFirstEntryItWouldCover() throws Exception {
    List<String> l = copy();
    String cp = l.get(2);
    assertThat(cp).contains("\"size\":25");
    int sig = cp.indexOf("\\u2014") >= 0 ? cp.indexOf("\\u2014") : cp.indexOf("\u2014");
    int at = cp.indexOf(' ', sig + 3) + 5;
    char c = cp.charAt(at);
    l.set(2, cp.substring(0, at) + (c == 'A' ? 'B' : 'A') + cp.substring(at + 1));
    assertFailure(l, 10, "does not verify");
  }

  @Test
  void aCheckpointFromAnotherKeyIsRefusedWhenTheKeyIsPinned() throws Exception {
    CheckpointSigner other = new CheckpointSigner("example.org/imprint-audit", new byte[32]);
    AuditVerifier.Result r = AuditVerifier.verify(reader(lines), other.verifierKey());
    assertThat(r).isInstanceOf(AuditVerifier.Failed.class);
    assertThat(((AuditVerifier.Failed) r).reason()).contains("not the expected key");
  }

  @Test
  void truncatingTheFileNamesTheFirstMissingEntry() throws Exception {
    String whole = String.join("\n", lines) + "\n";
    int cut = whole.indexOf("\"seq\":30,") + 10;
    Path f = dir.resolve("truncated.jsonl");
    Files.writeString(f, whole.substring(0, cut));
    AuditVerifier.Result r = AuditVerifier.verify(f, audit.verifierKey());
    assertThat(r).isInstanceOf(AuditVerifier.Failed.class);
    assertThat(((AuditVerifier.Failed) r).seq()).isEqualTo(30);
    assertThat(((AuditVerifier.Failed) r).reason()).contains("truncated");
    Files.writeString(f, String.join("\n", lines.subList(0, entryLine(30))) + "\n");
    assertThat(((AuditVerifier.Failed) AuditVerifier.verify(f, null)).seq()).isEqualTo(30);
  }

  @Test
  void anExportIsProvenConsistentWithAnEarlierTrustedCheckpoint() throws Exception {
    AuditVerifier.Result r = AuditVerifier.verify(reader(lines), null, note(25));
    assertThat(r).isEqualTo(new AuditVerifier.Verified("example.org/imprint-audit", 40, 3,
        audit.verifierKey().encoded(), true, 25));
    assertThat(AuditVerifier.verify(reader(lines), audit.verifierKey(), note(40)))
        .isEqualTo(new AuditVerifier.Verified("example.org/imprint-audit", 40, 3,
            audit.verifierKey().encoded(), true, 40));
  }

  @Test
  void anExportCutBackToAnEarlierCheckpointVerifiesAloneButNotAgainstALaterTrustedOne()
      throws Exception {
    List<String> cut = cutBackTo(25);
    assertThat(verify(cut)).isEqualTo(new AuditVerifier.Verified("example.org/imprint-audit",
        25, 2, audit.verifierKey().encoded(), true));
    AuditVerifier.Result r = AuditVerifier.verify(reader(cut), audit.verifierKey(), note(40));
    assertThat(r).isInstanceOf(AuditVerifier.Failed.class);
    AuditVerifier.Failed f = (AuditVerifier.Failed) r;
    assertThat(f.seq()).isEqualTo(25);
    assertThat(f.reason()).contains("the export holds 25 entries but the trusted checkpoint"
        + " signs 40: it was truncated or cut back to an earlier checkpoint");
  }

  @Test
  void aTruncatedExportFailsWithOrWithoutATrustedCheckpoint() throws Exception {
    List<String> truncated = new ArrayList<>(lines.subList(0, entryLine(30)));
    AuditVerifier.Result r = AuditVerifier.verify(reader(truncated), null, note(25));
    assertThat(r).isInstanceOf(AuditVerifier.Failed.class);
    assertThat(((AuditVerifier.Failed) r).seq()).isEqualTo(30);
  }

  @Test
  void aHistoryRewrittenAndResignedWithTheSameKeyIsAForkOfTheTrustedCheckpoint(
      @TempDir Path other) throws Exception {
    try (Database forked = Database.open(null, other)) {
      copyServerKey(db, forked);
      AuditLog log = new AuditLog(forked, Clock.systemUTC());
      AuditService fork = new AuditService(forked, "example.org",
          KeyEncryptionKey.of(new byte[32]), Clock.systemUTC());
      assertThat(fork.verifierKey()).isEqualTo(audit.verifierKey());
      for (int i = 0; i < 45; i++) {
        int n = i == 12 ? 1200 : i;
        forked.write(c -> {
          log.append(c, new AuditEvent("admin", "test.event", "thing:" + n, Map.of("n", n)));
          return null;
        });
      }
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      AuditExport.write(fork, out);
      List<String> l = List.of(out.toString(StandardCharsets.UTF_8).split("\n"));
      assertThat(verify(l)).isInstanceOf(AuditVerifier.Verified.class);
      AuditVerifier.Result r = AuditVerifier.verify(reader(l), audit.verifierKey(), note(25));
      assertThat(r).isInstanceOf(AuditVerifier.Failed.class);
      assertThat(((AuditVerifier.Failed) r).reason()).contains("entries 0 to 24 of the export do"
          + " not hash to the root of the trusted checkpoint for size 25")
          .contains("(a fork)");
    }
  }

  @Test
  void aTrustedCheckpointFromAnotherKeyIsRefused() throws Exception {
    CheckpointSigner other = new CheckpointSigner("example.org/imprint-audit", new byte[32]);
    String foreign = other.sign(new Checkpoint("example.org/imprint-audit", 25,
        audit.root(25)));
    AuditVerifier.Result r = AuditVerifier.verify(reader(lines), null, foreign);
    assertThat(r).isInstanceOf(AuditVerifier.Failed.class);
    assertThat(((AuditVerifier.Failed) r).reason()).contains("the trusted checkpoint is not"
        + " signed by the export's key");
  }

  @Test
  void aChangedHeaderSizeOrEndCountNamesTheSmallerCount() throws Exception {
    List<String> header = copy();
    header.set(0, header.get(0).replace("\"size\":40", "\"size\":41"));
    assertFailure(header, 40, "the export declares 41 entries (header) and 40 (end line) but"
        + " holds 40");
    List<String> end = copy();
    end.set(end.size() - 1, "{\"type\":\"end\",\"entries\":39}");
    assertFailure(end, 39, "declares 40 entries (header) and 39 (end line)");
  }

  @Test
  void removingTheLastCheckpointUncoversItsEntriesButRemovingAnEarlierOneOnlyCoarsens()
      throws Exception {
    List<String> last = copy();
    assertThat(last.remove(3)).contains("\"size\":40,");
    assertFailure(last, 25, "entry 25 is not covered by any signed checkpoint");
    List<String> middle = copy();
    assertThat(middle.remove(2)).contains("\"size\":25,");
    assertThat(verify(middle)).isEqualTo(new AuditVerifier.Verified(
        "example.org/imprint-audit", 40, 2, audit.verifierKey().encoded(), true));
  }

  @Test
  void aReplacedKeyWithEveryCheckpointResignedPassesOnlyWhenNothingPinsTheKey()
      throws Exception {
    byte[] seed = new byte[32];
    seed[0] = 3;
    CheckpointSigner forger = new CheckpointSigner("example.org/imprint-audit", seed);
    List<String> l = copy();
    l.set(0, l.get(0).replace(audit.verifierKey().encoded(), forger.verifierKey().encoded()));
    for (int i = 1; i <= 3; i++) {
      long size = AuditExport.JSON.readTree(l.get(i)).get("size").asLong();
      l.set(i, AuditExport.checkpoint(size, forger.sign(new Checkpoint(
          "example.org/imprint-audit", size, audit.root(size)))).toString());
    }
    assertThat(AuditVerifier.verify(reader(l), null)).isEqualTo(new AuditVerifier.Verified(
        "example.org/imprint-audit", 40, 3, forger.verifierKey().encoded(), false));
    assertFailure(l, 0, "not the expected key");
    AuditVerifier.Result r = AuditVerifier.verify(reader(l), null, note(25));
    assertThat(r).isInstanceOf(AuditVerifier.Failed.class);
    assertThat(((AuditVerifier.Failed) r).reason()).contains("the trusted checkpoint is not"
        + " signed by the export's key");
  }

  /** The export as it would have been written when the log held {@code size} entries. */
  private static List<String> cutBackTo(long size) {
    List<String> l = new ArrayList<>();
    l.add(lines.get(0).replace("\"size\":40", "\"size\":" + size));
    for (String line : lines.subList(1, lines.size() - 1)) {
      boolean laterCheckpoint = line.contains("\"type\":\"checkpoint\"")
          && !line.contains("\"size\":10,") && !line.contains("\"size\":" + size + ",");
      boolean laterEntry = line.contains("\"type\":\"entry\"")
          && line.matches(".*\"seq\":([0-9]+),.*") && Long.parseLong(
              line.replaceAll(".*?\"seq\":([0-9]+),.*", "$1")) >= size;
      if (!laterCheckpoint && !laterEntry) {
        l.add(line);
      }
    }
    l.add("{\"type\":\"end\",\"entries\":" + size + "}");
    return l;
  }

  /** The stored checkpoint note for {@code size}. */
  private static String note(long size) {
    return audit.checkpoints(size).stream().filter(c -> c.checkpoint().size() == size)
        .findFirst().orElseThrow().note();
  }

  private static void copyServerKey(Database from, Database to) {
    String[] row = from.read(c -> {
      try (var ps = c.prepareStatement("SELECT id, algorithm, public_key, private_key_enc,"
          + " created_at FROM server_keys");
          var rs = ps.executeQuery()) {
        rs.next();
        return new String[] {rs.getString(1), rs.getString(2), rs.getString(3),
            rs.getString(4), Long.toString(rs.getLong(5))};
      }
    });
    to.write(c -> {
      try (var ps = c.prepareStatement("INSERT INTO server_keys (id, algorithm, public_key,"
          + " private_key_enc, created_at) VALUES (?, ?, ?, ?, ?)")) {
        for (int i = 0; i < 4; i++) {
          ps.setString(i + 1, row[i]);
        }
        ps.setLong(5, Long.parseLong(row[4]));
        ps.executeUpdate();
      }
      return null;
    });
  }

  @Test
  void aFileThatIsNotAnExportIsUnreadable() throws Exception {
    Path f = dir.resolve("other.txt");
    Files.writeString(f, "hello\n");
    assertThatThrownBy(() -> AuditVerifier.verify(f, null))
        .isInstanceOf(AuditVerifier.UnreadableException.class)
        .hasMessageContaining("not an Imprint audit export");
    assertThatThrownBy(() -> AuditVerifier.verify(dir.resolve("missing"), null))
        .isInstanceOf(java.io.IOException.class);
  }

  private static int entryLine(int seq) {
    return firstEntry + seq;
  }

  private static List<String> copy() {
    return new ArrayList<>(lines);
  }

  private static void assertFailure(List<String> l, long seq, String reason) throws Exception {
    AuditVerifier.Result r = verify(l);
    assertThat(r).isInstanceOf(AuditVerifier.Failed.class);
    AuditVerifier.Failed f = (AuditVerifier.Failed) r;
    assertThat(f.reason()).contains(reason);
    assertThat(f.seq()).as(f.reason()).isEqualTo(seq);
  }

  private static AuditVerifier.Result verify(List<String> l) throws Exception {
    return AuditVerifier.verify(reader(l), audit.verifierKey());
  }

  private static java.io.BufferedReader reader(List<String> l) {
    return new java.io.BufferedReader(new java.io.StringReader(String.join("\n", l) + "\n"));
  }
}
