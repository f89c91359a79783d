package dev.imprint.scan.report;

import dev.imprint.scan.Finding;
import dev.imprint.scan.ScanReport;
import dev.imprint.scan.Severity;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

/** Small text helpers shared by the reporters. */
final class Texts {
  private Texts() {}

  /** The first sentence of a text (up to and including the first ". "), trimmed. */
  static String firstSentence(String text) {
    String t = text.strip().replaceAll("\\s+", " ");
    int from = 0;
    while (true) {
      int i = t.indexOf(". ", from);
      if (i < 0) {
        return t;
      }
      String before = t.substring(Math.max(0, i - 4), i + 1).toLowerCase(Locale.ROOT);
      boolean abbreviation = before.endsWith("e.g.") || before.endsWith("i.e.")
          || before.endsWith("etc.") || before.endsWith("vs.");
      if (!abbreviation && i + 2 < t.length() && !Character.isLowerCase(t.charAt(i + 2))) {
        return t.substring(0, i + 1);
      }
      from = i + 2;
    }
  }

  /** Finding counts per severity, most severe first, including zero counts. */
  static Map<Severity, Integer> bySeverity(ScanReport report) {
    Map<Severity, Integer> counts = new EnumMap<>(Severity.class);
    for (Severity s : Severity.values()) {
      counts.put(s, 0);
    }
    for (Finding f : report.findings()) {
      counts.merge(f.severity(), 1, Integer::sum);
    }
    return counts;
  }

  /** {@code IMP-DOCKER-001 "Base image not pinned"} -> {@code BaseImageNotPinned}. */
  static String camelCase(String title) {
    StringBuilder sb = new StringBuilder();
    for (String word : title.split("[^A-Za-z0-9]+")) {
      if (!word.isEmpty()) {
        sb.append(word.substring(0, 1).toUpperCase(Locale.ROOT)).append(word.substring(1));
      }
    }
    return sb.toString();
  }

  /** Seconds with one decimal, e.g. {@code 0.8}. */
  static String seconds(java.time.Duration d) {
    return String.format(Locale.ROOT, "%.1f", d.toMillis() / 1000.0);
  }

  /** A path with forward slashes. */
  static String slashes(String path) {
    return path.replace('\\', '/');
  }
}
