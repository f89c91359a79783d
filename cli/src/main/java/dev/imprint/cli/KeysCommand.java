package dev.imprint.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.imprint.cli.remote.ApiClient;
import dev.imprint.cli.remote.RemoteCommand;
import dev.imprint.cli.remote.Table;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code imprint keys}: list the trust domain's signing keys and rotate them (admin). */
@Command(name = "keys", mixinStandardHelpOptions = true,
    description = "Lists the trust domain's signing keys (JWT-SVID and X.509 CA) with their"
        + " schedule, and rotates them (needs an admin token in IMPRINT_TOKEN; an auditor token"
        + " may list).",
    subcommands = {KeysCommand.ListKeys.class, KeysCommand.Rotate.class})
final class KeysCommand {
  /** {@code imprint keys list}. */
  @Command(name = "list", mixinStandardHelpOptions = true,
      description = "Lists keys: active (signs now), prepared (published, signs later), retired"
          + " (published until what it signed expires), expired.")
  static final class ListKeys extends RemoteCommand {
    @Override
    protected JsonNode call(ApiClient client) {
      return client.get("/v1/keys", Map.of());
    }

    @Override
    protected void printTable(JsonNode r, PrintWriter out) {
      Table t = new Table("KID", "USE", "ALG", "STATUS", "ACTIVATES", "NOT AFTER");
      for (JsonNode k : r.path("items")) {
        t.row(k.path("kid").asText(), k.path("use").asText(), k.path("algorithm").asText(),
            k.path("status").asText(), k.path("activates_at").asText(),
            k.path("not_after").asText());
      }
      t.print(out);
      out.println("bundle sequence: " + r.path("sequence").asLong());
    }
  }

  /** {@code imprint keys rotate}. */
  @Command(name = "rotate", mixinStandardHelpOptions = true,
      description = "Rotates every published key: the prepared successor (or a new key) signs"
          + " from --activate-in on. Verifiers that cached the bundle less recently than that"
          + " refuse the new key's SVIDs until they refresh, so keep it at least the bundle's"
          + " refresh hint (the default: the hint plus 20s). Audited.")
  static final class Rotate extends RemoteCommand {
    @Option(names = "--activate-in", paramLabel = "DURATION",
        description = "When the new keys start signing, e.g. 30s, 10m, 1h (at least 20s: every"
            + " server replica must publish a key before any signs with it; at most a sixth of"
            + " the key lifetime plus 20s, 4h20s with 24h keys: the schedule's own lead).")
    String activateIn;

    @Override
    protected JsonNode call(ApiClient client) {
      Map<String, Object> body = new LinkedHashMap<>();
      if (activateIn != null) {
        body.put("activate_in", activateIn);
      }
      return client.post("/v1/keys/rotate", body);
    }

    @Override
    protected void printTable(JsonNode r, PrintWriter out) {
      for (JsonNode k : r.path("rotations")) {
        out.println(k.path("use").asText() + " " + k.path("algorithm").asText() + ": "
            + k.path("kid").asText() + " signs from " + k.path("activates_at").asText()
            + (k.path("previous_kid").isTextual() ? " (after " + k.path("previous_kid").asText()
                + ")" : ""));
      }
    }
  }
}
