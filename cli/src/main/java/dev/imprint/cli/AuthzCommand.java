package dev.imprint.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.imprint.authz.AuthzException;
import dev.imprint.authz.Decider;
import dev.imprint.authz.Explanation;
import dev.imprint.authz.GrantFiles;
import dev.imprint.authz.GrantParser;
import dev.imprint.authz.GrantSet;
import dev.imprint.authz.Request;
import dev.imprint.cli.remote.ApiClient;
import dev.imprint.cli.remote.RemoteCommand;
import dev.imprint.cli.remote.RemoteException;
import dev.imprint.cli.remote.Table;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code imprint authz}: why a decision is what it is, unused grants, and replays. */
@Command(name = "authz", mixinStandardHelpOptions = true,
    description = "Explains decisions, lists unused grants and dormant identities, and replays"
        + " recorded decisions against candidate grants. See docs/authz.md.",
    subcommands = {AuthzCommand.Explain.class, AuthzCommand.Unused.class,
        AuthzCommand.Replay.class})
final class AuthzCommand {
  private AuthzCommand() {}

  /** How a report is printed: {@code --format} beside {@code --output}. */
  enum Format { txt, json }

  static Map<String, String> context(List<String> pairs) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String p : pairs) {
      int eq = p.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("expected --context KEY=VALUE, got '" + p + "'");
      }
      if (out.put(p.substring(0, eq), p.substring(eq + 1)) != null) {
        throw new IllegalArgumentException("--context " + p.substring(0, eq) + " given twice");
      }
    }
    return out;
  }

  static void printJson(JsonNode r, PrintWriter out) {
    try {
      out.println(ApiClient.json().writerWithDefaultPrettyPrinter().writeValueAsString(r));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** {@code imprint authz explain}. */
  @Command(name = "explain", mixinStandardHelpOptions = true,
      description = "Says why a request is allowed or denied: every grant whose subject or"
          + " resource matches, whether it applies, and if not why not (deny overrides allow)."
          + " Locally from grant files with -f, else against the server's current policy"
          + " (admin, auditor; the identity's environment and status come from the server).")
  static final class Explain extends RemoteCommand {
    @Option(names = "--subject", required = true, paramLabel = "SPIFFE_ID",
        description = "Who asks.")
    String subject;

    @Option(names = "--action", required = true, paramLabel = "ACTION",
        description = "read, write, connect, an HTTP method, or another action.")
    String action;

    @Option(names = "--resource", required = true, paramLabel = "RESOURCE",
        description = "e.g. db:postgres://h/d/s, net:spiffe://td/x:5432/tcp, topic:orders.")
    String resource;

    @Option(names = "--context", paramLabel = "KEY=VALUE",
        description = "Context (repeatable): path, environment, imageApproved, identityStatus.")
    List<String> context = new ArrayList<>();

    @Option(names = {"-f", "--file"}, paramLabel = "PATH",
        description = "Decide locally from these grant files instead of the server.")
    Path files;

    @Option(names = "--at", paramLabel = "INSTANT",
        description = "Decision time for -f, RFC 3339 (default: now).")
    String at;

    @Override
    protected JsonNode call(ApiClient client) {
      Map<String, String> ctx = context(context);
      if (files == null) {
        if (at != null) {
          throw new IllegalArgumentException("--at needs -f: the server decides at its own time");
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("subject", subject);
        body.put("action", action);
        body.put("resource", resource);
        body.put("context", ctx);
        return client.post("/v1/authz/explain", body);
      }
      GrantSet set;
      try {
        set = GrantParser.parse(GrantFiles.read(files));
      } catch (AuthzException e) {
        throw new IllegalArgumentException(e.getMessage(), e);
      }
      if (set.hasErrors()) {
        PrintWriter err = spec.commandLine().getErr();
        set.errors().forEach(err::println);
        err.flush();
        throw new RemoteException(RemoteException.USAGE, "grants.invalid", "the grant files have "
            + set.errors().size() + " error(s)");
      }
      Instant when;
      try {
        when = at == null ? Instant.now() : Instant.parse(at);
      } catch (DateTimeParseException e) {
        throw new IllegalArgumentException("expected --at as an RFC 3339 instant, got '" + at
            + "'");
      }
      Explanation e = new Decider(set.policy(0)).explain(new Request(subject, action, resource,
          ctx, when));
      return json(subject, e);
    }

    static JsonNode json(String subject, Explanation e) {
      ObjectNode o = ApiClient.json().createObjectNode();
      o.put("decision", e.decision().effect().word());
      o.put("allowed", e.decision().allowed());
      o.put("reason", e.decision().reason().code());
      ArrayNode grants = o.putArray("grants");
      e.decision().grants().forEach(grants::add);
      o.put("policyVersion", e.decision().policyVersion());
      o.put("subject", subject);
      o.put("detail", e.decision().detail());
      ArrayNode verdicts = o.putArray("verdicts");
      for (Explanation.Verdict v : e.verdicts()) {
        ObjectNode n = verdicts.addObject();
        n.put("grant", v.grantId());
        n.put("effect", v.effect().word());
        n.put("applies", v.applies());
        n.put("why", v.why());
        n.put("location", v.location() == null ? null : v.location().toString());
      }
      o.put("unrelatedGrants", e.unrelatedGrants());
      return o;
    }

    @Override
    protected void printTable(JsonNode r, PrintWriter out) {
      out.println(r.path("decision").asText().toUpperCase(java.util.Locale.ROOT) + " ("
          + r.path("reason").asText() + ", policy version " + r.path("policyVersion").asLong()
          + "): " + r.path("detail").asText());
      Table t = new Table("GRANT", "EFFECT", "APPLIES", "WHY", "WHERE");
      for (JsonNode v : r.path("verdicts")) {
        t.row(v.path("grant").asText(), v.path("effect").asText(),
            v.path("applies").asBoolean() ? "yes" : "no", v.path("why").asText(),
            v.path("location").isNull() ? "-" : v.path("location").asText());
      }
      t.print(out);
      out.println(r.path("unrelatedGrants").asInt() + " other grant(s) match neither the subject"
          + " nor the resource");
    }
  }

  /** {@code imprint authz unused}. */
  @Command(name = "unused", mixinStandardHelpOptions = true,
      description = "Lists allow grants not used since --since (never used, or last used"
          + " before), active identities not seen since then (dormant NHIs), and for broad"
          + " grants the narrower grant that would have covered what was used (admin,"
          + " auditor).")
  static final class Unused extends RemoteCommand {
    @Option(names = "--since", defaultValue = "30d", paramLabel = "30d|12h|90m|INSTANT",
        description = "How far back (default: ${DEFAULT-VALUE}).")
    String since;

    @Option(names = "--format", defaultValue = "txt", paramLabel = "txt|json",
        description = "Text (default) or JSON (same as --output json).")
    Format format;

    @Override
    protected JsonNode call(ApiClient client) {
      return client.get("/v1/authz/unused", Map.of("since", since));
    }

    @Override
    protected void printTable(JsonNode r, PrintWriter out) {
      if (format == Format.json) {
        printJson(r, out);
        return;
      }
      out.println("Grants not used since " + r.path("since").asText() + " (policy version "
          + r.path("policyVersion").asLong() + "):");
      Table g = new Table("GRANT", "LAST USED", "USES", "WHERE");
      for (JsonNode n : r.path("grants")) {
        g.row(n.path("id").asText(), n.path("lastUsedAt").isNull() ? "never"
            : n.path("lastUsedAt").asText(), n.path("uses").asLong(),
            n.path("location").isNull() ? "-" : n.path("location").asText());
      }
      g.print(out);
      out.println();
      out.println("Dormant identities (active, not seen since then):");
      Table i = new Table("SPIFFE ID", "KIND", "OWNER", "LAST SEEN");
      for (JsonNode n : r.path("identities")) {
        i.row(n.path("spiffeId").asText(), n.path("kind").asText(), n.path("owner").asText(),
            n.path("lastSeenAt").isNull() ? "never" : n.path("lastSeenAt").asText());
      }
      i.print(out);
      out.println();
      out.println("Broad grants and what was used through them:");
      for (JsonNode n : r.path("narrowings")) {
        out.println("  " + n.path("id").asText() + ": " + n.path("decisions").asLong()
            + " decision(s) by " + n.path("subjects") + ", actions " + n.path("actions")
            + ", resources " + n.path("resources") + (n.path("paths").isEmpty() ? ""
                : ", paths " + n.path("paths")));
        out.println("    narrower: " + (n.path("suggestion").isNull()
            ? "(none: it is already as narrow as its use)" : n.path("suggestion").asText()));
      }
    }
  }

  /** {@code imprint authz replay}. */
  @Command(name = "replay", mixinStandardHelpOptions = true,
      description = "Runs the decisions the server recorded since --since against candidate"
          + " grant files and lists every decision that would flip (admin, auditor). Exit 0"
          + " when nothing flips, 1 when something does.")
  static final class Replay extends RemoteCommand {
    @Option(names = "--candidate", required = true, paramLabel = "PATH",
        description = "The candidate grant file or directory.")
    Path candidate;

    @Option(names = "--since", defaultValue = "7d", paramLabel = "7d|12h|90m|INSTANT",
        description = "How far back (default: ${DEFAULT-VALUE}).")
    String since;

    @Override
    protected JsonNode call(ApiClient client) {
      Map<String, Object> body = GrantsCommand.files(candidate);
      body.put("since", since);
      try {
        return client.post("/v1/grants/replay", body);
      } catch (RemoteException e) {
        throw GrantsCommand.refusal(e, spec.commandLine().getErr());
      }
    }

    @Override
    protected int exitCode(JsonNode r) {
      return r.path("flips").isEmpty() ? 0 : 1;
    }

    @Override
    protected void printTable(JsonNode r, PrintWriter out) {
      Table t = new Table("SUBJECT", "ACTION", "RESOURCE", "CONTEXT", "COUNT", "WAS", "WOULD BE");
      for (JsonNode f : r.path("flips")) {
        t.row(f.path("subject").asText(), f.path("action").asText(), f.path("resource").asText(),
            f.path("context").toString(), f.path("decisions").asLong(),
            f.path("recordedEffect").asText() + " " + f.path("recordedGrants"),
            f.path("candidateEffect").asText() + " (" + f.path("candidateReason").asText() + ")");
      }
      t.print(out);
      out.println(r.path("flips").size() + " of " + r.path("shapes").asInt()
          + " recorded decision shape(s) (" + r.path("decisions").asLong()
          + " decisions) would flip");
    }
  }
}
