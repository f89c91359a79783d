package dev.imprint.scan.secret;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imprint.scan.Finding;
import dev.imprint.scan.FingerprintKey;
import dev.imprint.scan.ScanSettings;
import dev.imprint.scan.Scanner;
import dev.imprint.scan.Severity;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Precision and recall of the rules that report secrets on a labelled set of cases written
 * after real repositories' shapes ({@code labelled/secrets.labels}): every labelled line must be
 * reported (every class found), and of what is reported at high or critical severity at least
 * 95 % must be labelled. The per-class table is printed for the report.
 */
class LabelledSecretsTest {
  static final Path ROOT = Path.of("src/test/resources/labelled/secrets");
  static final Path LABELS = Path.of("src/test/resources/labelled/secrets.labels");
  /** Rules about secrets whose findings carry no value (a file, a write, a practice). */
  static final Set<String> SECRET_PRACTICE = Set.of("IMP-DOCKER-008", "IMP-DOCKER-028",
      "IMP-DOCKER-029", "IMP-PACKER-015", "IMP-AWS-005", "IMP-AWS-006");

  @Test
  void everyLabelledSecretIsFoundAndWhatIsReportedHighIsLabelled() throws Exception {
    Map<String, String> labels = new LinkedHashMap<>();
    for (String l : Files.readAllLines(LABELS)) {
      if (!l.isBlank() && !l.startsWith("#")) {
        String[] p = l.split("\t");
        labels.put(p[0] + ":" + p[1], p[2]);
      }
    }
    assertThat(labels).hasSizeGreaterThan(20);
    List<Finding> findings = Scanner.create(ScanSettings.defaults().withThreads(1)
        .withFingerprintKey(FingerprintKey.of("labelled-secrets-test-key-0123456789")))
        .scan(List.of(ROOT)).findings().stream()
        .filter(f -> f.secret() != null || SECRET_PRACTICE.contains(f.ruleId())).toList();
    Map<String, Finding> reported = new TreeMap<>();
    for (Finding f : findings) {
      String where = ROOT.relativize(Path.of(f.location().path())).toString().replace('\\', '/')
          + ":" + f.location().line();
      reported.merge(where, f, (a, b) -> a.severity().compareTo(b.severity()) >= 0 ? a : b);
    }
    Set<String> missed = new TreeSet<>(labels.keySet());
    missed.removeAll(reported.keySet());
    Set<String> unlabelled = new TreeSet<>(reported.keySet());
    unlabelled.removeAll(labels.keySet());
    long high = reported.values().stream().filter(f -> f.severity().compareTo(Severity.HIGH) >= 0)
        .count();
    long highUnlabelled = unlabelled.stream()
        .filter(k -> reported.get(k).severity().compareTo(Severity.HIGH) >= 0).count();
    System.out.println(table(labels, reported, unlabelled));
    assertThat(missed).as("labelled secrets not reported").isEmpty();
    assertThat(high).isGreaterThan(15);
    assertThat((double) (high - highUnlabelled) / high).as("precision at high and critical "
        + "(unlabelled: %s)", unlabelled).isGreaterThanOrEqualTo(0.95);
    labels.forEach((k, c) -> {
      if (c.equals("example-key-practice")) {
        assertThat(reported.get(k).severity()).as(k).isEqualTo(Severity.LOW);
        assertThat(reported.get(k).secret()).as(k).isNull();
      }
    });
  }

  private static String table(Map<String, String> labels, Map<String, Finding> reported,
      Set<String> unlabelled) {
    Map<String, int[]> byClass = new TreeMap<>();
    labels.forEach((k, c) -> byClass.computeIfAbsent(c, x -> new int[2])[
        reported.containsKey(k) ? 0 : 1]++);
    StringBuilder sb = new StringBuilder("labelled secrets: class, found, missed\n");
    byClass.forEach((c, n) -> sb.append(String.format(Locale.ROOT, "  %-22s %d %d%n", c, n[0],
        n[1])));
    sb.append("reported without a label: ").append(unlabelled).append('\n');
    return sb.toString();
  }
}
