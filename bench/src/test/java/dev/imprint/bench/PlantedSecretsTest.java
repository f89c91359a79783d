package dev.imprint.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imprint.scan.Finding;
import dev.imprint.scan.ScanSettings;
import dev.imprint.scan.Scanner;
import dev.imprint.scan.secret.SecretDetectors;
import dev.imprint.scan.secret.SecretHit;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openjdk.jmh.infra.Blackhole;

class PlantedSecretsTest {
  @TempDir
  Path dir;

  @Test
  void theGeneratorListsEveryPlantedSecretAtALineThatHoldsIt() throws Exception {
    List<String> rows = new ArrayList<>();
    new CorpusGenerator(42).write(dir, 400, 0, rows);
    assertThat(rows).hasSizeGreaterThan(10);
    for (String row : rows) {
      String[] cols = row.split("\t");
      List<String> lines = Files.readAllLines(dir.resolve(cols[0]));
      String line = lines.get(Integer.parseInt(cols[1]) - 1);
      assertThat(line).as(row).matches(".*(AKIA|ghp_|xoxb-|sk_live_|AIza|password|PASSWORD"
          + "|secret_key).*");
    }
  }

  /**
   * A planted provider token must be one its provider's detector accepts (GitHub's carries a
   * CRC32 checksum the detector checks), so the scan benchmark measures the specific detectors
   * and not only the name-based fallback that happens to catch a malformed token.
   */
  @Test
  void everyPlantedProviderTokenIsAcceptedByItsProvidersDetector() {
    Map<String, String> detectorOf = Map.of("ghp_", "github-token", "AKIA",
        "aws-access-key-id", "xoxb-", "slack-token", "sk_live_", "stripe-live-key", "AIza",
        "google-api-key");
    Map<String, Integer> checked = new java.util.TreeMap<>();
    for (CorpusGenerator.Generated g : new CorpusGenerator(42).sample(3_000)) {
      for (String secret : g.planted()) {
        detectorOf.forEach((prefix, detector) -> {
          if (secret.startsWith(prefix)) {
            assertThat(SecretDetectors.find(secret)).as(g.path() + ": " + prefix + "...")
                .extracting(SecretHit::detector).contains(detector);
            checked.merge(prefix, 1, Integer::sum);
          }
        });
      }
    }
    assertThat(checked).containsOnlyKeys(detectorOf.keySet());
  }

  @Test
  void theScannerFindsEveryPlantedSecretOfACorpusAndTheCheckSaysSo() throws Exception {
    Path corpus = dir.resolve("corpus");
    List<String> rows = new ArrayList<>();
    new CorpusGenerator(7).write(corpus, 300, 1, rows);
    Path plantedFile = dir.resolve("planted.tsv");
    Files.write(plantedFile, rows);
    List<String> planted = PlantedSecrets.planted(plantedFile);

    assertThat(planted).isNotEmpty();
    Set<String> atLines = new HashSet<>();
    for (Finding f : Scanner.create(ScanSettings.defaults()).scan(List.of(corpus)).findings()) {
      if (f.secret() != null) {
        atLines.add(corpus.relativize(Path.of(f.location().path())) + ":"
            + f.location().line());
      }
    }
    assertThat(PlantedSecrets.missed(planted, atLines)).isEmpty();
  }

  @Test
  void aToolThatReportsLessIsCaughtWhicheverFormatItWrites() throws Exception {
    ObjectMapper json = new ObjectMapper();
    Path root = Path.of("/c");
    List<String> planted = List.of("a/Dockerfile:3", "b/x.py:10");
    String imprint = """
        {"findings": [
          {"ruleId": "IMP-DOCKER-005", "path": "/c/a/Dockerfile", "line": 3,
           "secret": {"redacted": "AKIA…", "fingerprint": "f"}},
          {"ruleId": "IMP-DOCKER-001", "path": "/c/b/x.py", "line": 10}
        ]}""";
    assertThat(PlantedSecrets.missed(planted, PlantedSecrets.imprint(json.readTree(imprint),
        root))).containsExactly("b/x.py:10");
    String secretlint = """
        [{"filePath": "/c/b/x.py", "messages": [{"loc": {"start": {"line": 10}}}]},
         {"filePath": "/c/a/Dockerfile", "messages": [{"loc": {"start": {"line": 4}}}]}]""";
    assertThat(PlantedSecrets.missed(planted, PlantedSecrets.secretlint(
        json.readTree(secretlint), root))).containsExactly("a/Dockerfile:3");
  }

  @Test
  void everyAnalyzerBenchmarkOperationReadsItsFileCleanlyAndRuns() {
    Blackhole hole = new Blackhole("Today's password is swordfish. I understand instantiating"
        + " Blackholes directly is dangerous.");
    for (String name : List.of("dockerfile", "kubernetes", "terraform", "compose", "ci",
        "packer", "aws", "secret")) {
      AnalyzerBenchmark b = new AnalyzerBenchmark();
      b.analyzer = name;
      b.setUp(hole);
      b.analyzeOneFile();
    }
  }
}
