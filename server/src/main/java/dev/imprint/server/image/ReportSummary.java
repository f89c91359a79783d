package dev.imprint.server.image;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a scan report says, reduced to what the image policy needs: its format and how many
 * findings or vulnerabilities it has per severity ({@code critical}, {@code high},
 * {@code medium}, {@code low}, {@code info}; vulnerabilities of unknown or negligible severity
 * count as {@code info}).
 */
public record ReportSummary(String format, Map<String, Integer> counts) {
  /** Severities from most to least severe. */
  public static final List<String> SEVERITIES = List.of("critical", "high", "medium", "low",
      "info");

  public ReportSummary {
    Map<String, Integer> c = new LinkedHashMap<>();
    for (String s : SEVERITIES) {
      c.put(s, counts.getOrDefault(s, 0));
    }
    counts = java.util.Collections.unmodifiableMap(c);
  }

  /** How many at or above {@code severity}. */
  public int atOrAbove(String severity) {
    int n = 0;
    for (String s : SEVERITIES) {
      n += counts.get(s);
      if (s.equals(severity)) {
        break;
      }
    }
    return n;
  }
}
