package dev.imprint.scan;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The catalog as a whole: its size, its ids, and the article case it was built for. */
class CatalogTest {

  @Test
  void catalogHoldsAtLeast120RulesWithUniqueStableIds() {
    List<Rule> rules = Catalog.rules();
    assertThat(rules).hasSizeGreaterThanOrEqualTo(120);
    assertThat(rules).extracting(Rule::id).doesNotHaveDuplicates().isSorted();
  }

  @Test
  void everyRuleIdNamesItsAreaAndEveryAreaNumbersFromOne() {
    Pattern id = Pattern.compile("IMP-([A-Z0-9]+)-(\\d{3})");
    Set<String> areas = Catalog.rules().stream()
        .map(r -> id.matcher(r.id()))
        .filter(m -> m.matches())
        .map(m -> m.group(1))
        .collect(Collectors.toSet());
    for (String area : areas) {
      assertThat(Catalog.rule("IMP-" + area + "-001")).as("first rule of " + area).isPresent();
    }
  }

  @Test
  void ruleLookupIgnoresCase() {
    String first = Catalog.rules().get(0).id();
    assertThat(Catalog.rule(first.toLowerCase(java.util.Locale.ROOT))).isPresent();
    assertThat(Catalog.rule("IMP-NOPE-999")).isEmpty();
  }

  @Test
  void theArticleDockerfileYieldsItsLatestImageAndACriticalRedactedPassword() {
    ScanReport r = Scanner.create(ScanSettings.defaults())
        .scan(List.of(Path.of("../examples/article/Dockerfile")));
    assertThat(r.findings()).anySatisfy(f -> {
      assertThat(f.message()).contains("ubuntu:latest");
      assertThat(f.location().line()).isEqualTo(3);
    });
    assertThat(r.findings()).anySatisfy(f -> {
      assertThat(f.severity()).isEqualTo(Severity.CRITICAL);
      assertThat(f.location().line()).isEqualTo(4);
      assertThat(f.secret()).isNotNull();
    });
    assertThat(r.findings()).allSatisfy(f -> {
      assertThat(f.message()).doesNotContain("ComplexPassword123");
      assertThat(String.valueOf(f.secret())).doesNotContain("ComplexPassword123");
    });
  }
}
