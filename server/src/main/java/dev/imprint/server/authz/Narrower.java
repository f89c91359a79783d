package dev.imprint.server.authz;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.imprint.authz.Grant;
import dev.imprint.authz.GrantJson;
import dev.imprint.authz.GrantParser;
import dev.imprint.authz.GrantSet;
import dev.imprint.authz.NetResource;
import dev.imprint.authz.ResourcePattern;
import dev.imprint.server.http.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The narrowest grant, in the language, that still allows every decision a broad grant allowed:
 * the one subject used or the longest common prefix of the subjects, only the actions used, the
 * one resource used or the longest common prefix, and for HTTP the paths used (up to
 * {@link #MAX_PATHS}, else their common prefix). Checked by parsing it back.
 */
final class Narrower {
  static final int MAX_PATHS = 8;

  private Narrower() {}

  /** {@code uses}: rows of subject, action, resource, context JSON, decisions. */
  static DecisionService.Narrowing of(Grant g, List<String[]> uses) {
    TreeSet<String> subjects = new TreeSet<>();
    TreeSet<String> actions = new TreeSet<>();
    TreeSet<String> resources = new TreeSet<>();
    TreeSet<String> paths = new TreeSet<>();
    long decisions = 0;
    for (String[] u : uses) {
      subjects.add(u[0]);
      actions.add(u[1]);
      resources.add(u[2]);
      String path = Records.context(u[3]).get("path");
      if (path != null) {
        paths.add(path);
      }
      decisions += Long.parseLong(u[4]);
    }
    String suggestion = suggest(g, subjects, actions, resources, paths);
    return new DecisionService.Narrowing(g.id(), decisions, List.copyOf(subjects),
        List.copyOf(actions), List.copyOf(resources), List.copyOf(paths), suggestion);
  }

  private static String suggest(Grant g, TreeSet<String> subjects, TreeSet<String> actions,
      TreeSet<String> resources, TreeSet<String> paths) {
    ObjectNode grant;
    try {
      grant = (ObjectNode) Json.MAPPER.readTree(GrantJson.grant(g));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
    grant.put("subject", subjects.size() == 1 ? subjects.first() : prefixPattern(subjects,
        g.subject().text()));
    grant.put("resource", resource(g.resource(), resources));
    String field = switch (g.resource().type()) {
      case "db" -> "privileges";
      case "http" -> "methods";
      case "net" -> null;
      default -> "actions";
    };
    if (field != null) {
      grant.putPOJO(field, List.copyOf(actions));
    }
    if (!paths.isEmpty()) {
      grant.putPOJO("paths", paths.size() <= MAX_PATHS ? List.copyOf(paths)
          : List.of(commonPrefix(paths, "/") + "*"));
    }
    String text = "{\"apiVersion\":\"" + GrantParser.API_VERSION + "\",\"kind\":\""
        + GrantParser.KIND + "\",\"grants\":[" + grant + "]}";
    GrantSet set = GrantParser.parse("suggestion", text);
    if (set.hasErrors() || set.grants().get(0).sameRule(g)) {
      return null;
    }
    return GrantJson.grant(set.grants().get(0));
  }

  private static String resource(ResourcePattern pattern, TreeSet<String> used) {
    if (used.size() == 1) {
      return used.first();
    }
    if (pattern instanceof NetResource n) {
      List<NetResource> nets = new ArrayList<>();
      for (String r : used) {
        nets.add((NetResource) ResourcePattern.parse(r));
      }
      String target = nets.get(0).target().text();
      boolean oneTarget = nets.stream().allMatch(x -> x.target().text().equals(target));
      int lo = nets.stream().mapToInt(NetResource::fromPort).min().orElse(1);
      int hi = nets.stream().mapToInt(NetResource::fromPort).max().orElse(65535);
      return "net:" + (oneTarget ? target : n.target().text()) + ":" + (lo == hi ? lo
          : lo + "-" + hi) + "/" + n.protocol();
    }
    if (pattern.type().equals("http")) {
      return pattern.text();
    }
    String common = commonPrefix(used, "/");
    return common.length() > pattern.type().length() + 1 && !common.endsWith("//")
        ? common + "*" : pattern.text();
  }

  private static String prefixPattern(TreeSet<String> ids, String original) {
    String common = commonPrefix(ids, "/");
    return common.indexOf('/', "spiffe://".length()) > 0 ? common + "*" : original;
  }

  /** The longest prefix of all {@code values} that ends in {@code boundary}. */
  private static String commonPrefix(TreeSet<String> values, String boundary) {
    String a = values.first();
    String b = values.last();
    int n = 0;
    while (n < a.length() && n < b.length() && a.charAt(n) == b.charAt(n)) {
      n++;
    }
    int cut = a.substring(0, n).lastIndexOf(boundary);
    return cut < 0 ? "" : a.substring(0, cut + 1);
  }

  static Map<String, Object> view(DecisionService.Narrowing n) {
    return Map.of("id", n.id());
  }
}
