package dev.imprint.bench.authz;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.imprint.authz.GrantParser;
import dev.imprint.authz.GrantSet;
import dev.imprint.authz.GrantSource;
import dev.imprint.authz.Policy;
import dev.imprint.authz.Request;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A deterministic grant set and request corpus for the decision benchmarks: {@code grants}
 * grants over 1,000 identities ({@code spiffe://bench.td/team<t>/svc<s>}, 50 teams of 20),
 * cycling through every resource type and grant shape (exact and prefix subjects, named
 * resources exact and by prefix, {@code db:} schemas, {@code net:} port ranges, {@code http:}
 * methods and paths, denies, environment, expiry and image conditions), and requests of which
 * about half are built to match a grant and half are near misses (another subject, action,
 * resource, port, path or context). No time windows: the Cedar translation has no time zones.
 */
public final class GrantCorpus {
  /** The decision time of every request. */
  public static final Instant T0 = Instant.parse("2026-06-01T12:00:00Z");
  static final String TD = "spiffe://bench.td/";
  static final int TEAMS = 50;
  static final int SERVICES = 20;
  static final int PER_FILE = 1_000;
  private static final ObjectMapper JSON = new ObjectMapper();

  private final String document;
  private final Policy policy;
  private final List<Request> requests;

  private GrantCorpus(String document, Policy policy, List<Request> requests) {
    this.document = document;
    this.policy = policy;
    this.requests = requests;
  }

  /** {@code grants} grants and {@code requests} requests from {@code seed}. */
  public static GrantCorpus create(int grants, int requests, long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    List<ObjectNode> all = new ArrayList<>(grants);
    for (int k = 0; k < grants; k++) {
      all.add(grant(k, rnd));
    }
    // a grant file holds at most 1 MiB: 1,000 grants a file, as a repository would split them
    List<GrantSource> files = new ArrayList<>();
    StringBuilder text = new StringBuilder();
    for (int from = 0; from < Math.max(1, all.size()); from += PER_FILE) {
      ObjectNode doc = JSON.createObjectNode();
      doc.put("apiVersion", GrantParser.API_VERSION);
      doc.put("kind", GrantParser.KIND);
      ArrayNode list = doc.putArray("grants");
      all.subList(from, Math.min(all.size(), from + PER_FILE)).forEach(list::add);
      files.add(new GrantSource(String.format(java.util.Locale.ROOT, "grants/%03d.json",
          from / PER_FILE), doc.toString()));
      text.append(doc).append('\n');
    }
    GrantSet set = GrantParser.parse(files);
    if (set.hasErrors()) {
      throw new IllegalStateException("the bench corpus does not validate: " + set.errors());
    }
    Policy policy = set.policy(1);
    List<Request> asks = new ArrayList<>(requests);
    for (int i = 0; i < requests; i++) {
      asks.add(request(all.get(rnd.nextInt(all.size())), rnd));
    }
    return new GrantCorpus(text.toString(), policy, List.copyOf(asks));
  }

  /** The grant files' JSON documents, one per line. */
  public String document() {
    return document;
  }

  public Policy policy() {
    return policy;
  }

  public List<Request> requests() {
    return requests;
  }

  static String identity(int n) {
    return TD + "team" + (n / SERVICES % TEAMS) + "/svc" + (n % SERVICES);
  }

  private static ObjectNode grant(int k, SplittableRandom rnd) {
    int who = rnd.nextInt(TEAMS * SERVICES);
    String subject = identity(who);
    String team = "team" + (who / SERVICES % TEAMS);
    ObjectNode g = JSON.createObjectNode();
    g.put("id", "g" + k);
    switch (k % 10) {
      case 0, 1, 2, 3 -> {
        g.put("subject", subject);
        g.put("resource", "topic:" + team + "/q" + rnd.nextInt(40));
        strings(g.putArray("actions"), rnd.nextBoolean() ? List.of("read")
            : List.of("read", "write"));
        conditions(g, rnd);
      }
      case 4 -> {
        g.put("subject", subject);
        g.put("resource", "queue:" + team + "/jobs/*");
        strings(g.putArray("actions"), List.of("consume"));
      }
      case 5 -> {
        g.put("subject", TD + team + "/*");
        g.put("resource", "topic:" + team + "/shared/*");
        strings(g.putArray("actions"), List.of("read"));
      }
      case 6 -> {
        g.put("subject", subject);
        g.put("resource", "db:postgres://db" + (who % 7) + ".internal:5432/app" + (who % 13)
            + (rnd.nextBoolean() ? "/*" : "/public"));
        strings(g.putArray("privileges"), rnd.nextBoolean() ? List.of("read")
            : List.of("read", "write"));
        g.putObject("conditions").put("expires", T0.plusSeconds(rnd.nextBoolean() ? 86_400
            : -86_400).toString());
      }
      case 7 -> {
        g.put("subject", subject);
        int lo = 8000 + rnd.nextInt(10) * 10;
        g.put("resource", "net:" + identity(rnd.nextInt(TEAMS * SERVICES)) + ":" + lo + "-"
            + (lo + 9) + "/tcp");
      }
      case 8 -> {
        g.put("subject", subject);
        g.put("resource", "http:" + identity(rnd.nextInt(TEAMS * SERVICES)));
        strings(g.putArray("methods"), rnd.nextBoolean() ? List.of("GET")
            : List.of("GET", "POST"));
        strings(g.putArray("paths"), List.of("/api/*", "/health"));
      }
      default -> {
        g.put("subject", TD + team + "/*");
        g.put("effect", "deny");
        g.put("resource", "topic:" + team + "/shared/secret" + rnd.nextInt(3));
        strings(g.putArray("actions"), List.of("*"));
      }
    }
    return g;
  }

  private static void conditions(ObjectNode g, SplittableRandom rnd) {
    switch (rnd.nextInt(4)) {
      case 0 -> g.putObject("conditions").putArray("environment").add("prod");
      case 1 -> g.putObject("conditions").put("imageApproved", true);
      case 2 -> g.putObject("conditions").put("expires", T0.plusSeconds(rnd.nextBoolean()
          ? 3_600 : -1).toString());
      default -> { }
    }
  }

  private static void strings(ArrayNode a, List<String> values) {
    values.forEach(a::add);
  }

  /** A request built from grant {@code g}: a match or, about half the time, a near miss. */
  private static Request request(ObjectNode g, SplittableRandom rnd) {
    String subjectPattern = g.get("subject").asText();
    String subject = subjectPattern.endsWith("/*")
        ? subjectPattern.substring(0, subjectPattern.length() - 1) + "svc" + rnd.nextInt(SERVICES)
        : subjectPattern;
    String resource = g.get("resource").asText();
    Map<String, String> ctx = new HashMap<>();
    ctx.put("environment", rnd.nextInt(4) == 0 ? "staging" : "prod");
    ctx.put("imageApproved", rnd.nextInt(5) == 0 ? "false" : "true");
    String action;
    if (resource.startsWith("net:")) {
      int colon = resource.lastIndexOf(':');
      int lo = Integer.parseInt(resource.substring(colon + 1, resource.indexOf('-', colon)));
      resource = resource.substring(0, colon + 1) + (lo + rnd.nextInt(12)) + "/tcp";
      action = "connect";
    } else if (resource.startsWith("http:")) {
      action = rnd.nextInt(3) == 0 ? "DELETE" : "GET";
      ctx.put("path", switch (rnd.nextInt(4)) {
        case 0 -> "/health";
        case 1 -> "/apix";
        default -> "/api/orders/" + rnd.nextInt(100);
      });
    } else if (resource.startsWith("db:")) {
      resource = resource.endsWith("/*") ? resource.substring(0, resource.length() - 1)
          + (rnd.nextBoolean() ? "public" : "audit") : resource;
      action = rnd.nextBoolean() ? "read" : "write";
    } else {
      if (resource.endsWith("/*")) {
        resource = resource.substring(0, resource.length() - 1) + (rnd.nextBoolean() ? "daily"
            : "secret" + rnd.nextInt(3));
      }
      action = g.has("actions") && g.get("actions").get(0).asText().equals("consume")
          ? "consume" : rnd.nextInt(3) == 0 ? "write" : "read";
    }
    switch (rnd.nextInt(8)) {
      case 0 -> subject = identity(rnd.nextInt(TEAMS * SERVICES));
      case 1 -> resource = resource.replace("team", "teamx");
      default -> { }
    }
    return new Request(subject, action, resource, ctx, T0);
  }
}
