package dev.imprint.scan;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every rule of the catalog has fixtures under {@code src/test/resources/rules/<ID>/}: the files
 * in {@code positive/} must make the rule fire, the files in {@code negative/} must not. Each
 * folder is scanned as a whole with every analyzer, as a user's repository would be.
 */
class RuleFixturesTest {
  static final Path FIXTURES = Path.of("src/test/resources/rules");

  @TestFactory
  Stream<DynamicTest> everyRuleFiresOnItsPositiveFixturesAndNotOnItsNegativeOnes() {
    return Catalog.rules().stream().flatMap(rule -> Stream.of(
        DynamicTest.dynamicTest(rule.id() + " fires on positive fixtures",
            () -> assertFires(rule, FIXTURES.resolve(rule.id()).resolve("positive"))),
        DynamicTest.dynamicTest(rule.id() + " stays quiet on negative fixtures",
            () -> assertQuiet(rule, FIXTURES.resolve(rule.id()).resolve("negative")))));
  }

  private static void assertFires(Rule rule, Path dir) throws IOException {
    for (Path file : files(dir)) {
      List<Finding> found = scan(file).stream()
          .filter(f -> f.ruleId().equals(rule.id())).toList();
      assertThat(found).as("%s on %s", rule.id(), file).isNotEmpty();
    }
  }

  private static void assertQuiet(Rule rule, Path dir) throws IOException {
    for (Path file : files(dir)) {
      List<Finding> found = scan(file).stream()
          .filter(f -> f.ruleId().equals(rule.id())).toList();
      assertThat(found).as("%s on %s", rule.id(), file).isEmpty();
    }
  }

  /** Each entry of the folder is a case: a file, or a directory scanned as one repository. */
  private static List<Path> files(Path dir) throws IOException {
    assertThat(dir).as("fixture folder").isDirectory();
    try (Stream<Path> s = Files.list(dir)) {
      List<Path> cases = s.sorted().toList();
      assertThat(cases).as("cases in %s", dir).isNotEmpty();
      return cases;
    }
  }

  /**
   * Scans one case with default settings; a case directory holding a
   * {@code .trusted-registries} file (one registry per line) sets {@code trustedRegistries}.
   */
  private static List<Finding> scan(Path target) throws IOException {
    ScanSettings settings = ScanSettings.defaults().withThreads(1);
    Path trusted = target.resolve(".trusted-registries");
    if (Files.isDirectory(target) && Files.isRegularFile(trusted)) {
      settings = settings.withTrustedRegistries(Files.readAllLines(trusted).stream()
          .map(String::trim).filter(l -> !l.isEmpty()).toList());
    }
    return Scanner.create(settings).scan(List.of(target)).findings();
  }
}
