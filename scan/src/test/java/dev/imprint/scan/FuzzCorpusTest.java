package dev.imprint.scan;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every fuzz test of the module replays a seed corpus in every build: without seeds, its
 * regression run would feed one empty input and prove next to nothing.
 */
class FuzzCorpusTest {
  private static final Pattern FUZZ_METHOD =
      Pattern.compile("@FuzzTest[^\\n]*\\n\\s*void (\\w+)\\(");

  @Test
  void everyFuzzTestHasSeeds() throws IOException {
    List<Path> classes;
    try (Stream<Path> s = Files.walk(Path.of("src/test/java"))) {
      classes = s.filter(p -> p.getFileName().toString().endsWith("FuzzTest.java")).toList();
    }
    assertThat(classes).as("fuzz test classes").hasSizeGreaterThanOrEqualTo(7);
    List<String> checked = new ArrayList<>();
    for (Path c : classes) {
      Matcher m = FUZZ_METHOD.matcher(Files.readString(c));
      String cls = c.getFileName().toString().replace(".java", "");
      Path inputs = Path.of("src/test/resources")
          .resolve(Path.of("src/test/java").relativize(c.getParent()))
          .resolve(cls + "Inputs");
      while (m.find()) {
        Path seeds = inputs.resolve(m.group(1));
        assertThat(seeds).as("seed corpus of %s.%s", cls, m.group(1)).isDirectory();
        try (Stream<Path> s = Files.list(seeds)) {
          assertThat(s.count()).as("seeds of %s.%s", cls, m.group(1)).isGreaterThan(3);
        }
        checked.add(cls + "." + m.group(1));
      }
    }
    assertThat(checked).as("fuzz test methods").hasSizeGreaterThanOrEqualTo(classes.size());
  }
}
