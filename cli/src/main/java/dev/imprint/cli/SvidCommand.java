package dev.imprint.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.imprint.cli.remote.RemoteException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code imprint svid fetch}: a workload's side of attestation, writing spiffe-helper's files. */
@Command(name = "svid", mixinStandardHelpOptions = true,
    description = "Fetches SPIFFE credentials for a workload of an approved image.",
    subcommands = {SvidCommand.Fetch.class})
final class SvidCommand {
  /** {@code imprint svid fetch}. */
  @Command(name = "fetch", mixinStandardHelpOptions = true,
      description = "Redeems a join token once and writes, in --out, the files spiffe-helper"
          + " writes: svid.pem (X.509-SVID and intermediate), svid_key.pem (its private key,"
          + " generated here and never sent, 0600), bundle.pem (X.509 authorities),"
          + " jwt_svid.token (with --audience, 0600) and jwt_bundle.json (the JWT authorities,"
          + " a JWKS). Every file is replaced atomically. With --watch it renews them before"
          + " they expire until stopped or refused (the image retired, the identity disabled).",
      exitCodeListHeading = "%nExit codes:%n",
      exitCodeList = {"0:written", "2:usage error or unwritable --out",
          "3:the server refused (the problem's code is printed)",
          "4:the server could not be reached"})
  static final class Fetch implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--server", paramLabel = "URL",
        defaultValue = "${env:IMPRINT_SERVER:-http://127.0.0.1:7878}",
        description = "Control plane URL (default: IMPRINT_SERVER or ${DEFAULT-VALUE}).")
    String server;

    @Option(names = "--join-token", paramLabel = "TOKEN",
        defaultValue = "${env:IMPRINT_JOIN_TOKEN}",
        description = "The single-use join token (default: IMPRINT_JOIN_TOKEN, which keeps it"
            + " out of the process list).")
    String joinToken;

    @Option(names = "--audience", paramLabel = "AUD",
        description = "Also fetch a JWT-SVID for this audience.")
    String audience;

    @Option(names = "--jwt-ttl", paramLabel = "DURATION",
        description = "JWT-SVID lifetime, 30s to 1h (default 5m).")
    String jwtTtl;

    @Option(names = "--x509-ttl", paramLabel = "DURATION",
        description = "X.509-SVID lifetime, 30s to a third of the key lifetime (default 1h).")
    String x509Ttl;

    @Option(names = "--out", required = true, paramLabel = "DIR",
        description = "Where to write the files (created owner-only when missing).")
    Path out;

    @Option(names = "--watch", description = "Keep renewing before expiry (a server that"
        + " cannot be reached or answers 429/5xx is asked again until the session expires).")
    boolean watch;

    @Option(names = "--max-renewals", paramLabel = "N", defaultValue = "0",
        description = "With --watch, stop after N renewals (0: never).")
    int maxRenewals;

    @Override
    public Integer call() {
      PrintWriter err = spec.commandLine().getErr();
      PrintWriter outw = spec.commandLine().getOut();
      if (joinToken == null || joinToken.isBlank()) {
        err.println("imprint: expected --join-token or IMPRINT_JOIN_TOKEN, got none");
        err.flush();
        return RemoteException.USAGE;
      }
      try {
        SvidFetcher fetcher = new SvidFetcher(server, out, jwtTtl, x509Ttl);
        JsonNode issued = fetcher.attest(joinToken, audience, err);
        outw.println(fetcher.summary(issued));
        outw.flush();
        int renewals = 0;
        while (watch && (maxRenewals == 0 || renewals < maxRenewals)) {
          issued = fetcher.renewWhenDue(issued, audience, err);
          renewals++;
          outw.println(fetcher.summary(issued));
          outw.flush();
        }
        return 0;
      } catch (RemoteException e) {
        err.println("imprint: " + e.getMessage() + (e.status() > 0
            ? " (HTTP " + e.status() + ", " + e.code() + ")" : ""));
        err.flush();
        return e.exitCode();
      } catch (IllegalArgumentException e) {
        err.println("imprint: " + e.getMessage());
        err.flush();
        return RemoteException.USAGE;
      }
    }
  }

  /** How long to wait before retrying a renewal that could not reach the server. */
  static Duration retryDelay(Duration untilExpiry) {
    Duration d = untilExpiry.dividedBy(10);
    return d.compareTo(Duration.ofSeconds(30)) > 0 ? Duration.ofSeconds(30)
        : d.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : d;
  }
}
