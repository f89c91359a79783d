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
import picocli.CommandLine.Parameters;

/** {@code imprint token}: create, list and revoke API tokens (admin). */
@Command(name = "token", mixinStandardHelpOptions = true,
    description = "Creates, lists and revokes API tokens on the server (needs an admin token in"
        + " IMPRINT_TOKEN).",
    subcommands = {TokenCommand.Create.class, TokenCommand.ListTokens.class,
        TokenCommand.Revoke.class})
final class TokenCommand {
  /** {@code imprint token create}. */
  @Command(name = "create", mixinStandardHelpOptions = true,
      description = "Creates a token and prints it once.")
  static final class Create extends RemoteCommand {
    @Option(names = "--role", required = true, paramLabel = "admin|pipeline|auditor|workload",
        description = "What the token may do.")
    String role;

    @Option(names = "--description", paramLabel = "TEXT", description = "What it is for.")
    String description;

    @Override
    protected JsonNode call(ApiClient client) {
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("role", role);
      if (description != null) {
        body.put("description", description);
      }
      return client.post("/v1/tokens", body);
    }

    @Override
    protected void printTable(JsonNode r, PrintWriter out) {
      out.println("token: " + r.path("token").asText());
      out.println("id: " + r.path("id").asText() + "  role: " + r.path("role").asText());
      out.println("(shown once; only its hash is stored)");
    }
  }

  /** {@code imprint token list}. */
  @Command(name = "list", mixinStandardHelpOptions = true,
      description = "Lists tokens without their secrets.")
  static final class ListTokens extends RemoteCommand {
    @Override
    protected JsonNode call(ApiClient client) {
      return client.get("/v1/tokens", Map.of());
    }

    @Override
    protected void printTable(JsonNode r, PrintWriter out) {
      Table t = new Table("ID", "ROLE", "CREATED", "CREATED BY", "REVOKED", "DESCRIPTION");
      for (JsonNode tok : r.path("items")) {
        t.row(tok.path("id").asText(), tok.path("role").asText(), tok.path("createdAt").asText(),
            tok.path("createdBy").asText(), tok.path("revokedAt").isNull() ? "-"
                : tok.path("revokedAt").asText(), tok.path("description").asText());
      }
      t.print(out);
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
