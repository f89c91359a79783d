package dev.imprint.scan.labelled;

import dev.imprint.scan.Finding;
import dev.imprint.scan.FingerprintKey;
import dev.imprint.scan.ScanSettings;
import dev.imprint.scan.Scanner;
import dev.imprint.scan.Severity;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Scans the labelled corpus ({@code labelled/bench/<family>/...}, labels in
 * {@code labelled/bench/labels.tsv}) with the real {@link Scanner} and scores it per family.
 *
 * <p>A label is {@code PATH LINE EXPECT RULE CLASS} (tab-separated): EXPECT {@code find} means a
 * finding of RULE (an id, an id prefix such as {@code IMP-SECRET-}, or several separated by
 * commas) must be reported at that
 * line; {@code quiet} means no finding of RULE and nothing at high or critical severity may be
 * reported there. Every unlabelled line of the corpus is a negative for high and critical
 * findings. A finding is a true positive when a {@code find} label of its rule holds its line;
 * a false positive when it is at high or critical severity on any other line, or when a
 * {@code quiet} label of its rule holds its line (any severity).
 */
final class PrecisionBenchmark {
  static final Path ROOT = Path.of("src/test/resources/labelled/bench");
  static final Path LABELS = ROOT.resolve("labels.tsv");
  /** The families in the order of the report, each the name of a corpus folder. */
  static final List<String> FAMILIES = List.of("secrets", "dockerfile", "kubernetes", "rbac",
      "compose", "ci", "terraform-aws", "gcp", "azure", "packer", "helm");

  record Label(String path, int line, boolean find, String rule, String klass) {
    String family() {
      return path.substring(0, path.indexOf('/'));
    }

    boolean matches(Finding f) {
      for (String r : rule.split(",")) {
        if (r.endsWith("-") ? f.ruleId().startsWith(r) : f.ruleId().equals(r)) {
          return true;
        }
      }
      return false;
    }
  }

  /** One family's score. */
  record Score(String family, int tp, int fp, int fpHigh, int tpHigh, int missed, int quietOk,
      int quietBroken) {
    double precision() {
      return tp + fp == 0 ? 1.0 : (double) tp / (tp + fp);
    }

    double precisionHigh() {
      return tpHigh + fpHigh == 0 ? 1.0 : (double) tpHigh / (tpHigh + fpHigh);
    }

    double recall() {
      return tp + missed == 0 ? 1.0 : (double) (tp) / (tp + missed);
    }
  }

  /** The outcome: scores per family and overall, and what went wrong, each with its class. */
  record Result(List<Score> scores, Score total, List<String> misses, List<String> falsePositives,
      Set<String> classes, Set<String> missedClasses, Set<String> noisyClasses, int labels) {}

  private PrecisionBenchmark() {}

  static List<Label> labels() throws IOException {
    List<Label> labels = new ArrayList<>();
    for (String l : Files.readAllLines(LABELS)) {
      if (l.isBlank() || l.startsWith("#")) {
        continue;
      }
      String[] p = l.split("\t");
      if (p.length != 5 || !(p[2].equals("find") || p[2].equals("quiet"))) {
        throw new IllegalArgumentException("labels.tsv: expected PATH LINE find|quiet RULE "
            + "CLASS separated by tabs, got: " + l);
      }
      labels.add(new Label(p[0], Integer.parseInt(p[1]), p[2].equals("find"), p[3], p[4]));
    }
    return labels;
  }

  static Result run() throws IOException {
    List<Label> labels = labels();
    List<Finding> findings = Scanner.create(ScanSettings.defaults().withThreads(1)
        .withFingerprintKey(FingerprintKey.of("labelled-precision-benchmark-key-0123456789")))
        .scan(List.of(ROOT)).findings();
    Map<String, List<Label>> byLine = new TreeMap<>();
    for (Label l : labels) {
      byLine.computeIfAbsent(l.path() + ":" + l.line(), k -> new ArrayList<>()).add(l);
    }
    Map<String, int[]> counts = new LinkedHashMap<>();
    FAMILIES.forEach(f -> counts.put(f, new int[7]));
    Set<Label> found = new java.util.HashSet<>();
    Set<Label> broken = new java.util.HashSet<>();
    List<String> falsePositives = new ArrayList<>();
    for (Finding f : findings) {
      String path = ROOT.relativize(Path.of(f.location().path())).toString().replace('\\', '/');
      String family = path.contains("/") ? path.substring(0, path.indexOf('/')) : "";
      int[] c = counts.get(family);
      if (c == null) {
        continue;
      }
      boolean high = f.severity().compareTo(Severity.HIGH) >= 0;
      List<Label> here = byLine.getOrDefault(path + ":" + f.location().line(), List.of());
      Label hit = here.stream().filter(l -> l.find() && l.matches(f)).findFirst().orElse(null);
      Label quiet = here.stream().filter(l -> !l.find() && (l.matches(f) || high)).findFirst()
          .orElse(null);
      if (hit != null) {
        found.add(hit);
        c[0]++;
        c[3] += high ? 1 : 0;
      } else if (quiet != null || high) {
        if (quiet != null) {
          broken.add(quiet);
        }
        c[1]++;
        c[2] += high ? 1 : 0;
        falsePositives.add(String.format(Locale.ROOT, "%s:%d %s %s%s", path,
            f.location().line(), f.ruleId(), f.severity().name().toLowerCase(Locale.ROOT),
            quiet == null ? " (unlabelled line)" : " (" + quiet.klass() + ")"));
      }
    }
    List<String> misses = new ArrayList<>();
    Set<String> classes = new TreeSet<>();
    Set<String> missedClasses = new TreeSet<>();
    Set<String> noisyClasses = new TreeSet<>();
    for (Label l : labels) {
      classes.add(l.klass());
      int[] c = counts.get(l.family());
      if (c == null) {
        throw new IllegalArgumentException("labels.tsv: unknown family folder: " + l.path());
      }
      if (l.find() && !found.contains(l)) {
        c[4]++;
        misses.add(l.path() + ":" + l.line() + " " + l.rule() + " (" + l.klass() + ")");
        missedClasses.add(l.klass());
      } else if (!l.find()) {
        c[broken.contains(l) ? 6 : 5]++;
        if (broken.contains(l)) {
          noisyClasses.add(l.klass());
        }
      }
    }
    List<Score> scores = new ArrayList<>();
    int[] t = new int[7];
    counts.forEach((family, c) -> {
      scores.add(new Score(family, c[0], c[1], c[2], c[3], c[4], c[5], c[6]));
      for (int i = 0; i < t.length; i++) {
        t[i] += c[i];
      }
    });
    Score total = new Score("all", t[0], t[1], t[2], t[3], t[4], t[5], t[6]);
    return new Result(scores, total, misses, falsePositives, classes, missedClasses,
        noisyClasses, labels.size());
  }

  static String markdown(Result r) {
    StringBuilder sb = new StringBuilder();
    sb.append("| family | true pos. | false pos. | missed | quiet kept / broken | precision "
        + "| precision high+critical | recall |\n|---|---|---|---|---|---|---|---|\n");
    for (Score s : r.scores()) {
      row(sb, s);
    }
    row(sb, r.total());
    sb.append(String.format(Locale.ROOT, "%n%d labels, %d classes; classes missed: %s; classes "
        + "with a false positive on a must-stay-quiet line: %s%n", r.labels(), r.classes().size(),
        r.missedClasses().isEmpty() ? "none" : String.join(", ", r.missedClasses()),
        r.noisyClasses().isEmpty() ? "none" : String.join(", ", r.noisyClasses())));
    sb.append("\nMissed (must be found):\n\n");
    r.misses().forEach(m -> sb.append("- ").append(m).append('\n'));
    sb.append(r.misses().isEmpty() ? "- none\n" : "");
    sb.append("\nFalse positives:\n\n");
    r.falsePositives().forEach(m -> sb.append("- ").append(m).append('\n'));
    sb.append(r.falsePositives().isEmpty() ? "- none\n" : "");
    return sb.toString();
  }

  private static void row(StringBuilder sb, Score s) {
    sb.append(String.format(Locale.ROOT, "| %s | %d | %d | %d | %d / %d | %.1f %% | %.1f %% "
        + "| %.1f %% |%n", s.family(), s.tp(), s.fp(), s.missed(), s.quietOk(), s.quietBroken(),
        100 * s.precision(), 100 * s.precisionHigh(), 100 * s.recall()));
  }
}
