package dev.imprint.scan.aws;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The {@code Principal} (or {@code NotPrincipal}) of a statement: the string {@code "*"}, or
 * identifiers grouped by type ({@code AWS}, {@code Service}, {@code Federated},
 * {@code CanonicalUser}).
 *
 * @param byType identifiers per principal type; the type names keep their spelling
 * @param negated whether this came from {@code NotPrincipal}
 * @param present whether the statement has a principal element at all
 */
public record PolicyPrincipals(Map<String, List<String>> byType, boolean negated,
    boolean present) {

  /** No principal element (identity policies). */
  public static final PolicyPrincipals NONE = new PolicyPrincipals(Map.of(), false, false);

  public PolicyPrincipals {
    Map<String, List<String>> copy = new LinkedHashMap<>();
    byType.forEach((k, v) -> copy.put(k, List.copyOf(v)));
    byType = Map.copyOf(copy);
  }

  /** The identifiers of one type, compared case-insensitively ({@code aws}, {@code service}). */
  public List<String> of(String type) {
    List<String> out = new ArrayList<>();
    byType.forEach((k, v) -> {
      if (k.equalsIgnoreCase(type)) {
        out.addAll(v);
      }
    });
    return out;
  }

  /** Whether the principal includes everyone: {@code "*"} or {@code {"AWS": "*"}}. */
  public boolean isWildcard() {
    if (!present || negated) {
      return present && negated;
    }
    for (List<String> ids : byType.values()) {
      for (String id : ids) {
        if (id.trim().equals("*")) {
          return true;
        }
      }
    }
    return false;
  }

  /** Whether any identifier of the type contains the text, case-insensitively. */
  public boolean mentions(String type, String text) {
    String t = text.toLowerCase(Locale.ROOT);
    return of(type).stream().anyMatch(id -> id.toLowerCase(Locale.ROOT).contains(t));
  }
}
