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
    // Capabilities that are never dropped are the other side of cap_add.
    COVERAGE.put("C4", List.of("IMP-COMPOSE-004", "IMP-COMPOSE-005", "IMP-COMPOSE-011"));
    // A debugger published on all interfaces is the worst port to publish.
    COVERAGE.put("C5", List.of("IMP-COMPOSE-006", "IMP-COMPOSE-012"));
    COVERAGE.put("C6", List.of("IMP-COMPOSE-007", "IMP-COMPOSE-008", "IMP-COMPOSE-009"));
    COVERAGE.put("C7", List.of("IMP-COMPOSE-010", "IMP-COMPOSE-013"));
    COVERAGE.put("CI1", List.of("IMP-GHA-001", "IMP-GHA-002"));
    // A script downloaded and piped into a shell is third-party code run unpinned, like an
    // action pinned to a movable tag.
    COVERAGE.put("CI2", List.of("IMP-GHA-003", "IMP-GHA-012", "IMP-GITLAB-007"));
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

  /**
   * Where each mapped rule fires on its bad examples ({@code rules/<ID>/positive}), as
   * {@code file:line}: written down here, checked against the scanner, and nowhere else.
   */
  static final Map<String, List<String>> FIRES_AT = Map.ofEntries(
      Map.entry("IMP-COMPOSE-001", List.of("docker-compose.yml:4")),
      Map.entry("IMP-COMPOSE-002", List.of("compose.yaml:5", "docker-compose.long.yml:6",
          "variable/compose.yaml:5")),
      Map.entry("IMP-COMPOSE-003", List.of("docker-compose.yml:4", "docker-compose.yml:5")),
      Map.entry("IMP-COMPOSE-004", List.of("docker-compose.yml:2")),
      Map.entry("IMP-COMPOSE-005", List.of("docker-compose.yml:6", "docker-compose.yml:9")),
      Map.entry("IMP-COMPOSE-006", List.of("compose.long.yaml:6", "docker-compose.yml:5")),
      Map.entry("IMP-COMPOSE-007", List.of("docker-compose.yml:3", "docker-compose.yml:5")),
      Map.entry("IMP-COMPOSE-008", List.of("docker-compose.yml:3")),
      Map.entry("IMP-COMPOSE-009", List.of("docker-compose.yml:4")),
      Map.entry("IMP-COMPOSE-010", List.of("command.compose.yaml:4", "command.compose.yaml:8",
          "compose.list.yaml:6", "docker-compose.yml:6")),
      Map.entry("IMP-COMPOSE-013", List.of("committed/docker-compose.yml:9")),
      Map.entry("IMP-GHA-001", List.of("job-level/.github/workflows/ci.yaml:7",
          "repo/.github/workflows/release.yml:3")),
      Map.entry("IMP-GHA-002", List.of("repo/.github/workflows/ci.yml:2",
          "some-jobs/.github/workflows/ci.yml:9")),
      Map.entry("IMP-GHA-003", List.of("repo/.github/workflows/ci.yml:10",
          "repo/.github/workflows/ci.yml:12", "repo/.github/workflows/ci.yml:8",
          "repo/.github/workflows/ci.yml:9")),
      Map.entry("IMP-GHA-004", List.of("repo/.github/workflows/legacy.yml:5")),
      Map.entry("IMP-GHA-005", List.of("pr/.github/workflows/pr.yml:8",
          "pr/.github/workflows/pr.yml:8", "repo/.github/workflows/triage.yml:13",
          "repo/.github/workflows/triage.yml:18")),
      Map.entry("IMP-GHA-006", List.of("oidc/.github/workflows/deploy.yml:13",
          "oidc/.github/workflows/deploy.yml:15", "oidc/.github/workflows/deploy.yml:17",
          "oidc/.github/workflows/deploy.yml:21", "oidc/.github/workflows/deploy.yml:24",
          "repo/.github/workflows/ci.yml:10", "repo/.github/workflows/ci.yml:11",
          "repo/.github/workflows/ci.yml:12", "repo/.github/workflows/ci.yml:13",
          "repo/.github/workflows/ci.yml:14",
          "service/.github/workflows/release.yml:11",
          "service/.github/workflows/release.yml:12")),
      Map.entry("IMP-GHA-007", List.of("repo/.github/workflows/ci.yml:10",
          "repo/.github/workflows/ci.yml:7")),
      Map.entry("IMP-GHA-008", List.of("repo/.github/workflows/deploy.yml:13",
          "repo/.github/workflows/deploy.yml:17", "repo/.github/workflows/deploy.yml:20")),
      Map.entry("IMP-GHA-009", List.of("issue-comment/.github/workflows/ops.yml:12",
          "repo/.github/workflows/pr-target.yml:11",
          "workflow-run/.github/workflows/after-ci.yml:14")),
      Map.entry("IMP-GHA-010", List.of("repo/.github/workflows/ci.yml:8",
          "repo/.github/workflows/ci.yml:9")),
      Map.entry("IMP-GHA-011", List.of("repo/.github/workflows/ci.yml:11",
          "repo/.github/workflows/ci.yml:5", "repo/.github/workflows/publish.yml:12")),
      Map.entry("IMP-GHA-012", List.of("repo/.github/workflows/ci.yml:10",
          "repo/.github/workflows/ci.yml:14")),
      Map.entry("IMP-GITLAB-001", List.of(".gitlab-ci.yml:1", ".gitlab-ci.yml:3",
          "deploy.gitlab-ci.yml:3", "include/ci/deploy.yml:3",
          "include/ci/templates/test.yml:3")),
      Map.entry("IMP-GITLAB-002", List.of(".gitlab-ci.yml:2", ".gitlab-ci.yml:5",
          ".gitlab-ci.yml:8")),
      Map.entry("IMP-GITLAB-003", List.of(".gitlab-ci.yml:4", "vars.gitlab-ci.yml:2")),
      Map.entry("IMP-GITLAB-004", List.of(".gitlab-ci.yml:3", ".gitlab-ci.yml:4")),
      Map.entry("IMP-GITLAB-005", List.of(".gitlab-ci.yml:3", ".gitlab-ci.yml:4",
          "tokens/.gitlab-ci.yml:6", "tokens/.gitlab-ci.yml:7", "tokens/.gitlab-ci.yml:8",
          "tokens/.gitlab-ci.yml:9")),
      Map.entry("IMP-GITLAB-006", List.of(".gitlab-ci.yml:2", "include/ci/nested.yml:3")),
      Map.entry("IMP-GITLAB-007", List.of(".gitlab-ci.yml:6", ".gitlab-ci.yml:14")),
      Map.entry("IMP-JENKINS-001", List.of("Jenkinsfile:8", "deploy.Jenkinsfile:11")),
      Map.entry("IMP-JENKINS-002", List.of("Jenkinsfile:3", "Jenkinsfile:5")),
      Map.entry("IMP-JENKINS-003", List.of("Jenkinsfile:4", "Jenkinsfile:5")),
      Map.entry("IMP-JENKINS-004", List.of("Jenkinsfile:3", "Jenkinsfile:5")),
      Map.entry("IMP-JENKINS-005", List.of("Jenkinsfile:12", "Jenkinsfile:4")),
      Map.entry("IMP-COMPOSE-011", List.of("docker-compose.yml:2", "docker-compose.yml:8")),
      Map.entry("IMP-COMPOSE-012", List.of("docker-compose.yml:15", "docker-compose.yml:19",
          "docker-compose.yml:7")));

  @Test
  void everyMappedRuleFiresAtTheWrittenLinesOnItsBadExamplesAndStaysQuietOnItsGoodOnes() {
    ChecklistEvidence.assertEnforced(COVERAGE, FIRES_AT);
  }
}
