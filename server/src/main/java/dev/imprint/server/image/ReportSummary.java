package dev.imprint.server.image;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a scan report says, reduced to what the image policy needs: its format, how many
 * findings or vulnerabilities it has per severity ({@code critical}, {@code high},
 * {@code medium}, {@code low}, {@code info}; vulnerabilities of unknown or negligible severity
 * count as {@code info}) and what it says about itself ({@link Source}).
 */
public record ReportSummary(String format, Map<String, Integer> counts, Source source) {
  /** Severities from most to least severe. */
  public static final List<String> SEVERITIES = List.of("critical", "high", "medium", "low",
      "info");

  /**
   * What a report says about where it comes from, so that "scanned, nothing found" can be told
   * from an empty document: the scanner that wrote it and its version, how many files it scanned
   * (Imprint JSON), what it scanned (a vulnerability report's image reference) with any image
   * digests it names, and the source commit it names (SARIF {@code versionControlProvenance}).
   * Each is null (the digests empty) when the report does not say.
   */
  public record Source(String scanner, String scannerVersion, Integer filesScanned,
      String subject, List<String> subjectDigests, String commit) {
    /** A report that says nothing about itself (and reports stored before this was kept). */
    public static final Source NONE = new Source(null, null, null, null, List.of(), null);

    public Source {
      subjectDigests = subjectDigests == null ? List.of() : List.copyOf(subjectDigests);
    }
  }

  public ReportSummary {
    Map<String, Integer> c = new LinkedHashMap<>();
    for (String s : SEVERITIES) {
      c.put(s, counts.getOrDefault(s, 0));
    }
    counts = Collections.unmodifiableMap(c);
    source = source == null ? Source.NONE : source;
  }

  /** A summary of a report that says nothing about itself. */
  public ReportSummary(String format, Map<String, Integer> counts) {
    this(format, counts, Source.NONE);
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
