package dev.imprint.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.imprint.cli.remote.ApiClient;
import dev.imprint.cli.remote.RemoteCommand;
import dev.imprint.cli.remote.Table;
import dev.imprint.server.identity.IdentityService;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code imprint identity}: the non-human identities the control plane knows. */
@Command(name = "identity", mixinStandardHelpOptions = true,
    description = "Creates, lists, shows, updates, disables, enables and offboards identities"
        + " (SPIFFE IDs) on the server.",
    subcommands = {IdentityCommand.Create.class, IdentityCommand.ListIdentities.class,
        IdentityCommand.Show.class, IdentityCommand.Update.class, IdentityCommand.Disable.class,
        IdentityCommand.Enable.class, IdentityCommand.Offboard.class})
final class IdentityCommand {
  private IdentityCommand() {}

  /** The API path of an identity given by SPIFFE ID or short id. */
  static String path(String ref) {
    String id = ref.startsWith("spiffe://") ? IdentityService.idOf(ref) : ref;
    if (!id.matches("[0-9a-f]{16}")) {
      throw new IllegalArgumentException("expected a SPIFFE ID (spiffe://...) or an identity id"
          + " of 16 hex digits, got '" + ref + "'");
    }
    return "/v1/identities/" + id;
  }

  static Map<String, String> labels(List<String> pairs) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String p : pairs) {
      int eq = p.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("expected --label KEY=VALUE, got '" + p + "'");
      }
      out.put(p.substring(0, eq), p.substring(eq + 1));
    }
    return out;
  }

  static void printOne(JsonNode i, PrintWriter out) {
    out.println("id:          " + i.path("id").asText());
    out.println("spiffe id:   " + i.path("spiffeId").asText());
    out.println("kind:        " + i.path("kind").asText());
    out.println("owner:       " + i.path("owner").asText());
    out.println("environment: " + i.path("environment").asText());
    out.println("status:      " + i.path("status").asText());
    if (!i.path("description").asText().isEmpty()) {
      out.println("description: " + i.path("description").asText());
    }
    StringBuilder labels = new StringBuilder();
    i.path("labels").fields().forEachRemaining(e -> labels.append(labels.length() == 0 ? ""
        : ", ").append(e.getKey()).append('=').append(e.getValue().asText()));
    out.println("labels:      " + (labels.length() == 0 ? "-" : labels));
    StringBuilder repos = new StringBuilder();
    i.path("repositories").forEach(r -> repos.append(repos.length() == 0 ? "" : ", ")
        .append(r.asText()));
    out.println("repositories: " + (repos.length() == 0 ? "- (its pipeline tokens upload no"
        + " findings)" : repos));
    out.println("created:     " + i.path("createdAt").asText());
    out.println("last seen:   " + (i.path("lastSeenAt").isNull() ? "never"
        : i.path("lastSeenAt").asText()));
  }

  /** {@code imprint identity create SPIFFE_ID}. */
  @Command(name = "create", mixinStandardHelpOptions = true,
      description = "Creates an identity in the server's trust domain (admin).")
  static final class Create extends RemoteCommand {
    @Parameters(paramLabel = "SPIFFE_ID", description = "spiffe://<trust-domain>/<path>")
    String spiffeId;

    @Option(names = "--kind", required = true, paramLabel = "workload|pipeline|bot|integration",
        description = "What sort of identity this is.")
    String kind;

    @Option(names = "--owner", required = true, paramLabel = "TEAM", description = "Who owns it.")
    String owner;

    @Option(names = "--env", paramLabel = "ENV", description = "Environment, e.g. prod.")
    String env;

    @Option(names = "--description", paramLabel = "TEXT", description = "What it is for.")
    String description;

    @Option(names = "--label", paramLabel = "KEY=VALUE", description = "A label (repeatable).")
    List<String> labels = new java.util.ArrayList<>();

    @Option(names = "--repository", paramLabel = "NAME",
        description = "A source repository this identity is linked to, named as findings are"
            + " uploaded (e.g. acme/payments; repeatable): its pipeline tokens may upload that"
            + " repository's findings.")
    List<String> repositories = new java.util.ArrayList<>();

    @Override
    protected JsonNode call(ApiClient client) {
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("spiffeId", spiffeId);
      body.put("kind", kind);
      body.put("owner", owner);
      body.put("environment", env);
      body.put("description", description);
      body.put("labels", labels(labels));
      body.put("repositories", repositories);
      return client.post("/v1/identities", body);
    }

    @Override
    protected void printTable(JsonNode r, PrintWriter out) {
      out.println("created identity " + r.path("spiffeId").asText() + " (id "
          + r.path("id").asText() + ")");
    }
  }

  /** {@code imprint identity list}. */
  @Command(name = "list", mixinStandardHelpOptions = true,
      description = "Lists identities in SPIFFE ID order, with filters.")
  static final class ListIdentities extends RemoteCommand {
    @Option(names = "--kind", paramLabel = "KIND", description = "Only this kind.")
    String kind;

    @Option(names = "--owner", paramLabel = "TEAM", description = "Only this owner.")
    String owner;

    @Option(names = "--env", paramLabel = "ENV", description = "Only this environment.")
    String env;

    @Option(names = "--status", paramLabel = "active|disabled|offboarded",
        description = "Only this status.")
    String status;

    @Option(names = "--label", paramLabel = "KEY[=VALUE]",
        description = "Only identities with this label (repeatable; all must match).")
    List<String> labels = new java.util.ArrayList<>();

    @Option(names = "--limit", paramLabel = "N", defaultValue = "50",
        description = "Page size, 1 to 200 (default: ${DEFAULT-VALUE}).")
    int limit;

    @Option(names = "--cursor", paramLabel = "NEXT", description = "Continue after a page.")
    String cursor;

    @Override
    protected JsonNode call(ApiClient client) {
      StringBuilder q = new StringBuilder("/v1/identities?limit=" + limit);
      Map<String, String> params = new LinkedHashMap<>();
      params.put("kind", kind);
      params.put("owner", owner);
      params.put("env", env);
      params.put("status", status);
      params.put("cursor", cursor);
      params.forEach((k, v) -> append(q, k, v));
      labels.forEach(l -> append(q, "label", l));
      return client.get(q.toString(), Map.of());
    }

    @Override
    protected void printTable(JsonNode r, PrintWriter out) {
      Table t = new Table("ID", "SPIFFE ID", "KIND", "OWNER", "ENV", "STATUS", "LAST SEEN");
      for (JsonNode i : r.path("items")) {
        t.row(i.path("id").asText(), i.path("spiffeId").asText(), i.path("kind").asText(),
            i.path("owner").asText(), i.path("environment").asText(), i.path("status").asText(),
            i.path("lastSeenAt").isNull() ? "never" : i.path("lastSeenAt").asText());
      }
      t.print(out);
      if (!r.path("next").isNull() && !r.path("next").isMissingNode()) {
        out.println("more: --cursor " + r.path("next").asText());
      }
    }
  }

  static void append(StringBuilder q, String key, String value) {
    if (value != null) {
      q.append('&').append(key).append('=').append(java.net.URLEncoder.encode(value,
          java.nio.charset.StandardCharsets.UTF_8));
    }
  }

  /** {@code imprint identity show ID}. */
  @Command(name = "show", mixinStandardHelpOptions = true, description = "Shows one identity.")
  static final class Show extends RemoteCommand {
    @Parameters(paramLabel = "ID", description = "SPIFFE ID or 16-hex-digit id.")
    String ref;

    @Override
    protected JsonNode call(ApiClient client) {
      return client.get(path(ref), Map.of());
    }

    @Override
    protected void printTable(JsonNode r, PrintWriter out) {
      printOne(r, out);
    }
  }

  /** {@code imprint identity update ID}. */
  @Command(name = "update", mixinStandardHelpOptions = true,
      description = "Changes owner, environment, description, labels or linked repositories"
          + " (admin). --label replaces all labels, --clear-labels removes them; --repository"
          + " replaces all linked repositories, --clear-repositories removes them.")
  static final class Update extends RemoteCommand {
    @Parameters(paramLabel = "ID", description = "SPIFFE ID or 16-hex-digit id.")
    String ref;

    @Option(names = "--owner", paramLabel = "TEAM", description = "New owner.")
    String owner;

    @Option(names = "--env", paramLabel = "ENV", description = "New environment.")
    String env;

    @Option(names = "--description", paramLabel = "TEXT", description = "New description.")
    String description;

    @Option(names = "--label", paramLabel = "KEY=VALUE",
        description = "The new labels (repeatable; replaces every label).")
    List<String> labels = new java.util.ArrayList<>();

    @Option(names = "--clear-labels", description = "Remove every label.")
    boolean clearLabels;

    @Option(names = "--repository", paramLabel = "NAME",
        description = "The linked source repositories (repeatable; replaces every one): the"
            + " repositories whose findings the identity's pipeline tokens may upload.")
    List<String> repositories = new java.util.ArrayList<>();

    @Option(names = "--clear-repositories", description = "Unlink every repository.")
    boolean clearRepositories;

    @Override
    protected JsonNode call(ApiClient client) {
      Map<String, Object> body = new LinkedHashMap<>();
      if (owner != null) {
        body.put("owner", owner);
      }
      if (env != null) {
        body.put("environment", env);
      }
      if (description != null) {
        body.put("description", description);
      }
      if (!labels.isEmpty() || clearLabels) {
        body.put("labels", labels(labels));
      }
      if (!repositories.isEmpty() && clearRepositories) {
        throw new IllegalArgumentException("--repository and --clear-repositories exclude each"
            + " other");
      }
      if (!repositories.isEmpty() || clearRepositories) {
        body.put("repositories", repositories);
      }
      if (body.isEmpty()) {
        throw new IllegalArgumentException("nothing to update: give --owner, --env,"
            + " --description, --label, --clear-labels, --repository or --clear-repositories");
      }
      return client.patch(path(ref), body);
    }

    @Override
    protected void printTable(JsonNode r, PrintWriter out) {
      printOne(r, out);
    }
  }

  /** A status move with an optional reason. */
  abstract static class Move extends RemoteCommand {
    @Parameters(paramLabel = "ID", description = "SPIFFE ID or 16-hex-digit id.")
    String ref;

    @Option(names = "--reason", paramLabel = "TEXT", description = "Why (kept in the audit log).")
    String reason;

    abstract String verb();

    @Override
    protected JsonNode call(ApiClient client) {
      Map<String, Object> body = new LinkedHashMap<>();
      if (reason != null) {
        body.put("reason", reason);
      }
      return client.post(path(ref) + "/" + verb(), body);
    }

    @Override
    protected void printTable(JsonNode r, PrintWriter out) {
      out.println("identity " + r.path("spiffeId").asText() + " is now "
          + r.path("status").asText());
    }
  }

  /** {@code imprint identity disable ID}. */
  @Command(name = "disable", mixinStandardHelpOptions = true,
      description = "Disables an active identity (admin); 'enable' undoes it.")
  static final class Disable extends Move {
    @Override
    String verb() {
      return "disable";
    }
  }

  /** {@code imprint identity enable ID}. */
  @Command(name = "enable", mixinStandardHelpOptions = true,
      description = "Enables a disabled identity again (admin).")
  static final class Enable extends Move {
    @Override
    String verb() {
      return "enable";
    }
  }

  /** {@code imprint identity offboard ID}. */
  @Command(name = "offboard", mixinStandardHelpOptions = true,
      description = "Offboards an identity for good (admin): its images are retired or"
          + " rejected and it can never be enabled again.")
  static final class Offboard extends Move {
    @Override
    String verb() {
      return "offboard";
    }
  }
}
