package dev.imprint.authz;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The indexed decider against a naive evaluator written from docs/grants.md that walks every
 * grant with plain string comparisons: over random grant sets drawn from a small universe (so
 * that subject and resource prefixes nest, near misses such as {@code /ab} beside {@code /a/*}
 * occur, deny and allow grants meet, conditions and expiry hold or not, and the same rule is
 * written several times under different ids), every decision, its grants and its detail agree.
 */
class NaiveAgreementTest {
  private static final Instant T0 = Instant.parse("2026-06-01T12:00:00Z");
  private static final String[] IDS = {"spiffe://td/a", "spiffe://td/a/b", "spiffe://td/a/b/c",
      "spiffe://td/ab", "spiffe://td/ab/c", "spiffe://td/x/y", "spiffe://other/a/b"};
  private static final String[] SUBJECT_PREFIXES = {"spiffe://td/*", "spiffe://td/a/*",
      "spiffe://td/a/b/*", "spiffe://td/ab/*", "spiffe://other/*"};
  private static final String[] NAMED = {"topic:r", "topic:r/s", "topic:r/s/t", "topic:rs",
      "topic:rs/t", "queue:r", "queue:r/s"};
  private static final String[] NAMED_PATTERNS = {"topic:*", "topic:r/*", "topic:r/s/*",
      "queue:*", "queue:r/*"};
  private static final String[] DBS = {"db:postgres://h/d", "db:postgres://h/d/s",
      "db:postgres://h/d/t", "db:postgres://h/dd/s", "db:postgres://h:5432/d",
      "db:postgres://h2/d/s"};
  private static final String[] DB_PATTERNS = {"db:postgres://h/*", "db:postgres://h/d/*",
      "db:postgres://h2/*", "db:postgres://h:5432/*"};
  private static final String[] PATHS = {"/a", "/a/", "/a/b", "/ab", "/ab/c", "/x"};
  private static final String[] PATH_PATTERNS = {"/a", "/a/*", "/*", "/a/b", "/ab/*", "/x"};

  @Test
  void indexedDecisionsEqualTheNaiveWalkOverRandomGrantSets() {
    SplittableRandom rnd = new SplittableRandom(20261206);
    int compared = 0;
    int allowed = 0;
    int denied = 0;
    int merged = 0;
    for (int set = 0; set < 300; set++) {
      List<String> grants = new ArrayList<>();
      int n = 1 + rnd.nextInt(40);
      for (int k = 0; k < n; k++) {
        String id = "g" + rnd.nextInt(1_000_000) + "-" + k;
        // a third of the time the same rule as an earlier grant, under another id
        grants.add(k > 0 && rnd.nextInt(3) == 0
            ? grants.get(rnd.nextInt(k)).replaceFirst("id: \"[^\"]*\"", "id: \"" + id + "\"")
            : grant(id, rnd));
      }
      GrantSet parsed = GrantParser.parse("set.yaml", "apiVersion: " + GrantParser.API_VERSION
          + "\nkind: " + GrantParser.KIND + "\ngrants:\n" + String.join("", grants));
      assertThat(parsed.errors()).as("generated grants validate").isEmpty();
      Policy policy = parsed.policy(set);
      Decider decider = new Decider(policy);
      for (int q = 0; q < 200; q++) {
        Request r = request(rnd);
        Decision want = naive(policy, r);
        Decision got = decider.decide(r);
        assertThat(got).as("%s under\n%s", r, String.join("", grants)).isEqualTo(want);
        compared++;
        allowed += got.allowed() ? 1 : 0;
        denied += got.reason() == Reason.DENIED ? 1 : 0;
        merged += got.grants().size() > 1 ? 1 : 0;
      }
    }
    assertThat(compared).isEqualTo(60_000);
    assertThat(allowed).as("allows").isGreaterThan(2_000);
    assertThat(denied).as("denies by a deny grant").isGreaterThan(500);
    assertThat(merged).as("decisions naming several grants").isGreaterThan(500);
  }

  private static String grant(String id, SplittableRandom rnd) {
    StringBuilder g = new StringBuilder("  - {id: \"").append(id).append("\", subject: \"")
        .append(rnd.nextBoolean() ? pick(IDS, rnd) : pick(SUBJECT_PREFIXES, rnd)).append('"');
    if (rnd.nextInt(4) == 0) {
      g.append(", effect: deny");
    }
    switch (rnd.nextInt(4)) {
      case 0 -> g.append(", resource: \"").append(rnd.nextBoolean() ? pick(NAMED, rnd)
          : pick(NAMED_PATTERNS, rnd)).append("\", actions: ").append(pick(new String[] {
              "[read]", "[write]", "[read, write]", "[\"*\"]"}, rnd));
      case 1 -> g.append(", resource: \"").append(rnd.nextBoolean() ? pick(DBS, rnd)
          : pick(DB_PATTERNS, rnd)).append("\", privileges: ").append(pick(new String[] {
              "[read]", "[write]", "[read, write]"}, rnd));
      case 2 -> {
        String target = rnd.nextBoolean() ? pick(IDS, rnd) : pick(SUBJECT_PREFIXES, rnd);
        int lo = 8000 + rnd.nextInt(4);
        String ports = switch (rnd.nextInt(3)) {
          case 0 -> String.valueOf(lo);
          case 1 -> lo + "-" + (lo + 2);
          default -> "*";
        };
        g.append(", resource: \"net:").append(target).append(':').append(ports).append('/')
            .append(rnd.nextInt(4) == 0 ? "udp" : "tcp").append('"');
      }
      default -> {
        String path = pick(PATH_PATTERNS, rnd);
        String other = pick(PATH_PATTERNS, rnd);
        g.append(", resource: \"http:").append(rnd.nextBoolean() ? pick(IDS, rnd)
            : pick(SUBJECT_PREFIXES, rnd)).append("\", methods: ").append(pick(new String[] {
                "[GET]", "[GET, POST]", "[\"*\"]"}, rnd)).append(", paths: [\"").append(path)
            .append(other.equals(path) ? "" : "\", \"" + other).append("\"]");
      }
    }
    List<String> conditions = new ArrayList<>();
    if (rnd.nextInt(4) == 0) {
      conditions.add("environment: [" + pick(new String[] {"prod", "staging", "prod, dev"},
          rnd) + "]");
    }
    if (rnd.nextInt(4) == 0) {
      // around the decision times: before, exactly at, and after
      conditions.add("expires: \"" + T0.plusSeconds(rnd.nextInt(3) - 1) + "\"");
    }
    if (rnd.nextInt(5) == 0) {
      conditions.add("imageApproved: true");
    }
    if (!conditions.isEmpty()) {
      g.append(", conditions: {").append(String.join(", ", conditions)).append('}');
    }
    return g.append("}\n").toString();
  }

  private static Request request(SplittableRandom rnd) {
    String subject = pick(IDS, rnd);
    String action;
    String resource;
    Map<String, String> context = new HashMap<>();
    switch (rnd.nextInt(4)) {
      case 0 -> {
        resource = pick(NAMED, rnd);
        action = rnd.nextBoolean() ? "read" : "write";
      }
      case 1 -> {
        resource = pick(DBS, rnd);
        action = rnd.nextBoolean() ? "read" : "write";
      }
      case 2 -> {
        resource = "net:" + pick(IDS, rnd) + ":" + (8000 + rnd.nextInt(5)) + "/"
            + (rnd.nextInt(4) == 0 ? "udp" : "tcp");
        action = "connect";
      }
      default -> {
        resource = "http:" + pick(IDS, rnd);
        action = rnd.nextBoolean() ? "GET" : "POST";
        context.put("path", pick(PATHS, rnd));
      }
    }
    if (rnd.nextInt(5) > 0) {
      context.put("environment", rnd.nextBoolean() ? "prod" : "dev");
    }
    if (rnd.nextInt(5) > 0) {
      context.put("imageApproved", String.valueOf(rnd.nextInt(4) > 0));
    }
    if (rnd.nextInt(20) == 0) {
      context.put("identityStatus", "disabled");
    }
    return new Request(subject, action, resource, context, T0.plusSeconds(rnd.nextInt(3) - 1));
  }

  /** docs/grants.md, "Requests and decisions", as a walk over every grant. */
  private static Decision naive(Policy policy, Request r) {
    if ("disabled".equals(r.context().get("identityStatus"))) {
      return new Decision(Effect.DENY, Reason.IDENTITY_INACTIVE, List.of(), policy.version(),
          "the identity " + r.subject() + " is disabled");
    }
    List<String> allows = new ArrayList<>();
    List<String> denies = new ArrayList<>();
    for (Grant g : policy.grants()) {
      if (prefixMatch(g.subject().text(), r.subject()) && resourceMatches(g, r)
          && actionCovered(g, r) && conditionsHold(g.conditions(), r)) {
        (g.effect() == Effect.DENY ? denies : allows).add(g.id());
      }
    }
    allows.sort(null);
    denies.sort(null);
    if (!denies.isEmpty()) {
      return new Decision(Effect.DENY, Reason.DENIED, denies, policy.version(),
          "denied by " + String.join(", ", denies) + " (deny overrides allow)");
    }
    if (!allows.isEmpty()) {
      return new Decision(Effect.ALLOW, Reason.ALLOWED, allows, policy.version(),
          "allowed by " + String.join(", ", allows));
    }
    return new Decision(Effect.DENY, Reason.NO_GRANT, List.of(), policy.version(),
        "no grant allows " + r.subject() + " to " + r.action() + " on " + r.resource());
  }

  /** A pattern ending in '/*' matches what starts with the text before the '*'. */
  private static boolean prefixMatch(String pattern, String text) {
    return pattern.endsWith("/*") ? text.startsWith(pattern.substring(0, pattern.length() - 1))
        : pattern.equals(text);
  }

  private static boolean resourceMatches(Grant g, Request r) {
    String p = g.resource().text();
    String want = r.resource();
    if (p.startsWith("net:")) {
      if (!want.startsWith("net:")) {
        return false;
      }
      String[] pp = netParts(p);
      String[] wp = netParts(want);
      int port = Integer.parseInt(wp[1]);
      int lo = pp[1].equals("*") ? 1 : Integer.parseInt(pp[1].split("-")[0]);
      int hi = pp[1].equals("*") ? 65535 : Integer.parseInt(pp[1].contains("-")
          ? pp[1].split("-")[1] : pp[1]);
      return prefixMatch(pp[0], wp[0]) && pp[2].equals(wp[2]) && port >= lo && port <= hi;
    }
    if (p.startsWith("http:")) {
      return want.startsWith("http:") && prefixMatch(p.substring(5), want.substring(5))
          && g.paths().stream().anyMatch(x -> prefixMatch(x, r.context().get("path")));
    }
    if (p.endsWith(":*")) {
      return want.startsWith(p.substring(0, p.length() - 1));
    }
    return prefixMatch(p, want);
  }

  /** target, port(s), protocol of net:target:ports/protocol. */
  private static String[] netParts(String text) {
    int slash = text.lastIndexOf('/');
    int colon = text.lastIndexOf(':', slash);
    return new String[] {text.substring(4, colon), text.substring(colon + 1, slash),
        text.substring(slash + 1)};
  }

  private static boolean actionCovered(Grant g, Request r) {
    List<String> covered = switch (r.resource().substring(0, r.resource().indexOf(':'))) {
      case "db" -> g.privileges();
      case "http" -> g.methods();
      case "net" -> List.of("connect");
      default -> g.actions();
    };
    return covered.contains("*") || covered.contains(r.action());
  }

  private static boolean conditionsHold(Conditions c, Request r) {
    return (c.expires() == null || r.time().isBefore(c.expires()))
        && (c.environments().isEmpty() || r.context().containsKey("environment")
            && c.environments().contains(r.context().get("environment")))
        && (!c.imageApproved() || "true".equals(r.context().get("imageApproved")));
  }

  private static String pick(String[] values, SplittableRandom rnd) {
    return values[rnd.nextInt(values.length)];
  }
}
