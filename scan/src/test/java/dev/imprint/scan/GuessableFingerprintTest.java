package dev.imprint.scan;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imprint.scan.config.Baseline;
import dev.imprint.scan.inventory.InventoryBuilder;
import dev.imprint.scan.inventory.InventoryFormat;
import dev.imprint.scan.report.ReportOptions;
import dev.imprint.scan.report.Reporters;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The attack on a keyed fingerprint: whoever holds the repository's fingerprint key hashes a
 * dictionary under it and looks for the results in a report. A guessable value's fingerprint
 * must not be made under that key in any format, nor in a baseline or an inventory.
 */
class GuessableFingerprintTest {
  static final FingerprintKey KEY = FingerprintKey.of("0123456789abcdef0123456789abcdef");
  static final String STRONG = "k8Jd92LmQpX3zR7vN1aT";
  /** An attacker's dictionary; it holds every weak value written below. */
  static final List<String> DICTIONARY = List.of("root", "toor", "postgres", "admin", "123456",
      "letmein42", "Trombone", "Summer2024!", "hunter2x", "bluewhale", "qwerty");

  @TempDir
  Path dir;

  @Test
  void aDictionaryHashedUnderTheKeyMatchesNothingInAnyReportBaselineOrInventory()
      throws IOException {
    Files.writeString(dir.resolve(".env"), "DB_PASSWORD=letmein42\nADMIN_PASSWORD=Summer2024!\n"
        + "API_PASSWORD=" + STRONG + "\n");
    Files.writeString(dir.resolve("values.yaml"), "auth:\n  rootPassword: Trombone\n");
    Files.writeString(dir.resolve("Dockerfile"), "FROM alpine:3.20\nENV DB_PASS=root\n");
    ScanReport report = Scanner.create(ScanSettings.defaults().withThreads(1)
        .withFingerprintKey(KEY)).scan(List.of(dir));
    assertThat(report.findings()).filteredOn(f -> f.secret() != null && f.secret().guessable())
        .hasSizeGreaterThanOrEqualTo(4);

    String everything = renderEverything(report) + InventoryFormat.json(InventoryBuilder.build(
        List.of(dir), ScanSettings.defaults().withThreads(1).withFingerprintKey(KEY)));
    for (String word : DICTIONARY) {
      assertThat(everything).as("a keyed fingerprint of '%s'", word).doesNotContain(keyed(word));
    }
    // A strong value keeps its keyed fingerprint: reports link it across runs and repositories.
    assertThat(everything).contains(keyed(STRONG));
    assertThat(everything).contains("this report only: a guessable value");
  }

  @Test
  void aGuessableValueLinksItsPlacesWithinOneReport() {
    SecretEvidence a = SecretEvidence.of("toor").keyed(KEY);
    SecretEvidence b = SecretEvidence.of("toor").keyed(KEY);
    assertThat(a.guessable()).isTrue();
    assertThat(a.fingerprint()).isEqualTo(b.fingerprint()).isNotEqualTo(keyed("toor"));
    assertThat(SecretEvidence.of(STRONG).keyed(KEY).fingerprint()).isEqualTo(keyed(STRONG));
    assertThat(SecretEvidence.ofFormat("AKIAQ3EGWZ7LNE5TCKXB").guessable()).isFalse();
  }

  private String renderEverything(ScanReport report) throws IOException {
    StringBuilder all = new StringBuilder();
    for (String format : Reporters.FORMATS) {
      StringWriter out = new StringWriter();
      Reporters.forFormat(format, ReportOptions.defaults()).write(report, out);
      all.append(out);
    }
    Path baseline = dir.resolve("baseline.json");
    Baseline.write(report, baseline);
    return all.append(Files.readString(baseline)).toString();
  }

  private static String keyed(String value) {
    return KEY.fingerprint(SecretEvidence.digest(value));
  }
}
