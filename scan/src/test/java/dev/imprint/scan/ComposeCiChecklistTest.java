package dev.imprint.scan;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Maps each docker-compose and CI line of RULES-CHECKLIST.md (C1..C7, CI1..CI8; of CI8 the
 * Jenkinsfile part, Packer belongs to the Packer reader) to the rules that cover it.
 */
class ComposeCiChecklistTest {
  static final Map<String, List<String>> COVERAGE = new LinkedHashMap<>();

  static {
    COVERAGE.put("C1", List.of("IMP-COMPOSE-001"));
    COVERAGE.put("C2", List.of("IMP-COMPOSE-002"));
    COVERAGE.put("C3", List.of("IMP-COMPOSE-003"));
    COVERAGE.put("C4", List.of("IMP-COMPOSE-004", "IMP-COMPOSE-005"));
    COVERAGE.put("C5", List.of("IMP-COMPOSE-006"));
    COVERAGE.put("C6", List.of("IMP-COMPOSE-007", "IMP-COMPOSE-008", "IMP-COMPOSE-009"));
    COVERAGE.put("C7", List.of("IMP-COMPOSE-010", "IMP-COMPOSE-011"));
    COVERAGE.put("CI1", List.of("IMP-GHA-001", "IMP-GHA-002"));
    COVERAGE.put("CI2", List.of("IMP-GHA-003"));
    COVERAGE.put("CI3", List.of("IMP-GHA-004"));
    COVERAGE.put("CI4", List.of("IMP-GHA-005", "IMP-GHA-009"));
    // Secrets leaving through the log (echo, debug trace) count with those sent over the wire.
    COVERAGE.put("CI5", List.of("IMP-GHA-006", "IMP-GHA-010", "IMP-GITLAB-005",
        "IMP-GITLAB-004", "IMP-GITLAB-006", "IMP-JENKINS-004"));
    COVERAGE.put("CI6", List.of("IMP-GHA-007", "IMP-GITLAB-001", "IMP-JENKINS-005"));
    COVERAGE.put("CI7", List.of("IMP-GHA-008", "IMP-GHA-011", "IMP-GITLAB-003",
        "IMP-GITLAB-002", "IMP-JENKINS-003"));
    COVERAGE.put("CI8", List.of("IMP-JENKINS-001", "IMP-JENKINS-002", "IMP-JENKINS-003",
        "IMP-JENKINS-004"));
  }

  @Test
  void everyComposeAndCiChecklistLineIsCoveredByACatalogRule() {
    assertThat(COVERAGE.keySet()).containsExactly("C1", "C2", "C3", "C4", "C5", "C6", "C7",
        "CI1", "CI2", "CI3", "CI4", "CI5", "CI6", "CI7", "CI8");
    COVERAGE.forEach((label, ids) -> ids.forEach(id ->
        assertThat(Catalog.rule(id)).as("%s -> %s", label, id).isPresent()));
  }

  @Test
  void everyComposeAndCiRuleCoversSomeChecklistLine() {
    List<String> mapped = COVERAGE.values().stream().flatMap(List::stream).toList();
    List<String> ours = Catalog.rules().stream().map(Rule::id)
        .filter(id -> id.matches("IMP-(COMPOSE|GHA|GITLAB|JENKINS)-\\d{3}")).toList();
    assertThat(mapped).containsAll(ours);
  }
}
