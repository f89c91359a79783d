package dev.imprint.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.imprint.cli.remote.ApiClient;
import dev.imprint.scan.inventory.Identity;
import dev.imprint.scan.inventory.Inventory;
import dev.imprint.scan.inventory.InventoryFormat;
import dev.imprint.scan.inventory.Link;
import dev.imprint.scan.inventory.Place;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code imprint inventory --remote}: reads every page of the server's {@code GET /v1/inventory}
 * and prints it as JSON (the entries of all pages) or as text, one section per repository laid
 * out like the local inventory with a {@code findings} line per identity.
 */
final class RemoteInventory {
  private static final List<String> SEVERITIES = List.of("critical", "high", "medium", "low",
      "info");

  private RemoteInventory() {}

  static String render(ApiClient client, String repository, String kind, String flag,
      String format) {
    ArrayNode items = fetch(client, repository, kind, flag);
    if (format.equals("json")) {
      ObjectNode root = ApiClient.json().createObjectNode();
      root.set("items", items);
      try {
        return ApiClient.json().writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n";
      } catch (JsonProcessingException e) {
        throw new IllegalStateException("a JSON tree is always JSON", e);
      }
    }
    return printable(text(items));
  }

  /** The server's text with control characters (but newlines) shown as '?', as tables do. */
  private static String printable(String s) {
    StringBuilder b = new StringBuilder(s.length());
    s.codePoints().forEach(cp -> b.appendCodePoint(cp != '\n' && Character.isISOControl(cp)
        ? '?' : cp));
    return b.toString();
  }

  private static ArrayNode fetch(ApiClient client, String repository, String kind, String flag) {
    Map<String, String> q = new LinkedHashMap<>();
    q.put("repository", repository);
    q.put("kind", kind);
    q.put("flag", flag);
    return client.getAllPages("/v1/inventory", q);
  }

  /** One section per repository (in the server's order), laid out like the local inventory. */
  private static String text(ArrayNode items) {
    if (items.isEmpty()) {
      return "no identities: no upload carried an inventory yet (imprint scan --upload)\n";
    }
    Map<String, List<JsonNode>> byRepo = new LinkedHashMap<>();
    items.forEach(i -> byRepo.computeIfAbsent(i.path("repository").asText(),
        r -> new ArrayList<>()).add(i));
    StringBuilder b = new StringBuilder();
    for (Map.Entry<String, List<JsonNode>> e : byRepo.entrySet()) {
      JsonNode first = e.getValue().get(0);
      if (b.length() > 0) {
        b.append('\n');
      }
      String commit = first.path("commit").asText();
      b.append("== ").append(e.getKey()).append(" @ ")
          .append(commit.length() > 12 ? commit.substring(0, 12) : commit)
          .append(" (uploaded ").append(first.path("uploadedAt").asText()).append(")\n");
      List<Identity> ids = new ArrayList<>();
      Set<Link> links = new LinkedHashSet<>();
      Map<String, String> findings = new LinkedHashMap<>();
      for (JsonNode i : e.getValue()) {
        Identity id = identity(i);
        ids.add(id);
        findings.put(id.id(), counts(i.path("findings")));
        i.path("links").forEach(l -> links.add(new Link(l.path("kind").asText(),
            l.path("from").asText(), l.path("to").asText(), place(l.path("fromLocation")),
            place(l.path("toLocation")), l.path("reason").asText())));
      }
      b.append(InventoryFormat.text(new Inventory(ids, List.copyOf(links)), findings));
    }
    return b.toString();
  }

  private static Identity identity(JsonNode i) {
    return new Identity(i.path("id").asText(), i.path("kind").asText(), i.path("name").asText(),
        place(i.path("location")), i.path("access").asText(), strings(i.path("permissions")),
        i.path("credential").asText(), strings(i.path("trustedBy")), strings(i.path("usedBy")),
        strings(i.path("flags")), strings(i.path("details")));
  }

  /** {@code 3 (2 critical, 1 high)}, or {@code none}. */
  private static String counts(JsonNode f) {
    List<String> parts = new ArrayList<>();
    int total = 0;
    for (String s : SEVERITIES) {
      int n = f.path(s).asInt(0);
      total += n;
      if (n > 0) {
        parts.add(n + " " + s);
      }
    }
    return total == 0 ? "none" : total + " (" + String.join(", ", parts) + ")";
  }

  private static Place place(JsonNode p) {
    String path = p.path("path").asText("");
    return new Place(path.isEmpty() ? "?" : path, p.path("line").asInt(1));
  }

  private static List<String> strings(JsonNode a) {
    List<String> out = new ArrayList<>();
    a.forEach(n -> out.add(n.asText()));
    return out;
  }
}
