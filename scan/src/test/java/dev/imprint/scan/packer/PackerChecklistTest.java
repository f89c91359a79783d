package dev.imprint.scan.packer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imprint.scan.Catalog;
import dev.imprint.scan.ChecklistEvidence;
import dev.imprint.scan.Rule;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Maps the Packer lines of RULES-CHECKLIST.md to the rules that cover them: the Packer part of
 * CI8 ({@code variables} with secrets, {@code source_ami} without owners or filters, no cleanup
 * of {@code ssh_private_key_file}) and each clause of the "Packer:" line of the last section.
 */
class PackerChecklistTest {
  static final Map<String, List<String>> COVERAGE = new LinkedHashMap<>();

  static {
    COVERAGE.put("CI8 Packer: variables with secrets",
        List.of("IMP-PACKER-001", "IMP-PACKER-002", "IMP-PACKER-014"));
    COVERAGE.put("CI8 Packer: source_ami without owners/filters", List.of("IMP-PACKER-005"));
    COVERAGE.put("CI8 Packer: no ssh_private_key_file cleanup",
        List.of("IMP-PACKER-013", "IMP-PACKER-009"));
    COVERAGE.put("Packer: sensitive variables without sensitive = true",
        List.of("IMP-PACKER-001"));
    COVERAGE.put("Packer: secrets in provisioner commands",
        List.of("IMP-PACKER-003", "IMP-PACKER-015"));
    COVERAGE.put("Packer: secrets in environment_vars", List.of("IMP-PACKER-004"));
    COVERAGE.put("Packer: source_ami / base image without owner filter or digest",
        List.of("IMP-PACKER-005", "IMP-PACKER-006", "IMP-PACKER-007", "IMP-PACKER-008"));
    COVERAGE.put("Packer: SSH keys or credentials copied into the image and not removed",
        List.of("IMP-PACKER-009"));
    // Beyond the checklist's wording, from the task: literal passwords and static cloud keys in
    // sources, and unverified downloads piped into a shell.
    COVERAGE.put("Packer task: literal ssh/winrm passwords", List.of("IMP-PACKER-010"));
    COVERAGE.put("Packer task: curl | sh", List.of("IMP-PACKER-011"));
    COVERAGE.put("Packer task: static access_key/secret_key", List.of("IMP-PACKER-012"));
    COVERAGE.put("Packer task: secrets in committed variable files", List.of("IMP-PACKER-014"));
  }

  @Test
  void everyPackerClauseOfTheChecklistIsMapped() {
    assertThat(COVERAGE.keySet()).filteredOn(k -> !k.startsWith("Packer task")).hasSize(8);
    assertThat(COVERAGE.values()).allMatch(ids -> !ids.isEmpty());
  }

  @Test
  void everyMappedRuleIsInTheCatalog() {
    Set<String> catalog = Catalog.rules().stream().map(Rule::id).collect(Collectors.toSet());
    COVERAGE.forEach((label, ids) ->
        assertThat(catalog).as("rules for %s", label).containsAll(ids));
  }

  @Test
  void everyPackerRuleCoversSomeLine() {
    Set<String> mapped = COVERAGE.values().stream().flatMap(List::stream)
        .collect(Collectors.toSet());
    assertThat(new PackerAnalyzer().rules()).extracting(Rule::id).allMatch(mapped::contains);
  }

  @Test
  void thePackerAnalyzerIsTheCatalogsPackerAnalyzer() {
    assertThat(Catalog.analyzers()).filteredOn(a -> a.name().equals("packer"))
        .singleElement().isInstanceOf(PackerAnalyzer.class);
    assertThat(Catalog.rules()).filteredOn(r -> r.id().startsWith("IMP-PACKER-"))
        .hasSize(new PackerAnalyzer().rules().size());
  }

  /**
   * Where each mapped rule fires on its bad examples ({@code rules/<ID>/positive}), as
   * {@code file:line}: written down here, checked against the scanner, and nowhere else.
   */
  static final Map<String, List<String>> FIRES_AT = Map.ofEntries(
      Map.entry("IMP-PACKER-001", List.of("build.pkr.json:3", "template.json:4",
          "variables.pkr.hcl:1")),
      Map.entry("IMP-PACKER-002", List.of("template.json:3", "variables.pkr.hcl:4")),
      Map.entry("IMP-PACKER-003", List.of("app.pkr.hcl:12", "mysql.json:14", "mysql.pkr.hcl:12",
          "mysql.pkr.hcl:13", "template.json:13", "token.pkr.hcl:10")),
      Map.entry("IMP-PACKER-004", List.of("app.pkr.hcl:12", "env-map.pkr.hcl:12",
          "template.json:12")),
      Map.entry("IMP-PACKER-005", List.of("data-source.pkr.hcl:1",
          "filter-without-owners.pkr.hcl:7", "literal-ami.pkr.hcl:3", "template.json:9")),
      Map.entry("IMP-PACKER-006", List.of("docker.pkr.hcl:2", "template.json:5")),
      Map.entry("IMP-PACKER-007", List.of("gce.pkr.hcl:4", "template.json:7")),
      Map.entry("IMP-PACKER-008", List.of("azure.pkr.hcl:8", "template.json:7")),
      Map.entry("IMP-PACKER-009", List.of("kubeconfig.pkr.hcl:10", "ssh-key.pkr.hcl:10",
          "template.json:12")),
      Map.entry("IMP-PACKER-010", List.of("push.pkr.hcl:18", "template.json:9",
          "vsphere.pkr.hcl:4", "vsphere.pkr.hcl:6")),
      Map.entry("IMP-PACKER-011", List.of("app.pkr.hcl:12", "template.json:12",
          "windows.pkr.hcl:10")),
      Map.entry("IMP-PACKER-012", List.of("keys.pkr.hcl:2", "keys.pkr.hcl:3", "template.json:5",
          "template.json:6")),
      Map.entry("IMP-PACKER-013", List.of("key.pkr.hcl:6", "template.json:7")),
      Map.entry("IMP-PACKER-014", List.of("prod.pkrvars.hcl:3", "prod.pkrvars.hcl:4",
          "prod.pkrvars.json:3")),
      Map.entry("IMP-PACKER-015", List.of("app.pkr.hcl:22", "heredoc.pkr.hcl:16",
          "legacy.json:12")));

  @Test
  void everyMappedRuleFiresAtTheWrittenLinesOnItsBadExamplesAndStaysQuietOnItsGoodOnes() {
    ChecklistEvidence.assertEnforced(COVERAGE, FIRES_AT);
  }
}
