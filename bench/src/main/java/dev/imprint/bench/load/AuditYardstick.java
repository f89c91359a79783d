package dev.imprint.bench.load;

import dev.imprint.server.store.BatchSizes;
import dev.imprint.server.store.Database;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Audit appends on PostgreSQL against a like-for-like baseline: one connection inserting rows of
 * an audit entry's size into {@code audit_entries} (the server's own table, made by its
 * migrations) in batches of the sizes the group commit formed, one {@code executeBatch} and one
 * durable commit per batch. Runs alternate (appends, baseline, appends, baseline, ...), each on
 * a fresh database after its own warm-up; the baseline of a run replays the batch sizes of the
 * appends run just before it, once all of the median size and once in the observed sizes.
 */
final class AuditYardstick {
  private AuditYardstick() {}

  /** One appends run and the baseline run after it. */
  private record Pair(LoadGenerator.Result appends, double medianRowsPerSecond,
      double observedRowsPerSecond) {
    double ratio() {
      return appends.perSecond() / medianRowsPerSecond;
    }

    double observedRatio() {
      return appends.perSecond() / observedRowsPerSecond;
    }
  }

  static void run(EmbeddedPostgres pg, int clients, int seconds, int warmup, int runs)
      throws Exception {
    if (runs < 1) {
      throw new IllegalArgumentException("--runs must be at least 1, got " + runs);
    }
    List<Pair> pairs = new ArrayList<>();
    for (int r = 0; r < runs; r++) {
      LoadGenerator.Result a = AuditAppend.run("postgresql", LoadGenerator.newDatabase(pg),
          clients, seconds, warmup);
      System.out.println(a.row());
      if (a.batches() == null || a.batches().commits() == 0) {
        throw new IllegalStateException("the audit-append run committed nothing");
      }
      int median = a.batches().percentile(50);
      int[] observed = sequence(a.batches());
      String url = migratedDatabase(pg);
      insert(url, new int[] {median}, warmup);
      double medianRate = insert(url, new int[] {median}, seconds);
      double observedRate = insert(url, observed, seconds);
      pairs.add(new Pair(a, medianRate, observedRate));
    }
    System.out.println();
    System.out.println("| audit appends vs. baseline (PostgreSQL, " + clients + " clients) | run"
        + " | appends/s | units per commit min / median / p90 / max (mean) | baseline rows/s,"
        + " median-size batches | ratio | baseline rows/s, observed sizes | ratio |");
    System.out.println("|---|---:|---:|---|---:|---:|---:|---:|");
    for (int r = 0; r < pairs.size(); r++) {
      Pair p = pairs.get(r);
      BatchSizes b = p.appends().batches();
      System.out.println(String.format(Locale.ROOT,
          "| durable audit append / 1-connection batched INSERT | %d | %.0f | %d / %d / %d / %d"
          + " (%.1f) | %.0f | %.1f %% | %.0f | %.1f %% |", r + 1, p.appends().perSecond(),
          b.percentile(0), b.percentile(50), b.percentile(90), b.percentile(100),
          b.units() / (double) b.commits(), p.medianRowsPerSecond(), 100 * p.ratio(),
          p.observedRowsPerSecond(), 100 * p.observedRatio()));
    }
    System.out.println();
    System.out.println(String.format(Locale.ROOT, "Over %d alternated runs, median (min-max):"
        + " %s appends/s; baseline %s rows/s in median-size batches, %s rows/s in the observed"
        + " sizes; **appends are %s %% of the median-size baseline** (%s %% of the observed-size"
        + " one).", pairs.size(),
        spread(pairs.stream().mapToDouble(p -> p.appends().perSecond()).toArray(), "%.0f"),
        spread(pairs.stream().mapToDouble(Pair::medianRowsPerSecond).toArray(), "%.0f"),
        spread(pairs.stream().mapToDouble(Pair::observedRowsPerSecond).toArray(), "%.0f"),
        spread(pairs.stream().mapToDouble(p -> 100 * p.ratio()).toArray(), "%.1f"),
        spread(pairs.stream().mapToDouble(p -> 100 * p.observedRatio()).toArray(), "%.1f")));
  }

  /** "median (min-max)" of {@code values}. */
  static String spread(double[] values, String format) {
    double[] v = values.clone();
    Arrays.sort(v);
    double median = v.length % 2 == 1 ? v[v.length / 2]
        : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    return String.format(Locale.ROOT, format + " (" + format + "-" + format + ")", median, v[0],
        v[v.length - 1]);
  }

  /** Every commit's size once, in a fixed shuffled order (batches of 0 units left out). */
  static int[] sequence(BatchSizes b) {
    long[] counts = b.counts();
    List<Integer> sizes = new ArrayList<>();
    for (int n = 1; n < counts.length; n++) {
      for (long k = 0; k < counts[n]; k++) {
        sizes.add(n);
      }
    }
    Collections.shuffle(sizes, new Random(42));
    return sizes.stream().mapToInt(Integer::intValue).toArray();
  }

  /** A new database with the server's schema (its migrations), empty. */
  private static String migratedDatabase(EmbeddedPostgres pg) throws Exception {
    String url = LoadGenerator.newDatabase(pg);
    Path dir = Files.createTempDirectory("imprint-yardstick-");
    try (Database db = Database.open(url, dir)) {
      db.dialect(); // migrated on open
    } finally {
      LoadGenerator.deleteTree(dir);
    }
    return url;
  }

  /**
   * Rows per second one connection inserts into {@code audit_entries} for {@code seconds}, in
   * batches of the sizes in {@code batches} (cycled), one durable commit each.
   */
  private static double insert(String url, int[] batches, int seconds) throws SQLException {
    try (Connection c = DriverManager.getConnection(url);
        PreparedStatement ins = c.prepareStatement(
            "INSERT INTO audit_entries (seq, logged_at, entry, leaf_hash) VALUES (?, ?, ?, ?)")) {
      c.setAutoCommit(false);
      long seq;
      try (var st = c.createStatement();
          var rs = st.executeQuery("SELECT COALESCE(MAX(seq), -1) + 1 FROM audit_entries")) {
        rs.next();
        seq = rs.getLong(1);
      }
      c.commit();
      long rows = 0;
      long start = System.nanoTime();
      long deadline = start + seconds * 1_000_000_000L;
      for (int k = 0; System.nanoTime() < deadline; k++) {
        int n = batches[k % batches.length];
        for (int b = 0; b < n; b++) {
          Instant now = Instant.now();
          ins.setLong(1, seq);
          ins.setLong(2, now.toEpochMilli());
          ins.setString(3, entry(seq, now, (int) (seq % 16)));
          ins.setString(4, String.format(Locale.ROOT, "%064x", seq));
          ins.addBatch();
          seq++;
        }
        ins.executeBatch();
        c.commit();
        rows += n;
      }
      return rows / ((System.nanoTime() - start) / 1e9);
    }
  }

  /** The canonical JSON of the entry {@link AuditAppend} appends: the same keys and sizes. */
  private static String entry(long seq, Instant at, int client) {
    return "{\"action\":\"image.approved\",\"actor\":\"token:bench-" + client
        + "\",\"details\":{\"reason\":\"passed policy\"},\"seq\":" + seq
        + ",\"subject\":\"sha256:" + String.format(Locale.ROOT, "%064x", seq) + "\",\"time\":\""
        + at + "\"}";
  }
}
