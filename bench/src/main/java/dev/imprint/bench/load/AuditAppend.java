package dev.imprint.bench.load;

import dev.imprint.server.audit.AuditEvent;
import dev.imprint.server.audit.AuditLog;
import dev.imprint.server.store.BatchSizes;
import dev.imprint.server.store.Database;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;

/**
 * Audit appends per second without HTTP: N threads each append one entry per durable
 * transaction through the server's own store and group commit, as every API write does; the
 * result carries the units per commit the group commit formed in the measured seconds.
 */
final class AuditAppend {
  static final String NAME = "audit-append";

  private AuditAppend() {}

  static LoadGenerator.Result run(String store, String jdbcUrl, int clients, int seconds,
      int warmup) throws Exception {
    Path dir = Files.createTempDirectory("imprint-audit-load-");
    try (Database db = Database.open(jdbcUrl, dir)) {
      AuditLog audit = new AuditLog(db, Clock.systemUTC());
      LoadGenerator.Op op = (client, i) -> {
        AuditEvent e = new AuditEvent("token:bench-" + client, "image.approved",
            "sha256:" + String.format("%064x", i), Map.of("reason", "passed policy"));
        db.write(tx -> {
          audit.append(tx, e);
          return null;
        });
        return true;
      };
      WarmUp.closedLoop(NAME, clients, warmup, op);
      BatchSizes before = db.writeBatchSizes();
      LoadGenerator.Result r = LoadGenerator.drive(NAME, clients, seconds, op);
      return new LoadGenerator.Result(NAME, store, clients, r.requests(), r.errors(),
          r.seconds(), r.latenciesNanos(), db.writeBatchSizes().since(before));
    } finally {
      LoadGenerator.deleteTree(dir);
    }
  }
}
