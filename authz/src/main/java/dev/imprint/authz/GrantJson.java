package dev.imprint.authz;

import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

/**
 * Writes grants as a grant document in JSON (which is also YAML, so {@link GrantParser} reads
 * it back): the form a server publishes at {@code GET /v1/grants} and stores per version.
 */
public final class GrantJson {
  private GrantJson() {}

  /** A grant document of {@code grants}; with a {@code policyVersion} when it is not null. */
  public static String document(List<Grant> grants, Long policyVersion) {
    StringBuilder sb = new StringBuilder(256 + grants.size() * 200);
    sb.append("{\"apiVersion\":\"").append(GrantParser.API_VERSION).append("\",\"kind\":\"")
        .append(GrantParser.KIND).append('"');
    if (policyVersion != null) {
      sb.append(",\"policyVersion\":").append(policyVersion.longValue());
    }
    sb.append(",\"grants\":[");
    for (int i = 0; i < grants.size(); i++) {
      if (i > 0) {
        sb.append(',');
      }
      grant(sb, grants.get(i));
    }
    return sb.append("]}").toString();
  }

  /** One grant as a JSON object, with the fields of a grant file. */
  public static String grant(Grant g) {
    StringBuilder sb = new StringBuilder();
    grant(sb, g);
    return sb.toString();
  }

  private static void grant(StringBuilder sb, Grant g) {
    sb.append("{\"id\":");
    string(sb, g.id());
    if (g.name() != null) {
      sb.append(",\"name\":");
      string(sb, g.name());
    }
    sb.append(",\"subject\":");
    string(sb, g.subject().text());
    sb.append(",\"effect\":\"").append(g.effect().word()).append("\",\"resource\":");
    string(sb, g.resource().text());
    list(sb, "actions", g.actions());
    list(sb, "privileges", g.privileges());
    list(sb, "methods", g.methods());
    list(sb, "paths", g.paths());
    Conditions c = g.conditions();
    if (!c.isEmpty()) {
      sb.append(",\"conditions\":{");
      boolean first = true;
      if (!c.environments().isEmpty()) {
        sb.append("\"environment\":[");
        strings(sb, c.environments());
        sb.append(']');
        first = false;
      }
      if (c.expires() != null) {
        sb.append(first ? "" : ",").append("\"expires\":");
        string(sb, DateTimeFormatter.ISO_INSTANT.format(c.expires()));
        first = false;
      }
      if (c.timeWindow() != null) {
        TimeWindow w = c.timeWindow();
        sb.append(first ? "" : ",").append("\"timeWindow\":{\"days\":[");
        strings(sb, w.days().stream().sorted()
            .map(d -> d.name().substring(0, 3).toLowerCase(Locale.ROOT)).toList());
        sb.append("],\"start\":");
        string(sb, w.start().toString());
        sb.append(",\"end\":");
        string(sb, w.end().equals(java.time.LocalTime.MAX) ? "24:00" : w.end().toString());
        sb.append(",\"zone\":");
        string(sb, w.zone().getId());
        sb.append('}');
        first = false;
      }
      if (c.imageApproved()) {
        sb.append(first ? "" : ",").append("\"imageApproved\":true");
      }
      sb.append('}');
    }
    sb.append('}');
  }

  private static void list(StringBuilder sb, String key, List<String> values) {
    if (!values.isEmpty()) {
      sb.append(",\"").append(key).append("\":[");
      strings(sb, values);
      sb.append(']');
    }
  }

  private static void strings(StringBuilder sb, List<String> values) {
    for (int i = 0; i < values.size(); i++) {
      if (i > 0) {
        sb.append(',');
      }
      string(sb, values.get(i));
    }
  }

  static void string(StringBuilder sb, String s) {
    sb.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        default -> {
          if (c < 0x20 || c > 0x7e) {
            sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    sb.append('"');
  }
}
