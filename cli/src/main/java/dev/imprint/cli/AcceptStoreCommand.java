package dev.imprint.cli;

import dev.imprint.server.ImprintServer;
import dev.imprint.server.ServerConfig;
import dev.imprint.server.StartupException;
import dev.imprint.server.audit.StoreAcceptance;
import dev.imprint.server.store.StoreException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code imprint audit accept-store}: after an operator has investigated an audit integrity
 * failure, makes the store as it is now the log's history, on the record.
 */
@Command(name = "accept-store", mixinStandardHelpOptions = true,
    description = {"After an audit integrity failure has been investigated, accepts the store as"
        + " it is now: removes the checkpoint rows that disagree with the stored entries, keeps"
        + " them and the superseded checkpoint file as evidence beside that file, records an"
        + " audit.store_accepted entry with --reason, signs a new checkpoint and keeps it in the"
        + " checkpoint file. Witnesses will report the change as a fork or rollback.",
        "Run it with the server stopped (each PostgreSQL replica keeps its own checkpoint file:"
            + " run it once per replica), with the options the server runs with: it takes the"
            + " data directory's lock as the server does. --dry-run only says what it would"
            + " do."},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:accepted, nothing to accept, or the dry run's plan printed",
        "1:the stored entries themselves are broken (a gap, or a text that does not hash to its"
            + " leaf hash): restore them first",
        "2:invalid options, or the store could not be opened"})
final class AcceptStoreCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--reason", required = true, paramLabel = "TEXT",
      description = "Why the store is accepted (recorded in the audit log): what the"
          + " investigation found.")
  String reason;

  @Option(names = "--dry-run", description = "Say what would be accepted and removed; change"
      + " nothing.")
  boolean dryRun;

  @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = "imprint-data",
      description = "The server's data directory (default: ${DEFAULT-VALUE}).")
  Path dataDir;

  @Option(names = "--db", paramLabel = "JDBC_URL", defaultValue = "${env:IMPRINT_DB_URL}",
      description = "The server's PostgreSQL store (or IMPRINT_DB_URL); default: the SQLite"
          + " store in --data-dir.")
  String jdbcUrl;

  @Option(names = "--trust-domain", paramLabel = "DOMAIN", defaultValue = "imprint.local",
      description = "The server's trust domain (default: ${DEFAULT-VALUE}).")
  String trustDomain;

  @Option(names = "--kek-file", paramLabel = "FILE",
      description = "The server's key-encryption key (default: IMPRINT_KEK, else"
          + " <data-dir>/kek).")
  Path kekFile;

  @Option(names = "--audit-checkpoint-file", paramLabel = "FILE",
      description = "The server's checkpoint file (default: <data-dir>/audit-checkpoint).")
  Path checkpointFile;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try {
      ServerConfig d = ServerConfig.defaults();
      ServerConfig config = new ServerConfig(d.host(), d.port(), dataDir,
          jdbcUrl == null || jdbcUrl.isBlank() ? null : jdbcUrl, trustDomain, null, null, false,
          d.logFormat(), d.maxBodyBytes()).withKekFile(kekFile)
          .withAuditCheckpointFile(checkpointFile);
      print(ImprintServer.acceptAuditStore(config, reason, dryRun),
          config.auditCheckpointPath(), out);
      return Main.OK;
    } catch (IllegalStateException e) {
      err.println("imprint audit accept-store: " + e.getMessage());
      return AuditCommand.FAILED;
    } catch (IllegalArgumentException | StoreException | StartupException
        | UncheckedIOException e) {
      err.println("imprint audit accept-store: " + e.getMessage());
      return Main.USAGE;
    } finally {
      out.flush();
      err.flush();
    }
  }

  private void print(StoreAcceptance.Outcome o, Path file, PrintWriter out) {
    if (o.failure() == null) {
      out.println("the store agrees with the checkpoint in " + file + " (" + o.entries()
          + " entries): nothing to accept");
      return;
    }
    out.println("integrity failure: " + o.failure());
    out.println((dryRun ? "would accept " : "accepted ") + o.entries() + " stored entries"
        + o.superseded().map(c -> ", superseding the checkpoint for size " + c.size()
            + " (root " + c.rootHex() + ")").orElse(""));
    for (Map.Entry<Long, String> r : o.removed().entrySet()) {
      out.println((dryRun ? "would remove" : "removed") + " checkpoint row for size "
          + r.getKey() + " (root " + r.getValue() + ")");
    }
    if (!dryRun) {
      out.println("evidence: " + o.evidence());
      out.println("recorded as " + StoreAcceptance.ACTION + "; new checkpoint for size "
          + o.signed().checkpoint().size() + " (root " + o.signed().checkpoint().rootHex()
          + ") kept in " + file);
    }
  }
}
