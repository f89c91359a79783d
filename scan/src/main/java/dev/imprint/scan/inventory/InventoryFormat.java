package dev.imprint.scan.inventory;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Renders an {@link Inventory} for people (text grouped by kind, one block per identity with its
 * flags and links) and for tools (JSON, {@code "schemaVersion": 1}, documented in
 * {@code docs/inventory.md}). Neither form ever holds a secret value: the model keeps only
 * redacted forms and fingerprints.
 */
public final class InventoryFormat {
  /** The version of the JSON document's shape; raised when a field changes meaning or goes. */
  public static final int SCHEMA_VERSION = 1;
  private static final ObjectMapper JSON = new ObjectMapper()
      .enable(SerializationFeature.INDENT_OUTPUT);

  private InventoryFormat() {}

  /** The JSON document. */
  public static String json(Inventory inv) {
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("schemaVersion", SCHEMA_VERSION);
    root.put("summary", summary(inv));
    List<Object> ids = new ArrayList<>();
    for (Identity i : inv.identities()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("id", i.id());
      m.put("kind", i.kind());
      m.put("name", i.name());
      m.put("location", place(i.location()));
      m.put("access", i.access());
      m.put("permissions", i.permissions());
      m.put("credential", i.credential());
      m.put("trustedBy", i.trustedBy());
      m.put("usedBy", i.usedBy());
      m.put("flags", i.flags());
      m.put("details", i.details());
      ids.add(m);
    }
    root.put("identities", ids);
    List<Object> links = new ArrayList<>();
    for (Link l : inv.links()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("kind", l.kind());
      m.put("from", l.from());
      m.put("to", l.to());
      m.put("fromLocation", place(l.fromLocation()));
      m.put("toLocation", place(l.toLocation()));
      m.put("reason", l.reason());
      links.add(m);
    }
    root.put("links", links);
    try {
      return JSON.writeValueAsString(root) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("inventory JSON could not be written", e);
    }
  }

  private static Map<String, Object> summary(Inventory inv) {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("identities", inv.identities().size());
    s.put("links", inv.links().size());
    s.put("flagged", inv.identities().stream().filter(i -> !i.flags().isEmpty()).count());
    Map<String, Integer> byKind = new LinkedHashMap<>();
    for (String k : Inventory.KINDS) {
      int n = inv.ofKind(k).size();
      if (n > 0) {
        byKind.put(k, n);
      }
    }
    s.put("byKind", byKind);
    return s;
  }

  private static Map<String, Object> place(Place p) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("path", p.path());
    m.put("line", p.line());
    return m;
  }

  /** The text form: a summary line, then one section per kind and one block per identity. */
  public static String text(Inventory inv) {
    return text(inv, Map.of());
  }

  /**
   * The text form with a {@code findings} line for the identities {@code findings} has an entry
   * for (by id), as {@code imprint inventory --remote} prints the server's counts.
   */
  public static String text(Inventory inv, Map<String, String> findings) {
    StringBuilder b = new StringBuilder();
    long flagged = inv.identities().stream().filter(i -> !i.flags().isEmpty()).count();
    b.append(inv.identities().size()).append(inv.identities().size() == 1 ? " identity"
        : " identities").append(", ").append(flagged).append(" flagged, ")
        .append(inv.links().size()).append(inv.links().size() == 1 ? " link" : " links")
        .append('\n');
    // known kinds in display order, then any other (a newer server's, via --remote) by name
    java.util.Set<String> kinds = new java.util.LinkedHashSet<>(Inventory.KINDS);
    inv.identities().stream().map(Identity::kind).sorted().forEach(kinds::add);
    for (String kind : kinds) {
      List<Identity> of = inv.ofKind(kind);
      if (of.isEmpty()) {
        continue;
      }
      b.append('\n').append(kind).append(" (").append(of.size()).append(")\n");
      for (Identity i : of) {
        block(b, i, inv, findings.get(i.id()));
      }
    }
    return b.toString();
  }

  private static void block(StringBuilder b, Identity i, Inventory inv, String findings) {
    b.append("  ").append(i.name());
    if (!i.flags().isEmpty()) {
      b.append("  [").append(String.join(", ", i.flags())).append(']');
    }
    b.append('\n');
    line(b, "id", i.id());
    line(b, "defined at", i.location().toString());
    line(b, "may do", i.access() + (i.permissions().isEmpty() ? ""
        : ": " + String.join("; ", i.permissions())));
    line(b, "credential", i.credential());
    if (findings != null) {
      line(b, "findings", findings);
    }
    list(b, "trusted by", i.trustedBy());
    list(b, "used by", i.usedBy());
    list(b, "details", i.details());
    List<Link> links = inv.linksOf(i.id());
    for (Link l : links) {
      boolean out = l.from().equals(i.id());
      b.append(out ? "    -> " : "    <- ").append(l.kind()).append(' ')
          .append(out ? l.to() : l.from()).append(" (").append(l.fromLocation())
          .append(" -> ").append(l.toLocation()).append(")\n")
          .append("       ").append(l.reason()).append('\n');
    }
  }

  private static void line(StringBuilder b, String label, String value) {
    b.append("    ").append(String.format(java.util.Locale.ROOT, "%-11s", label)).append(value)
        .append('\n');
  }

  private static void list(StringBuilder b, String label, List<String> values) {
    for (int n = 0; n < values.size(); n++) {
      line(b, n == 0 ? label : "", values.get(n));
    }
  }
}
