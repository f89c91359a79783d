package dev.imprint.bench.authz;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.imprint.authz.Conditions;
import dev.imprint.authz.Decider;
import dev.imprint.authz.Decision;
import dev.imprint.authz.Effect;
import dev.imprint.authz.Grant;
import dev.imprint.authz.NetResource;
import dev.imprint.authz.Request;
import dev.imprint.authz.SubjectPattern;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Translates a {@link GrantCorpus} into Cedar and writes what {@code bench/cedar/cedar-bench.mjs}
 * needs: {@code policies.json} (one Cedar policy per grant, keyed by grant id, plus
 * {@link #INACTIVE}) and {@code requests.json} (each request as a Cedar request with the
 * decision and deciding grants of Imprint's {@link Decider}). Also times Imprint's decider over
 * the same requests in this JVM, so both engines are measured on the same corpus in one run.
 *
 * <p>The translation: the request's subject, resource and time are context strings and longs
 * (no entity store); an exact subject or resource is {@code ==}, a prefix pattern is Cedar's
 * {@code like "<stem>*"} (names and IDs cannot hold a literal {@code *}); actions become
 * {@code action in [...]}; a deny is a {@code forbid}; conditions become {@code when} clauses;
 * a {@code net:} grant compares the target, the port range and the protocol; an {@code http:}
 * grant the method as the action and the path; an inactive identity is denied by one
 * {@code forbid} of its own. Cedar's semantics (forbid overrides permit, default deny) are the
 * same as docs/grants.md's, so the decisions must agree, and the determining policies must be
 * the deciding grants.
 */
public final class CedarCorpus {
  /** The policy that denies inactive identities (not a grant). */
  static final String INACTIVE = "imprint-identity-inactive";
  private static final ObjectMapper JSON = new ObjectMapper();

  private CedarCorpus() {}

  /** {@code CedarCorpus OUT_DIR [GRANTS] [REQUESTS]}. */
  public static void main(String[] args) throws IOException {
    Path out = Path.of(args.length > 0 ? args[0] : "bench/cedar/out");
    int grants = args.length > 1 ? Integer.parseInt(args[1]) : 10_000;
    int requests = args.length > 2 ? Integer.parseInt(args[2]) : 10_000;
    GrantCorpus corpus = GrantCorpus.create(grants, requests, 42);
    Files.createDirectories(out);
    ObjectNode policies = JSON.createObjectNode();
    for (Grant g : corpus.policy().grants()) {
      policies.put(g.id(), policy(g));
    }
    policies.put(INACTIVE, "forbid (principal, action, resource) when { context has"
        + " identityStatus && context.identityStatus != \"active\" };");
    Files.writeString(out.resolve("policies.json"), policies.toString());
    Decider decider = new Decider(corpus.policy());
    ArrayNode reqs = JSON.createArrayNode();
    int allowed = 0;
    for (Request r : corpus.requests()) {
      Decision d = decider.decide(r);
      allowed += d.allowed() ? 1 : 0;
      ObjectNode n = reqs.addObject();
      n.putObject("principal").put("type", "Workload").put("id", r.subject());
      n.putObject("action").put("type", "Action").put("id", r.action());
      n.putObject("resource").put("type", "Resource").put("id", r.resource());
      n.set("context", context(r));
      n.put("expect", d.effect().word());
      d.grants().forEach(n.putArray("grants")::add);
    }
    Files.writeString(out.resolve("requests.json"), reqs.toString());
    System.out.printf(java.util.Locale.ROOT, "cedar-corpus: %d grants -> %d Cedar policies,"
        + " %d requests (%d allowed by Imprint) in %s%n", grants, policies.size(),
        requests, allowed, out);
    timeImprint(decider, corpus.requests());
  }

  /** Imprint's decider over the same requests: decisions/s and p50/p99 of single decisions. */
  private static void timeImprint(Decider decider, List<Request> requests) {
    int rounds = 30;
    long[] nanos = new long[requests.size() * rounds];
    for (int warm = 0; warm < 20; warm++) {
      requests.forEach(decider::decide);
    }
    int i = 0;
    long start = System.nanoTime();
    for (int round = 0; round < rounds; round++) {
      for (Request r : requests) {
        long t = System.nanoTime();
        decider.decide(r);
        nanos[i++] = System.nanoTime() - t;
      }
    }
    long total = System.nanoTime() - start;
    java.util.Arrays.sort(nanos);
    System.out.printf(java.util.Locale.ROOT, "imprint: %d decisions, %.0f decisions/s,"
        + " p50 %.2f us, p99 %.2f us (one thread, timer included)%n", nanos.length,
        nanos.length / (total / 1e9), nanos[nanos.length / 2] / 1e3,
        nanos[(int) (nanos.length * 0.99)] / 1e3);
  }

  static ObjectNode context(Request r) {
    ObjectNode c = JSON.createObjectNode();
    c.put("subject", r.subject());
    c.put("resource", r.resource());
    c.put("now", r.time().toEpochMilli());
    for (Map.Entry<String, String> e : r.context().entrySet()) {
      if (e.getKey().equals("imageApproved")) {
        c.put("imageApproved", Boolean.parseBoolean(e.getValue()));
      } else {
        c.put(e.getKey(), e.getValue());
      }
    }
    if (r.resource().startsWith("net:")) {
      String rest = r.resource().substring(4);
      int colon = rest.lastIndexOf(':');
      int slash = rest.indexOf('/', colon);
      c.put("netTarget", rest.substring(0, colon));
      c.put("port", Integer.parseInt(rest.substring(colon + 1, slash)));
      c.put("protocol", rest.substring(slash + 1));
    } else if (r.resource().startsWith("http:")) {
      c.put("httpTarget", r.resource().substring(5));
    }
    return c;
  }

  /** One grant as a Cedar policy. */
  static String policy(Grant g) {
    List<String> when = new ArrayList<>();
    when.add(match("context.subject", g.subject()));
    String actions;
    if (g.resource() instanceof NetResource n) {
      when.add(match("context.netTarget", n.target()));
      when.add("context.port >= " + n.fromPort() + " && context.port <= " + n.toPort());
      when.add("context.protocol == " + string(n.protocol()));
      actions = "action == Action::\"connect\"";
    } else if (g.resource() instanceof dev.imprint.authz.HttpResource h) {
      when.add("context has httpTarget && " + match("context.httpTarget", h.target()));
      List<String> paths = new ArrayList<>();
      for (String p : g.paths()) {
        paths.add(p.endsWith("/*") ? "context.path like " + string(p) : "context.path == "
            + string(p));
      }
      when.add("context has path && (" + String.join(" || ", paths) + ")");
      actions = actions(g.methods());
    } else {
      String text = g.resource().text();
      when.add(text.endsWith("*") ? "context.resource like " + string(text)
          : "context.resource == " + string(text));
      actions = actions(g.coveredActions());
    }
    Conditions c = g.conditions();
    if (c.expires() != null) {
      when.add("context.now < " + c.expires().toEpochMilli());
    }
    if (!c.environments().isEmpty()) {
      List<String> envs = c.environments().stream().map(CedarCorpus::string).toList();
      when.add("context has environment && [" + String.join(", ", envs)
          + "].contains(context.environment)");
    }
    if (c.timeWindow() != null) {
      throw new IllegalArgumentException("time windows are not translated (grant " + g.id()
          + ")");
    }
    if (c.imageApproved()) {
      when.add("context has imageApproved && context.imageApproved == true");
    }
    return (g.effect() == Effect.DENY ? "forbid" : "permit") + " (principal, " + actions
        + ", resource) when { " + String.join(" && ", when) + " };";
  }

  private static String actions(List<String> list) {
    if (list.contains("*")) {
      return "action";
    }
    return "action in [" + String.join(", ", list.stream().map(a -> "Action::" + string(a))
        .toList()) + "]";
  }

  private static String match(String field, SubjectPattern p) {
    return p.prefix() ? field + " like " + string(p.text()) : field + " == " + string(p.text());
  }

  private static String string(String s) {
    try {
      return JSON.writeValueAsString(s);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
