package dev.imprint.scan.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imprint.scan.Catalog;
import dev.imprint.scan.ChecklistEvidence;
import dev.imprint.scan.Rule;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Every Kubernetes line of the checklist (K1..K45) is covered by at least one rule. */
class KubernetesChecklistTest {
  static final Map<String, List<String>> COVERAGE = new LinkedHashMap<>();

  static {
    map("K1", "IMP-K8S-001");
    map("K2", "IMP-K8S-002");
    map("K3", "IMP-K8S-024");
    map("K4", "IMP-K8S-040");
    map("K5", "IMP-K8S-041");
    map("K6", "IMP-K8S-003");
    map("K7", "IMP-K8S-022");
    map("K8", "IMP-K8S-025");
    map("K9", "IMP-K8S-026");
    map("K10", "IMP-K8S-027");
    map("K11", "IMP-K8S-028");
    map("K12", "IMP-K8S-029");
    map("K13", "IMP-K8S-030");
    map("K14", "IMP-K8S-031");
    map("K15", "IMP-K8S-032");
    map("K16", "IMP-K8S-033");
    map("K17", "IMP-K8S-034");
    map("K18", "IMP-K8S-035");
    map("K19", "IMP-K8S-036");
    map("K20", "IMP-K8S-037");
    map("K21", "IMP-K8S-038");
    map("K22", "IMP-K8S-004");
    map("K23", "IMP-K8S-005", "IMP-K8S-045");
    map("K24", "IMP-K8S-006");
    map("K25", "IMP-K8S-007");
    map("K26", "IMP-K8S-008");
    map("K27", "IMP-K8S-009");
    map("K28", "IMP-K8S-010");
    map("K29", "IMP-K8S-011");
    map("K30", "IMP-K8S-012");
    map("K31", "IMP-K8S-013");
    map("K32", "IMP-K8S-014");
    map("K33", "IMP-K8S-015");
    map("K34", "IMP-K8S-016");
    map("K35", "IMP-K8S-017");
    map("K36", "IMP-K8S-042");
    map("K37", "IMP-K8S-043");
    map("K38", "IMP-K8S-018");
    map("K39", "IMP-K8S-018");
    map("K40", "IMP-K8S-019");
    map("K41", "IMP-K8S-023");
    map("K42", "IMP-K8S-020");
    map("K43", "IMP-K8S-021");
    map("K44", "IMP-K8S-039");
    map("K45", "IMP-K8S-044");
  }

  private static void map(String label, String... ids) {
    COVERAGE.put(label, List.of(ids));
  }

  @Test
  void everyChecklistLineFromK1ToK45IsMapped() {
    assertThat(COVERAGE.keySet()).containsExactlyElementsOf(
        IntStream.rangeClosed(1, 45).mapToObj(i -> "K" + i).toList());
  }

  @Test
  void everyMappedRuleIsInTheCatalog() {
    Set<String> catalog = Catalog.rules().stream().map(Rule::id).collect(Collectors.toSet());
    COVERAGE.forEach((label, ids) ->
        assertThat(catalog).as("rules for %s", label).containsAll(ids));
  }

  @Test
  void everyKubernetesRuleCoversSomeChecklistLine() {
    Set<String> mapped = COVERAGE.values().stream().flatMap(List::stream)
        .collect(Collectors.toSet());
    assertThat(new KubernetesAnalyzer().rules()).extracting(Rule::id).allMatch(mapped::contains);
  }

  /**
   * Where each mapped rule fires on its bad examples ({@code rules/<ID>/positive}), as
   * {@code file:line}: written down here, checked against the scanner, and nowhere else.
   */
  static final Map<String, List<String>> FIRES_AT = Map.ofEntries(
      Map.entry("IMP-K8S-001", List.of("deploy.yaml:15")),
      Map.entry("IMP-K8S-002", List.of("deploy.yaml:16")),
      Map.entry("IMP-K8S-003", List.of("deploy.yaml:16")),
      Map.entry("IMP-K8S-004", List.of("deploy.yaml:34", "envfrom.yaml:34")),
      Map.entry("IMP-K8S-005", List.of("command.yaml:15", "configmap.yaml:8", "deploy.yaml:33",
          "knative-configuration.yaml:13")),
      Map.entry("IMP-K8S-006", List.of("aws.yaml:33", "deploy.yaml:33")),
      Map.entry("IMP-K8S-007", List.of("deploy.yaml:25", "knative.yaml:12", "untagged.yaml:25")),
      Map.entry("IMP-K8S-008", List.of("deploy.yaml:25")),
      Map.entry("IMP-K8S-009", List.of("deploy.yaml:25")),
      Map.entry("IMP-K8S-010", List.of("repo/deploy.yaml:25")),
      Map.entry("IMP-K8S-011", List.of("deploy.yaml:28")),
      Map.entry("IMP-K8S-012", List.of("deploy.yaml:28")),
      Map.entry("IMP-K8S-013", List.of("deploy.yaml:24")),
      Map.entry("IMP-K8S-014", List.of("deploy.yaml:19", "low-uid.yaml:29")),
      Map.entry("IMP-K8S-015", List.of("deploy.yaml:23")),
      Map.entry("IMP-K8S-016", List.of("deploy.yaml:31", "no-drop.yaml:24")),
      Map.entry("IMP-K8S-017", List.of("deploy.yaml:37", "pv.yaml:10")),
      Map.entry("IMP-K8S-018", List.of("deploy.yaml:33", "service.yaml:7")),
      Map.entry("IMP-K8S-019", List.of("deploy.yaml:32")),
      Map.entry("IMP-K8S-020", List.of("deploy.yaml:5")),
      Map.entry("IMP-K8S-021", List.of("deploy.yaml:22", "unset.yaml:15")),
      Map.entry("IMP-K8S-022", List.of("secret.yaml:8")),
      Map.entry("IMP-K8S-023", List.of("tiller.yaml:25")),
      Map.entry("IMP-K8S-024", List.of("rolebinding.yaml:12")),
      Map.entry("IMP-K8S-025", List.of("clusterrolebinding.yaml:8")),
      Map.entry("IMP-K8S-026", List.of("role.yaml:8")),
      Map.entry("IMP-K8S-027", List.of("clusterrole.yaml:7")),
      Map.entry("IMP-K8S-028", List.of("role.yaml:8")),
      Map.entry("IMP-K8S-029", List.of("role.yaml:8")),
      Map.entry("IMP-K8S-030", List.of("role.yaml:8")),
      Map.entry("IMP-K8S-031", List.of("clusterrole.yaml:7")),
      Map.entry("IMP-K8S-032", List.of("clusterrole.yaml:7")),
      Map.entry("IMP-K8S-033", List.of("clusterrole.yaml:7")),
      Map.entry("IMP-K8S-034", List.of("clusterrole.yaml:10", "clusterrole.yaml:7")),
      Map.entry("IMP-K8S-035", List.of("clusterrole.yaml:7")),
      Map.entry("IMP-K8S-036", List.of("role.yaml:8")),
      Map.entry("IMP-K8S-037", List.of("clusterrolebinding.yaml:11")),
      Map.entry("IMP-K8S-038", List.of("role.yaml:8")),
      Map.entry("IMP-K8S-039", List.of("kube-apiserver.yaml:14", "no-key.yaml:12",
          "no-key.yaml:14")),
      Map.entry("IMP-K8S-040", List.of("repo/web.yaml:15", "repo/worker.yaml:15")),
      Map.entry("IMP-K8S-041", List.of("repo/manifests.yaml:21")),
      Map.entry("IMP-K8S-042", List.of("other-ns/deploy.yaml:1", "repo/deploy.yaml:1")),
      Map.entry("IMP-K8S-043", List.of("allow-all/deploy.yaml:32", "typo/deploy.yaml:28")),
      Map.entry("IMP-K8S-044", List.of("cluster-admin/deploy.yaml:15",
          "secrets-role/deploy.yaml:15")),
      Map.entry("IMP-K8S-045", List.of("db-credentials.yaml:9", "image-pull-secret.yaml:9",
          "sealed-secrets-key.yaml:12", "string-data.yaml:7", "string-data.yaml:8",
          "tls.yaml:10")));

  @Test
  void everyMappedRuleFiresAtTheWrittenLinesOnItsBadExamplesAndStaysQuietOnItsGoodOnes() {
    ChecklistEvidence.assertEnforced(COVERAGE, FIRES_AT);
  }
}
