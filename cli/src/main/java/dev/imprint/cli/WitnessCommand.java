package dev.imprint.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.imprint.cli.remote.ApiClient;
import dev.imprint.cli.remote.RemoteException;
import dev.imprint.cli.remote.RemoteOptions;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code imprint audit witness}: verifies the log's checkpoints from outside the server. */
@Command(name = "witness", mixinStandardHelpOptions = true,
    description = {"Witnesses the audit log from outside the server: fetches its signed"
        + " checkpoint, verifies it with the pinned log key and, with a consistency proof,"
        + " against the checkpoint kept in --state, then keeps the new one cosigned with the"
        + " witness's own key (C2SP signed-note, tlog-checkpoint and tlog-cosignature).",
        "A smaller size than the one kept (rollback), another root for the same size or a"
            + " proof that does not verify (fork), or a checkpoint the pinned key did not sign"
            + " is an alert: the evidence is written to STATE/alerts/ and the kept checkpoint"
            + " stays. --watch polls until an alert or until stopped.",
        "The first run pins the log's key: --key, or --trust-on-first-use to pin the key the"
            + " server presents then. Needs an auditor (or admin) token in IMPRINT_TOKEN."},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:the checkpoint is consistent with the kept one (or --watch was stopped)",
        "1:alert: fork, rollback or a bad signature (see STATE/alerts/)",
        "2:usage or state problem (no pinned key, another log's key, an altered state)",
        "3:the server refused a request", "4:the server could not be reached"})
final class WitnessCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin RemoteOptions remote;

  @Option(names = "--state", required = true, paramLabel = "DIR",
      description = "Where the witness keeps the pinned log key, the last verified checkpoint"
          + " (cosigned), its own key and its alerts (created owner-only).")
  Path state;

  @Option(names = "--key", paramLabel = "VERIFIER_KEY",
      description = "The log's verifier key to pin on the first run (GET /v1/audit/key on a"
          + " path you trust, or an earlier export); later runs check it equals the pinned one.")
  String key;

  @Option(names = "--trust-on-first-use",
      description = "On the first run without --key, pin the key the server presents (logged).")
  boolean trustOnFirstUse;

  @Option(names = "--name", paramLabel = "NAME",
      description = "The witness's key name on the first run (default: <host>/imprint-witness).")
  String name;

  @Option(names = "--watch", description = "Keep polling until an alert or until stopped.")
  boolean watch;

  @Option(names = "--interval", paramLabel = "DURATION", defaultValue = "30s",
      converter = ServerCommand.IntervalConverter.class,
      description = "How often --watch polls: 500ms, 30s, 5m, ... (default: ${DEFAULT-VALUE}).")
  Duration interval;

  @Option(names = "--alert-command", paramLabel = "COMMAND",
      description = "Run with 'sh -c' on an alert, with IMPRINT_WITNESS_ALERT (fork, rollback,"
          + " bad-signature), IMPRINT_WITNESS_DETAIL and IMPRINT_WITNESS_EVIDENCE (a file) set.")
  String alertCommand;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (watch && interval.compareTo(Duration.ofMillis(100)) < 0) {
      err.println("imprint audit witness: expected --interval of at least 100ms, got "
          + interval.toMillis() + "ms");
      return Main.USAGE;
    }
    Witness witness;
    ApiClient client;
    try {
      client = remote.client();
      witness = Witness.open(state, key, trustOnFirstUse, name,
          () -> client.get("/v1/audit/key", Map.of()).path("verifierKey").asText(),
          w -> err.println("imprint audit witness: WARN " + w));
    } catch (IllegalArgumentException e) {
      err.println("imprint audit witness: " + e.getMessage());
      return Main.USAGE;
    } catch (RemoteException e) {
      return failed(e, err);
    }
    err.flush();
    long lastSize = witness.kept() == null ? -1 : witness.kept().size();
    while (true) {
      try {
        Witness.Outcome o = witness.poll(client);
        if (o instanceof Witness.Alert a) {
          report(a, out, err);
          return AuditCommand.FAILED;
        }
        Witness.Verified v = (Witness.Verified) o;
        if (!watch || v.checkpoint().size() != lastSize) {
          report(v, out);
        }
        lastSize = v.checkpoint().size();
        if (!watch) {
          return Main.OK;
        }
      } catch (java.io.UncheckedIOException e) {
        err.println("imprint audit witness: " + e.getMessage() + ": " + e.getCause().getMessage());
        return Main.USAGE;
      } catch (RemoteException e) {
        if (!watch || e.exitCode() == RemoteException.USAGE || e.status() == 401
            || e.status() == 403) {
          return failed(e, err);
        }
        err.println("imprint audit witness: poll failed (" + e.getMessage()
            + (e.status() > 0 ? ", HTTP " + e.status() + " " + e.code() : "") + "); retrying in "
            + interval.toMillis() + " ms");
        err.flush();
      }
      try {
        Thread.sleep(interval.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return Main.OK;
      }
    }
  }

  private void report(Witness.Verified v, PrintWriter out) {
    if (remote.json()) {
      ObjectNode n = ApiClient.json().createObjectNode().put("result", "verified")
          .put("size", v.checkpoint().size()).put("rootHash", v.checkpoint().rootHex())
          .put("previousSize", v.previousSize()).put("origin", v.checkpoint().origin());
      out.println(n.toString());
    } else {
      out.println("verified checkpoint size " + v.checkpoint().size() + " (root "
          + v.checkpoint().rootHex() + ")" + (v.previousSize() < 0
              ? ": the first one this witness keeps"
              : ", consistent with size " + v.previousSize()) + "; kept cosigned in "
          + state.resolve(Witness.CHECKPOINT));
    }
    out.flush();
  }

  private void report(Witness.Alert a, PrintWriter out, PrintWriter err) {
    err.println("imprint audit witness: ALERT " + a.kind().label() + ": " + a.detail()
        + " (evidence: " + a.evidence() + ")");
    err.flush();
    if (remote.json()) {
      try {
        out.println(ApiClient.json().writeValueAsString(Map.of("result", "alert", "kind",
            a.kind().label(), "detail", a.detail(), "evidence", a.evidence().toString())));
      } catch (JsonProcessingException e) {
        throw new IllegalStateException("cannot render the alert", e);
      }
      out.flush();
    }
    if (alertCommand != null) {
      runAlertCommand(a, err);
    }
  }

  private void runAlertCommand(Witness.Alert a, PrintWriter err) {
    ProcessBuilder pb = new ProcessBuilder("sh", "-c", alertCommand).inheritIO();
    pb.environment().put("IMPRINT_WITNESS_ALERT", a.kind().label());
    pb.environment().put("IMPRINT_WITNESS_DETAIL", a.detail());
    pb.environment().put("IMPRINT_WITNESS_EVIDENCE", a.evidence().toString());
    try {
      Process p = pb.start();
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        err.println("imprint audit witness: the alert command did not finish within 60 s");
      } else if (p.exitValue() != 0) {
        err.println("imprint audit witness: the alert command exited with " + p.exitValue());
      }
    } catch (IOException e) {
      err.println("imprint audit witness: cannot run the alert command: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    err.flush();
  }

  private static int failed(RemoteException e, PrintWriter err) {
    err.println("imprint audit witness: " + e.getMessage() + (e.status() > 0
        ? " (HTTP " + e.status() + ", " + e.code() + ")" : ""));
    err.flush();
    return e.exitCode();
  }
}
