package dev.imprint.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.imprint.authz.AuthzException;
import dev.imprint.authz.GrantFiles;
import dev.imprint.authz.GrantSource;
import dev.imprint.cli.remote.ApiClient;
import dev.imprint.cli.remote.RemoteCommand;
import dev.imprint.cli.remote.RemoteException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code imprint grants}: grant files (policy as code) planned and applied on the server. */
@Command(name = "grants", mixinStandardHelpOptions = true,
    description = "Shows what grant files would change on the server (plan) and applies them"
        + " as a new policy version (apply). See docs/grants.md.",
    subcommands = {GrantsCommand.Plan.class, GrantsCommand.Apply.class})
final class GrantsCommand {
  private GrantsCommand() {}

  /** The request body of plan, apply and replay: the grant files of {@code path}. */
  static Map<String, Object> files(Path path) {
    List<GrantSource> sources;
    try {
      sources = GrantFiles.read(path);
    } catch (AuthzException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("files", sources.stream().map(s -> Map.of("name", s.name(), "content", s.text()))
        .toList());
    return body;
  }

  /** Prints a plan: added, removed and changed grants, then errors and warnings. */
  static void printPlan(JsonNode p, PrintWriter out) {
    for (JsonNode g : p.path("added")) {
      out.println("+ " + g.path("id").asText() + "  " + summary(g));
    }
    for (JsonNode g : p.path("removed")) {
      out.println("- " + g.path("id").asText() + "  " + summary(g));
    }
    for (JsonNode c : p.path("changed")) {
      out.println("~ " + c.at("/after/id").asText());
      out.println("    was: " + c.path("before"));
      out.println("    now: " + c.path("after"));
    }
    printDiagnostics(p, out);
    out.println(p.path("added").size() + " to add, " + p.path("removed").size() + " to remove, "
        + p.path("changed").size() + " to change, " + p.path("unchanged").asInt()
        + " unchanged (against policy version " + p.path("currentVersion").asLong() + ")");
  }

  static void printDiagnostics(JsonNode p, PrintWriter out) {
    for (String kind : List.of("errors", "warnings")) {
      for (JsonNode d : p.path(kind)) {
        out.println(d.path("file").asText() + ":" + d.path("line").asInt() + ":"
            + d.path("column").asInt() + ": " + (kind.equals("errors") ? "error" : "warning")
            + " " + d.path("code").asText() + (d.path("grant").isNull() ? "" : " ["
            + d.path("grant").asText() + "]") + ": " + d.path("message").asText());
      }
    }
  }

  private static String summary(JsonNode g) {
    StringBuilder sb = new StringBuilder(g.path("effect").asText()).append(' ')
        .append(g.path("subject").asText()).append(" -> ").append(g.path("resource").asText());
    for (String f : List.of("actions", "privileges", "methods", "paths")) {
      if (g.has(f)) {
        sb.append(' ').append(f).append('=').append(g.path(f));
      }
    }
    if (g.has("conditions")) {
      sb.append(" if ").append(g.path("conditions"));
    }
    return sb.toString();
  }

  /** Prints the errors and warnings a refusal (the server's 422) carries, and returns it. */
  static RemoteException refusal(RemoteException e, PrintWriter err) {
    if (e.problem() != null && e.problem().has("errors")) {
      printDiagnostics(e.problem(), err);
      err.flush();
    }
    return e;
  }

  /** {@code imprint grants plan -f DIR}. */
  @Command(name = "plan", mixinStandardHelpOptions = true,
      description = "Shows what applying the grant files would change against the server's"
          + " current policy, with every error and warning (admin, auditor). Exit 0 when the"
          + " set is valid, 3 when it has errors.")
  static final class Plan extends RemoteCommand {
    @Option(names = {"-f", "--file"}, required = true, paramLabel = "PATH",
        description = "A grant file or a directory of them (*.yaml, *.yml, recursively).")
    Path path;

    private JsonNode plan;

    @Override
    protected JsonNode call(ApiClient client) {
      plan = client.post("/v1/grants/plan", files(path));
      if (!plan.path("errors").isEmpty()) {
        PrintWriter err = spec.commandLine().getErr();
        printDiagnostics(plan, err);
        err.flush();
        throw new RemoteException(RemoteException.REFUSED, "grants.invalid", "the grant set has "
            + plan.path("errors").size() + " error(s)");
      }
      return plan;
    }

    @Override
    protected void printTable(JsonNode r, PrintWriter out) {
      printPlan(r, out);
    }
  }

  /** {@code imprint grants apply -f DIR}. */
  @Command(name = "apply", mixinStandardHelpOptions = true,
      description = "Applies the grant files as the server's new policy version when they change"
          + " anything (admin); audited as grants.applied. A set with errors is refused"
          + " (exit 3) and changes nothing.")
  static final class Apply extends RemoteCommand {
    @Option(names = {"-f", "--file"}, required = true, paramLabel = "PATH",
        description = "A grant file or a directory of them (*.yaml, *.yml, recursively).")
    Path path;

    @Option(names = "--expected-version", paramLabel = "N",
        description = "Refuse unless the server's current policy version is N (the version a"
            + " reviewed plan was made against).")
    Long expectedVersion;

    @Override
    protected JsonNode call(ApiClient client) {
      Map<String, Object> body = files(path);
      if (expectedVersion != null) {
        body.put("expectedVersion", expectedVersion);
      }
      try {
        return client.send("PUT", "/v1/grants", body);
      } catch (RemoteException e) {
        throw refusal(e, spec.commandLine().getErr());
      }
    }

    @Override
    protected void printTable(JsonNode r, PrintWriter out) {
      printPlan(r, out);
      out.println(r.path("applied").asBoolean() ? "applied: policy version "
          + r.path("version").asLong() : "nothing to apply: policy version "
          + r.path("version").asLong() + " stays current");
    }
  }
}
