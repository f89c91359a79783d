package dev.imprint.scan;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imprint.scan.azure.AzureAnalyzer;
import dev.imprint.scan.gcp.GcpAnalyzer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Every "GCP:" and "Azure:" item of the checklist's last section is covered by at least one
 * rule, and every GCP and Azure rule covers some item. The checklist gives these items no
 * labels; GCP1..GCP5 and AZ1..AZ3 number them in the checklist's order.
 */
class GcpAzureChecklistTest {
  /** Label -> (checklist wording, rule ids). */
  static final Map<String, Map.Entry<String, List<String>>> COVERAGE = new LinkedHashMap<>();

  static {
    map("GCP1", "google_service_account_key (long-lived key)", "IMP-GCP-001", "IMP-GCP-002",
        "IMP-GCP-010");
    map("GCP2", "primitive roles (owner/editor) on service accounts", "IMP-GCP-003");
    map("GCP3", "iam.serviceAccountUser / serviceAccountTokenCreator granted broadly",
        "IMP-GCP-004", "IMP-GCP-005");
    map("GCP4", "default compute service account used with the cloud-platform scope",
        "IMP-GCP-006");
    map("GCP5", "workload identity pool provider without an attribute condition",
        "IMP-GCP-007");
    map("AZ1", "client secrets on applications/service principals (prefer federated "
        + "credentials)", "IMP-AZURE-001", "IMP-AZURE-002", "IMP-AZURE-007");
    map("AZ2", "Owner/Contributor at subscription scope", "IMP-AZURE-003");
    map("AZ3", "managed identity missing where a secret is used", "IMP-AZURE-004",
        "IMP-AZURE-007");
  }

  /** Rules that go beyond the checklist's items, with the reason they exist. */
  static final Map<String, String> BEYOND = Map.ofEntries(
      Map.entry("IMP-GCP-008", "secrets in VM startup scripts (GCP counterpart of A7)"),
      Map.entry("IMP-GCP-009", "startup script that downloads and runs code (like D16)"),
      Map.entry("IMP-AZURE-005", "the federated credential replacing a secret is narrow"),
      Map.entry("IMP-AZURE-006", "a Key Vault secret whose value is written in the code"),
      Map.entry("IMP-GCP-011", "workload identity for a default KSA, namespace or pool"),
      Map.entry("IMP-GCP-012", "Docker tags that can move in Artifact Registry"),
      Map.entry("IMP-GCP-013", "firewalls open to the internet (like A34-A38)"),
      Map.entry("IMP-GCP-014", "Cloud SQL authorized for 0.0.0.0/0 (like A38)"),
      Map.entry("IMP-GCP-015", "GKE legacy ABAC (no Kubernetes RBAC, like K9)"),
      Map.entry("IMP-GCP-016", "GKE control plane open to all (like A42)"),
      Map.entry("IMP-AZURE-008", "NSG open for SSH/RDP (like A34, A35)"),
      Map.entry("IMP-AZURE-009", "custom role with every action (like A11)"),
      Map.entry("IMP-AZURE-010", "AKS without Kubernetes RBAC"));

  private static void map(String label, String item, String... ids) {
    COVERAGE.put(label, Map.entry(item, List.of(ids)));
  }

  @Test
  void everyGcpAndAzureChecklistItemIsMapped() {
    assertThat(COVERAGE.keySet()).containsExactly("GCP1", "GCP2", "GCP3", "GCP4", "GCP5",
        "AZ1", "AZ2", "AZ3");
    assertThat(COVERAGE.values()).allSatisfy(e -> assertThat(e.getValue()).isNotEmpty());
  }

  @Test
  void everyMappedRuleIsInTheCatalog() {
    Set<String> catalog = Catalog.rules().stream().map(Rule::id).collect(Collectors.toSet());
    COVERAGE.forEach((label, e) ->
        assertThat(catalog).as("rules for %s (%s)", label, e.getKey()).containsAll(e.getValue()));
    assertThat(catalog).containsAll(BEYOND.keySet());
  }

  @Test
  void everyGcpAndAzureRuleCoversAnItemOrIsExplained() {
    Set<String> mapped = new java.util.HashSet<>(COVERAGE.values().stream()
        .flatMap(e -> e.getValue().stream()).toList());
    mapped.addAll(BEYOND.keySet());
    assertThat(new GcpAnalyzer().rules()).extracting(Rule::id).allMatch(mapped::contains);
    assertThat(new AzureAnalyzer().rules()).extracting(Rule::id).allMatch(mapped::contains);
  }

  @Test
  void everyCatalogRuleInTheGcpAndAzureAreasBelongsToTheirAnalyzers() {
    Set<String> owned = new java.util.HashSet<>();
    new GcpAnalyzer().rules().forEach(r -> owned.add(r.id()));
    new AzureAnalyzer().rules().forEach(r -> owned.add(r.id()));
    assertThat(Catalog.rules()).extracting(Rule::id)
        .filteredOn(id -> id.startsWith("IMP-GCP-") || id.startsWith("IMP-AZURE-"))
        .containsExactlyInAnyOrderElementsOf(owned);
  }

  /**
   * Where each mapped rule fires on its bad examples ({@code rules/<ID>/positive}), as
   * {@code file:line}: written down here, checked against the scanner, and nowhere else.
   */
  static final Map<String, List<String>> FIRES_AT = Map.ofEntries(
      Map.entry("IMP-AZURE-001", List.of("app.tf:5", "sp.tf:1")),
      Map.entry("IMP-AZURE-002", List.of("aks.tf:9", "backend.tf:6", "providers.tf:6")),
      Map.entry("IMP-AZURE-003", List.of("literal.tf:2", "mg.tf:2",
          "role-and-scope-from-variables/main.tf:15", "sub.tf:4")),
      Map.entry("IMP-AZURE-004", List.of("function.tf:15", "webapp.tf:9")),
      Map.entry("IMP-AZURE-005", List.of("flexible.tf:6", "pull-request.tf:7", "wildcard.tf:6")),
      Map.entry("IMP-AZURE-006", List.of("main.tf:3")),
      Map.entry("IMP-AZURE-007", List.of("main.tf:13")),
      Map.entry("IMP-AZURE-008", List.of("main.tf:14", "main.tf:39", "main.tf:53")),
      Map.entry("IMP-AZURE-009", List.of("main.tf:6")),
      Map.entry("IMP-AZURE-010", List.of("legacy.tf:9", "main.tf:6")),
      Map.entry("IMP-GCP-001", List.of("keys.tf:6", "uploaded/main.tf:1")),
      Map.entry("IMP-GCP-002", List.of("file/main.tf:7", "k8s/main.tf:9", "output/outputs.tf:2")),
      Map.entry("IMP-GCP-003", List.of("org-binding.tf:5", "org-binding.tf:6", "policy-data.tf:4",
          "project.tf:8", "role-from-variable/main.tf:5")),
      Map.entry("IMP-GCP-004", List.of("domain.tf:4", "project.tf:4")),
      Map.entry("IMP-GCP-005", List.of("acl.tf:12", "acl.tf:18", "acl.tf:31", "acl.tf:38",
          "acl.tf:5", "bucket.tf:4", "run.tf:5")),
      Map.entry("IMP-GCP-006", List.of("gke.tf:7", "template.tf:14", "vm.tf:17")),
      Map.entry("IMP-GCP-007", List.of("github.tf:1", "ref-only.tf:5", "trivial.tf:4")),
      Map.entry("IMP-GCP-008", List.of("template.tf:13", "vm.tf:18")),
      Map.entry("IMP-GCP-009", List.of("item.tf:5", "vm.tf:17")),
      Map.entry("IMP-GCP-010", List.of("main.tf:5")),
      Map.entry("IMP-GCP-011", List.of("main.tf:17", "main.tf:25", "main.tf:31", "main.tf:9")),
      Map.entry("IMP-GCP-012", List.of("main.tf:1", "main.tf:14")),
      Map.entry("IMP-GCP-013", List.of("main.tf:10", "main.tf:23", "main.tf:28")),
      Map.entry("IMP-GCP-014", List.of("main.tf:19")),
      Map.entry("IMP-GCP-015", List.of("main.tf:5")),
      Map.entry("IMP-GCP-016", List.of("main.tf:12")));

  @Test
  void everyMappedRuleFiresAtTheWrittenLinesOnItsBadExamplesAndStaysQuietOnItsGoodOnes() {
    ChecklistEvidence.assertEnforced(coverage(), FIRES_AT);
  }

  /** The items and the rules beyond them, as label -> rule ids. */
  private static Map<String, List<String>> coverage() {
    Map<String, List<String>> all = new LinkedHashMap<>();
    COVERAGE.forEach((label, e) -> all.put(label, e.getValue()));
    BEYOND.keySet().forEach(id -> all.put("beyond the checklist: " + id, List.of(id)));
    return all;
  }
}
