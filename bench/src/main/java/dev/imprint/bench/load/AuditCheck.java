package dev.imprint.bench.load;

import dev.imprint.server.audit.AuditLog;
import dev.imprint.server.audit.AuditService;
import dev.imprint.server.audit.CheckpointFile;
import dev.imprint.server.audit.KeyEncryptionKey;
import dev.imprint.server.store.Database;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.sql.PreparedStatement;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Locale;

/**
 * What the audit log's integrity check costs on a large log: the full check a server makes when
 * it starts (every entry's text hashed against its leaf hash, every checkpoint row verified,
 * the checkpoint file's root compared) and the check it makes before each signing (rows past
 * its cache, COUNT of the rows below it, the anchor's row, new checkpoint rows, and one round of
 * re-reading up to 20,000 old entries and 500 old checkpoint rows). Entries are written in
 * batches (canonical JSON of the API's shape, with {@link AuditLog#leafHash} leaf hashes), and
 * the server's own {@link AuditService} signs a checkpoint every {@code --every} entries.
 *
 * <pre>
 * java -cp bench/target/benchmarks.jar dev.imprint.bench.load.AuditCheck \
 *     [--entries 1000000] [--every 10000] [--store sqlite|postgresql|both] [--rounds 5]
 * </pre>
 */
public final class AuditCheck {
  /** CPU time of this thread: SQLite's work runs in it, PostgreSQL's in its own processes. */
  private static final java.lang.management.ThreadMXBean CPU =
      java.lang.management.ManagementFactory.getThreadMXBean();

  private AuditCheck() {}

  public static void main(String[] args) throws Exception {
    long entries = 1_000_000;
    long every = 10_000;
    String store = "both";
    int rounds = 5;
    for (int i = 0; i < args.length; i += 2) {
      switch (args[i]) {
        case "--entries" -> entries = Long.parseLong(args[i + 1]);
        case "--every" -> every = Long.parseLong(args[i + 1]);
        case "--store" -> store = args[i + 1];
        case "--rounds" -> rounds = Integer.parseInt(args[i + 1]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    System.out.println("| store | entries | checkpoints | start check s (CPU s) | entries/s"
        + " | tree heap MiB | check before a signing ms (CPU ms), median of " + rounds + " |");
    System.out.println("|---|---|---|---|---|---|---|");
    if (!store.equals("postgresql")) {
      run("sqlite", null, entries, every, rounds);
    }
    if (!store.equals("sqlite")) {
      try (EmbeddedPostgres pg = PostgresBaseline.start()) {
        run("postgresql", LoadGenerator.newDatabase(pg), entries, every, rounds);
      }
    }
  }

  private static void run(String store, String jdbcUrl, long entries, long every, int rounds)
      throws Exception {
    Path dir = Files.createTempDirectory("imprint-audit-check-");
    try (Database db = Database.open(jdbcUrl, dir)) {
      byte[] kekBytes = new byte[32];
      kekBytes[0] = 1;
      Path kekFile = dir.resolve("kek");
      Files.writeString(kekFile, Base64.getEncoder().encodeToString(kekBytes));
      KeyEncryptionKey kek = KeyEncryptionKey.resolve(kekFile, null, dir, m -> { });
      CheckpointFile file = new CheckpointFile(dir.resolve("audit-checkpoint"));
      AuditService writer = new AuditService(db, "bench.local", kek, Clock.systemUTC(), file,
          AuditService.IntegrityListener.none());
      int checkpoints = 0;
      for (long done = 0; done < entries; ) {
        long batch = Math.min(every, entries - done);
        insert(db, done, done + batch);
        done += batch;
        if (writer.checkpointIfGrown().isPresent()) {
          checkpoints++;
        }
      }

      System.gc();
      long heapBefore = usedHeap();
      long t1 = System.nanoTime();
      long c1 = CPU.getCurrentThreadCpuTime();
      AuditService restarted = new AuditService(db, "bench.local", kek, Clock.systemUTC(),
          file, AuditService.IntegrityListener.none());
      restarted.verifyStore();
      double start = (System.nanoTime() - t1) / 1e9;
      double startCpu = (CPU.getCurrentThreadCpuTime() - c1) / 1e9;
      System.gc();
      long heapAfter = usedHeap();

      long[] wall = new long[rounds];
      long[] cpu = new long[rounds];
      for (int r = 0; r < rounds; r++) {
        long t = System.nanoTime();
        long c = CPU.getCurrentThreadCpuTime();
        restarted.check();
        wall[r] = System.nanoTime() - t;
        cpu[r] = CPU.getCurrentThreadCpuTime() - c;
      }
      java.util.Arrays.sort(wall);
      java.util.Arrays.sort(cpu);
      System.out.printf(Locale.ROOT, "| %s | %,d | %,d | %.2f (%.2f) | %,.0f | %d | %.1f (%.1f) |%n",
          store, entries, checkpoints, start, startCpu, entries / start,
          (heapAfter - heapBefore) >> 20, wall[rounds / 2] / 1e6, cpu[rounds / 2] / 1e6);
    } finally {
      LoadGenerator.deleteTree(dir);
    }
  }

  /**
   * Entries {@code from} to {@code to - 1} in batched INSERTs: canonical JSON of the shape the
   * API writes (about 250 bytes), with their RFC 6962 leaf hashes.
   */
  private static void insert(Database db, long from, long to) {
    db.write(c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "INSERT INTO audit_entries (seq, logged_at, entry, leaf_hash) VALUES (?, ?, ?, ?)")) {
        for (long i = from; i < to; i++) {
          String e = "{\"action\":\"image.approved\",\"actor\":\"token:3f2a9c0d1e2b4a5c\","
              + "\"details\":{\"identity\":\"spiffe://bench.local/svc\",\"reason\":"
              + "\"passed policy\"},\"seq\":" + i + ",\"subject\":\"sha256:"
              + String.format(Locale.ROOT, "%064x", i) + "\",\"time\":"
              + "\"2026-12-06T12:00:00.000Z\"}";
          ps.setLong(1, i);
          ps.setLong(2, 0);
          ps.setString(3, e);
          ps.setString(4, HexFormat.of().formatHex(AuditLog.leafHash(
              e.getBytes(StandardCharsets.UTF_8))));
          ps.addBatch();
        }
        ps.executeBatch();
      }
      return null;
    });
  }

  private static long usedHeap() {
    Runtime rt = Runtime.getRuntime();
    return rt.totalMemory() - rt.freeMemory();
  }
}
