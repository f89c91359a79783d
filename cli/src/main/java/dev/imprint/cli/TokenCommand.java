package dev.imprint.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.imprint.cli.remote.ApiClient;
import dev.imprint.cli.remote.RemoteCommand;
import dev.imprint.cli.remote.Table;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code imprint token}: create, list, show and revoke API tokens (admin). */
@Command(name = "token", mixinStandardHelpOptions = true,
    description = "Creates, lists, shows and revokes API tokens on the server (needs an admin"
        + " token in IMPRINT_TOKEN; an auditor token may list and show).",
    subcommands = {TokenCommand.Create.class, TokenCommand.ListTokens.class,
        TokenCommand.Show.class, TokenCommand.Revoke.class})
final class TokenCommand {
  /** A time field, or {@code never} when it is null. */
  private static String timeOrNever(JsonNode t, String field) {
    return t.path(field).isNull() || t.path(field).isMissingNode() ? "never"
        : t.path(field).asText();
  }

  /** A text field, or {@code -} when it is null. */
  private static String orDash(JsonNode t, String field) {
    return t.path(field).isNull() || t.path(field).isMissingNode() ? "-" : t.path(field).asText();
  }

  /** {@code imprint token create}. */
  @Command(name = "create", mixinStandardHelpOptions = true,
      description = "Creates a token and prints it once.")
  static final class Create extends RemoteCommand {
    @Option(names = "--role", required = true,
        paramLabel = "admin|pipeline|auditor|workload|admission",
        description = "What the token may do (admission: the Kubernetes API server calling the"
            + " admission webhooks).")
    String role;

    @Option(names = "--description", paramLabel = "TEXT", description = "What it is for.")
    String description;

    @Option(names = "--identity", paramLabel = "SPIFFE_ID|ID",
        description = "Bind a workload or pipeline token to this active identity: it works only"
            + " while the identity is active, is revoked when it is offboarded, and its use is"
            + " the identity's last seen time.")
    String identity;

    @Option(names = "--cluster", paramLabel = "NAME",
        description = "Bind an admission token to this registered cluster: the pods its"
            + " reviews admit are recorded there and it cannot speak for another cluster.")
    String cluster;

    @Override
    protected JsonNode call(ApiClient client) {
      if (cluster != null) {
        if (!"admission".equals(role) || identity != null) {
          throw new IllegalArgumentException("--cluster binds an admission token: use it with"
              + " --role admission and without --identity");
        }
        return ClusterCommand.admissionToken(client, cluster, description);
      }
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("role", role);
      if (description != null) {
        body.put("description", description);
      }
      if (identity != null) {
        body.put("identity", identity);
      }
      return client.post("/v1/tokens", body);
    }

    @Override
    protected void printTable(JsonNode r, PrintWriter out) {
      out.println("token: " + r.path("token").asText());
      out.println("id: " + r.path("id").asText() + "  role: " + r.path("role").asText()
          + (r.path("identity").isTextual() ? "  identity: " + r.path("identity").asText() : "")
          + (r.path("cluster").isTextual() ? "  cluster: " + r.path("cluster").asText() : ""));
      out.println("(shown once; only its hash is stored)");
    }
  }

  /** {@code imprint token list}. */
  @Command(name = "list", mixinStandardHelpOptions = true,
      description = "Lists every token without its secret, newest first (all pages).")
  static final class ListTokens extends RemoteCommand {
    @Override
    protected JsonNode call(ApiClient client) {
      ObjectNode all = ApiClient.json().createObjectNode();
      all.set("items", client.getAllPages("/v1/tokens", Map.of()));
      return all;
    }

    @Override
    protected void printTable(JsonNode r, PrintWriter out) {
      Table t = new Table("ID", "ROLE", "IDENTITY", "CREATED", "CREATED BY", "LAST USED",
          "REVOKED", "DESCRIPTION");
      for (JsonNode tok : r.path("items")) {
        t.row(tok.path("id").asText(), tok.path("role").asText(), orDash(tok, "identity"),
            tok.path("createdAt").asText(), tok.path("createdBy").asText(),
            timeOrNever(tok, "lastUsedAt"), orDash(tok, "revokedAt"),
            tok.path("description").asText());
      }
      t.print(out);
    }
  }

  /** {@code imprint token show ID}. */
  @Command(name = "show", mixinStandardHelpOptions = true,
      description = "Shows one token without its secret.")
  static final class Show extends RemoteCommand {
    @Parameters(paramLabel = "ID", description = "The token id (from 'imprint token list').")
    String id;

    @Override
    protected JsonNode call(ApiClient client) {
      return client.get("/v1/tokens/" + java.net.URLEncoder.encode(id,
          java.nio.charset.StandardCharsets.UTF_8), Map.of());
    }

    @Override
    protected void printTable(JsonNode r, PrintWriter out) {
      out.println("id:          " + r.path("id").asText());
      out.println("role:        " + r.path("role").asText());
      out.println("identity:    " + orDash(r, "identity"));
      out.println("created:     " + r.path("createdAt").asText() + " by "
          + r.path("createdBy").asText());
      out.println("last used:   " + timeOrNever(r, "lastUsedAt"));
      out.println("revoked:     " + orDash(r, "revokedAt"));
      if (!r.path("description").asText().isEmpty()) {
        out.println("description: " + r.path("description").asText());
      }
    }
  }

  /** {@code imprint token revoke ID}. */
  @Command(name = "revoke", mixinStandardHelpOptions = true,
      description = "Revokes a token at once.")
  static final class Revoke extends RemoteCommand {
    @Parameters(paramLabel = "ID", description = "The token id (from 'imprint token list').")
    String id;

    @Override
    protected JsonNode call(ApiClient client) {
      client.delete("/v1/tokens/" + java.net.URLEncoder.encode(id,
          java.nio.charset.StandardCharsets.UTF_8));
      return ApiClient.json().createObjectNode().put("id", id).put("revoked", true);
    }

    @Override
    protected void printTable(JsonNode r, PrintWriter out) {
      out.println("revoked token " + r.path("id").asText());
    }
  }
}
