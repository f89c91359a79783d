package dev.imprint.scan.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imprint.scan.Finding;
import dev.imprint.scan.ScanReport;
import dev.imprint.scan.ScanSettings;
import dev.imprint.scan.Scanner;
import dev.imprint.scan.SourceFile;
import dev.imprint.scan.secret.SecretAnalyzer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A secret that a baseline accepted stays accepted when another rule reports it at the same
 * line: which of the rules that see one secret wins its line changes as readers improve (a
 * Secret's {@code stringData: realm.json: |} was reported by the embedded file's detector, and
 * is now the Secret rule's), and a baseline must not show it as new after that.
 */
class BaselineAcrossRulesTest {
  /** The precision corpus's realm in a Secret's stringData (a client secret, a password). */
  private static final SourceFile REALM_SECRET = corpusFile(
      "labelled/bench/secrets/k8s/realm/realm-secret.yaml");

  private static SourceFile corpusFile(String resource) {
    try (InputStream in = BaselineAcrossRulesTest.class.getResourceAsStream("/" + resource)) {
      return SourceFile.of(resource, new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static List<Finding> secrets(ScanReport report) {
    return report.findings().stream().filter(f -> f.secret() != null).toList();
  }

  @Test
  void aSecretAcceptedUnderOneRuleStaysAcceptedWhenAnotherRuleWinsItsLine(@TempDir Path tmp)
      throws Exception {
    ScanReport before = Scanner.create(ScanSettings.defaults(), List.of(new SecretAnalyzer()),
        Clock.systemUTC()).scanSources(List.of(REALM_SECRET));
    assertThat(secrets(before)).extracting(Finding::ruleId)
        .allMatch(r -> r.startsWith("IMP-SECRET-")).hasSize(2);
    Path file = tmp.resolve(".imprint-baseline.json");
    Baseline.write(before, file);

    ScanReport now = Scanner.create(ScanSettings.defaults()).scanSources(List.of(REALM_SECRET));
    assertThat(secrets(now)).extracting(Finding::ruleId).containsOnly("IMP-K8S-045");
    assertThat(secrets(now)).extracting(f -> f.location().line()).containsExactly(12, 17);
    Baseline.Applied applied = Baseline.read(file).apply(now);
    assertThat(secrets(applied.report())).as("secrets the baseline accepted, seen as new")
        .isEmpty();
  }

  @Test
  void aSecretTheBaselineNeverAcceptedIsStillNew(@TempDir Path tmp) throws Exception {
    Path file = tmp.resolve(".imprint-baseline.json");
    Baseline.write(Scanner.create(ScanSettings.defaults()).scanSources(List.of(
        SourceFile.of(REALM_SECRET.path(), "apiVersion: v1\nkind: Secret\n"))), file);
    ScanReport now = Scanner.create(ScanSettings.defaults()).scanSources(List.of(REALM_SECRET));
    assertThat(secrets(Baseline.read(file).apply(now).report())).hasSize(2);
  }
}
