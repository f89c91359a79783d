package dev.imprint.scan.dockerfile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imprint.scan.Catalog;
import dev.imprint.scan.ChecklistEvidence;
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

  /** Rules beyond the checklist's lines. */
  static final List<String> EXTRAS = List.of("IMP-DOCKER-026");

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
    for (Rule r : new DockerfileAnalyzer().rules()) {
      assertThat(mapped.contains(r.id()) || EXTRAS.contains(r.id())).as(r.id()).isTrue();
    }
  }

  /**
   * Where each mapped rule fires on its bad examples ({@code rules/<ID>/positive}), as
   * {@code file:line}: written down here, checked against the scanner, and nowhere else.
   */
  static final Map<String, List<String>> FIRES_AT = Map.ofEntries(
      Map.entry("IMP-DOCKER-001", List.of("Dockerfile:2", "api.Dockerfile:3")),
      Map.entry("IMP-DOCKER-002", List.of("Containerfile:3", "Dockerfile:2")),
      Map.entry("IMP-DOCKER-003", List.of("Dockerfile.ci:3", "Dockerfile:2")),
      Map.entry("IMP-DOCKER-004", List.of("repo/Dockerfile:2", "repo/Dockerfile:4")),
      Map.entry("IMP-DOCKER-005", List.of("Dockerfile:3", "app.Dockerfile:3", "app.Dockerfile:5",
          "onbuild.Dockerfile:3")),
      Map.entry("IMP-DOCKER-006", List.of("Dockerfile:3")),
      Map.entry("IMP-DOCKER-007", List.of("Dockerfile:3", "api.Dockerfile:3",
          "env.Dockerfile:3")),
      Map.entry("IMP-DOCKER-008", List.of("Dockerfile.gcp:4", "Dockerfile:3",
          "app.Dockerfile:3", "history/Dockerfile:2", "history/Dockerfile:3",
          "history/Dockerfile:4")),
      Map.entry("IMP-DOCKER-009", List.of("Dockerfile:3", "app.Dockerfile:3")),
      Map.entry("IMP-DOCKER-010", List.of("Dockerfile:5", "api.Dockerfile:4")),
      Map.entry("IMP-DOCKER-011", List.of("Containerfile:3", "Dockerfile:5", "app.Dockerfile:3")),
      Map.entry("IMP-DOCKER-012", List.of("Dockerfile:2", "api.Dockerfile:4")),
      Map.entry("IMP-DOCKER-013", List.of("Dockerfile:3")),
      Map.entry("IMP-DOCKER-014", List.of("Dockerfile:3", "app.Dockerfile:4")),
      Map.entry("IMP-DOCKER-015", List.of("Dockerfile:3", "app.Dockerfile:3",
          "base.Dockerfile:3")),
      Map.entry("IMP-DOCKER-016", List.of("Containerfile:3", "Containerfile:3", "Dockerfile:3",
          "alpine.Dockerfile:3")),
      Map.entry("IMP-DOCKER-017", List.of("Dockerfile:3", "app.Dockerfile:3",
          "script-repo/Dockerfile:5")),
      Map.entry("IMP-DOCKER-018", List.of("Containerfile:3", "Dockerfile:3",
          "alpine.Dockerfile:3", "go.Dockerfile:3", "node.Dockerfile:3", "py.Dockerfile:3",
          "ruby.Dockerfile:3", "suse.Dockerfile:3")),
      Map.entry("IMP-DOCKER-019", List.of("Dockerfile.sub:3", "Dockerfile:3",
          "app.Dockerfile:4")),
      Map.entry("IMP-DOCKER-020", List.of("Dockerfile:3", "app.Dockerfile:3")),
      Map.entry("IMP-DOCKER-021", List.of("Containerfile:3", "Dockerfile:3", "git.Dockerfile:3",
          "gitcfg.Dockerfile:3", "node.Dockerfile:3", "npm.Dockerfile:3", "pip.Dockerfile:3",
          "py.Dockerfile:3", "wget.Dockerfile:3")),
      Map.entry("IMP-DOCKER-022", List.of("Containerfile:3", "Dockerfile:3", "apt.Dockerfile:3",
          "force.Dockerfile:3", "repo.Dockerfile:3", "rpm.Dockerfile:3")),
      Map.entry("IMP-DOCKER-023", List.of("Dockerfile:3")),
      Map.entry("IMP-DOCKER-024", List.of("Dockerfile:3", "git.Dockerfile:3")),
      Map.entry("IMP-DOCKER-025", List.of("Dockerfile:3", "alpine.Dockerfile:3",
          "arch.Dockerfile:3", "rpm.Dockerfile:3", "rpm.Dockerfile:5", "suse.Dockerfile:3")),
      Map.entry("IMP-DOCKER-026", List.of("Dockerfile:3", "curl.Dockerfile:3",
          "env.Dockerfile:3", "git.Dockerfile:3")),
      Map.entry("IMP-DOCKER-027", List.of("Dockerfile:3", "heredoc.Dockerfile:5")),
      Map.entry("IMP-DOCKER-028", List.of("Dockerfile:3", "exported/Dockerfile:5")),
      Map.entry("IMP-DOCKER-029", List.of("secrets-json/Dockerfile:3", "ssh-key/Dockerfile:4")));

  @Test
  void everyMappedRuleFiresAtTheWrittenLinesOnItsBadExamplesAndStaysQuietOnItsGoodOnes() {
    Map<String, List<String>> all = new LinkedHashMap<>(COVERAGE);
    all.put("beyond the checklist", EXTRAS);
    ChecklistEvidence.assertEnforced(all, FIRES_AT);
  }
}
