package dev.imprint.scan;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every rule of the catalog has fixtures under {@code src/test/resources/rules/<ID>/}: the files
 * in {@code positive/} must make the rule fire, the files in {@code negative/} must not. Each
 * folder is scanned as a whole with every analyzer, as a user's repository would be.
 *
 * <p>A positive fixture marks the lines a rule must point at: a trailing comment
 * {@code # expect: IMP-K8S-012} (or {@code // expect: ...}) on the offending line, or a comment
 * line {@code # expect-next: IMP-DOCKER-001} before it (for formats whose values would swallow a
 * trailing comment). In a file that marks a rule, that rule's findings must sit exactly on the
 * marked lines. The rules of {@link #LINE_CHECKED} families must mark at least one line.
 */
class RuleFixturesTest {
  static final Path FIXTURES = Path.of("src/test/resources/rules");
  /** Families whose findings are asserted at the offending line. */
  static final Pattern LINE_CHECKED =
      Pattern.compile("IMP-(K8S|COMPOSE|DOCKER|GHA|GITLAB|JENKINS|PACKER)-\\d{3}");
  private static final Pattern EXPECT = Pattern.compile(
      "(?:#|//)\\s*expect(-next)?:\\s*(IMP-[A-Z0-9]+-\\d{3}(?:\\s*,\\s*IMP-[A-Z0-9]+-\\d{3})*)");

  @TestFactory
  Stream<DynamicTest> everyRuleFiresOnItsPositiveFixturesAndNotOnItsNegativeOnes() {
    return Catalog.rules().stream().flatMap(rule -> Stream.of(
        DynamicTest.dynamicTest(rule.id() + " fires on positive fixtures",
            () -> assertFires(rule, FIXTURES.resolve(rule.id()).resolve("positive"))),
        DynamicTest.dynamicTest(rule.id() + " stays quiet on negative fixtures",
            () -> assertQuiet(rule, FIXTURES.resolve(rule.id()).resolve("negative")))));
  }

  private static void assertFires(Rule rule, Path dir) throws IOException {
    int marked = 0;
    for (Path file : files(dir)) {
      List<Finding> found = scan(file).stream()
          .filter(f -> f.ruleId().equals(rule.id())).toList();
      assertThat(found).as("%s on %s", rule.id(), file).isNotEmpty();
      marked += assertLines(rule, file, found);
    }
    if (LINE_CHECKED.matcher(rule.id()).matches()) {
      assertThat(marked).as("%s: positive fixtures must mark the lines it points at with "
          + "'# expect: %s'", rule.id(), rule.id()).isPositive();
    }
  }

  /**
   * Checks the rule's findings in each fixture file that marks it against the marked lines;
   * returns how many lines were marked.
   */
  private static int assertLines(Rule rule, Path fixture, List<Finding> found)
      throws IOException {
    List<Path> sources;
    try (Stream<Path> s = Files.walk(fixture)) {
      sources = s.filter(Files::isRegularFile).sorted().toList();
    }
    int marked = 0;
    for (Path source : sources) {
      Set<Integer> expected = expectedLines(rule.id(), source);
      if (expected.isEmpty()) {
        continue;
      }
      marked += expected.size();
      // Fixtures are scanned by relative path, so a finding's path is the file's path.
      String path = source.normalize().toString().replace('\\', '/');
      Set<Integer> actual = new TreeSet<>();
      for (Finding f : found) {
        if (f.location().path().equals(path)) {
          actual.add(f.location().line());
        }
      }
      assertThat(actual).as("lines of %s in %s", rule.id(), source)
          .containsExactlyElementsOf(expected);
    }
    return marked;
  }

  /** The lines a fixture file marks for a rule. */
  static Set<Integer> expectedLines(String ruleId, Path source) throws IOException {
    Set<Integer> lines = new TreeSet<>();
    List<String> text;
    try {
      text = Files.readAllLines(source);
    } catch (java.nio.charset.MalformedInputException e) {
      return lines;
    }
    Integer pending = null;
    for (int i = 0; i < text.size(); i++) {
      String l = text.get(i);
      String t = l.strip();
      if (pending != null && !t.isEmpty() && !t.startsWith("#") && !t.startsWith("//")) {
        lines.add(i + 1);
        pending = null;
      }
      Matcher m = EXPECT.matcher(l);
      if (m.find() && List.of(m.group(2).split("\\s*,\\s*")).contains(ruleId)) {
        if (m.group(1) != null) {
          pending = i;
        } else {
          lines.add(i + 1);
        }
      }
    }
    return lines;
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
