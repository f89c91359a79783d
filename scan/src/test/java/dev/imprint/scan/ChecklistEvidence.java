package dev.imprint.scan;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Shows that a checklist line is enforced, not only mapped: each rule mapped to it fires on its
 * bad examples ({@code rules/<ID>/positive}) at exactly the lines written down in the checklist
 * test, and stays quiet on its good ones ({@code rules/<ID>/negative}). A place is the path of
 * the file under {@code positive/} and the line, e.g. {@code pod.yaml:7}.
 */
public final class ChecklistEvidence {
  private static final Path FIXTURES = Path.of("src/test/resources/rules");

  private ChecklistEvidence() {}

  /**
   * Asserts, for every rule of {@code coverage}, that {@code places} holds where it fires and
   * that it fires there and nowhere else on its bad examples and never on its good ones.
   */
  public static void assertEnforced(Map<String, List<String>> coverage,
      Map<String, List<String>> places) {
    List<String> mapped = coverage.values().stream().flatMap(List::stream).distinct().toList();
    assertThat(mapped).as("rules mapped to checklist lines").isNotEmpty();
    assertThat(places.keySet()).as("rules with written-down lines")
        .containsExactlyInAnyOrderElementsOf(mapped);
    coverage.forEach((label, ids) -> ids.forEach(id -> {
      assertThat(fired(id, "positive")).as("%s: where %s fires on its bad examples", label, id)
          .containsExactlyInAnyOrderElementsOf(places.get(id));
      assertThat(fired(id, "negative")).as("%s: %s on its good examples", label, id).isEmpty();
    }));
  }

  /** Where rule {@code id} fires on the cases under {@code rules/<id>/<kind>}. */
  public static List<String> fired(String id, String kind) {
    Path dir = FIXTURES.resolve(id).resolve(kind);
    List<String> places = new ArrayList<>();
    for (Path c : cases(dir)) {
      for (Finding f : scan(c).findings()) {
        if (f.ruleId().equals(id)) {
          String path = f.location().path();
          String prefix = dir.toString().replace('\\', '/') + "/";
          places.add((path.startsWith(prefix) ? path.substring(prefix.length()) : path) + ":"
              + f.location().line());
        }
      }
    }
    return places;
  }

  private static List<Path> cases(Path dir) {
    assertThat(dir).as("fixture folder").isDirectory();
    try (Stream<Path> s = Files.list(dir)) {
      List<Path> cases = s.sorted().toList();
      assertThat(cases).as("cases in %s", dir).isNotEmpty();
      return cases;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static ScanReport scan(Path target) {
    ScanSettings settings = ScanSettings.defaults().withThreads(1);
    Path trusted = target.resolve(".trusted-registries");
    try {
      if (Files.isDirectory(target) && Files.isRegularFile(trusted)) {
        settings = settings.withTrustedRegistries(Files.readAllLines(trusted).stream()
            .map(String::trim).filter(l -> !l.isEmpty()).toList());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return Scanner.create(settings).scan(List.of(target));
  }
}
