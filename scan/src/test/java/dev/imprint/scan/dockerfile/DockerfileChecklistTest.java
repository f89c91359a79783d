package dev.imprint.scan.dockerfile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imprint.scan.Catalog;
import dev.imprint.scan.Rule;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every Dockerfile line of RULES-CHECKLIST.md (D1..D22) is covered by at least one rule. */
class DockerfileChecklistTest {
  static final Map<String, List<String>> COVERAGE = new LinkedHashMap<>();

  static {
    COVERAGE.put("D1", List.of("IMP-DOCKER-001"));
    COVERAGE.put("D2", List.of("IMP-DOCKER-002"));
    COVERAGE.put("D3", List.of("IMP-DOCKER-003"));
    COVERAGE.put("D4", List.of("IMP-DOCKER-004"));
    COVERAGE.put("D5", List.of("IMP-DOCKER-005", "IMP-DOCKER-006", "IMP-DOCKER-027"));
    COVERAGE.put("D6", List.of("IMP-DOCKER-008", "IMP-DOCKER-029"));
    COVERAGE.put("D7", List.of("IMP-DOCKER-007", "IMP-DOCKER-028"));
    COVERAGE.put("D8", List.of("IMP-DOCKER-009"));
    COVERAGE.put("D9", List.of("IMP-DOCKER-010"));
    COVERAGE.put("D10", List.of("IMP-DOCKER-011"));
    COVERAGE.put("D11", List.of("IMP-DOCKER-012"));
    COVERAGE.put("D12", List.of("IMP-DOCKER-013"));
    COVERAGE.put("D13", List.of("IMP-DOCKER-014"));
    COVERAGE.put("D14", List.of("IMP-DOCKER-015"));
    COVERAGE.put("D15", List.of("IMP-DOCKER-016"));
    COVERAGE.put("D16", List.of("IMP-DOCKER-017"));
    COVERAGE.put("D17", List.of("IMP-DOCKER-018"));
    COVERAGE.put("D18", List.of("IMP-DOCKER-019", "IMP-DOCKER-020"));
    COVERAGE.put("D19", List.of("IMP-DOCKER-021"));
    COVERAGE.put("D20", List.of("IMP-DOCKER-022"));
    COVERAGE.put("D21", List.of("IMP-DOCKER-023", "IMP-DOCKER-024"));
    COVERAGE.put("D22", List.of("IMP-DOCKER-025"));
  }

  @Test
  void everyDockerfileChecklistLineMapsToRulesInTheCatalog() {
    for (int d = 1; d <= 22; d++) {
      assertThat(COVERAGE).containsKey("D" + d);
    }
    List<String> ids = Catalog.rules().stream().map(Rule::id).toList();
    COVERAGE.forEach((label, rules) -> assertThat(ids).as(label).containsAll(rules));
  }

  @Test
  void everyDockerRuleIsOnTheChecklistOrADocumentedExtra() {
    List<String> mapped = COVERAGE.values().stream().flatMap(List::stream).toList();
    List<String> extras = List.of("IMP-DOCKER-026");
    for (Rule r : new DockerfileAnalyzer().rules()) {
      assertThat(mapped.contains(r.id()) || extras.contains(r.id())).as(r.id()).isTrue();
    }
  }
}
