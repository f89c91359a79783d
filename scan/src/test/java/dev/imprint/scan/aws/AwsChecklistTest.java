package dev.imprint.scan.aws;

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

/** Every Terraform AWS line of the checklist (A1..A45) is covered by at least one rule. */
class AwsChecklistTest {
  static final Map<String, List<String>> COVERAGE = new LinkedHashMap<>();

  static {
    map("A1", "IMP-AWS-001");
    map("A2", "IMP-AWS-002");
    map("A3", "IMP-AWS-003");
    map("A4", "IMP-AWS-004");
    map("A5", "IMP-AWS-005");
    map("A6", "IMP-AWS-006");
    map("A7", "IMP-AWS-007");
    map("A8", "IMP-AWS-008");
    map("A9", "IMP-AWS-009");
    map("A10", "IMP-AWS-010");
    map("A11", "IMP-AWS-011");
    map("A12", "IMP-AWS-012");
    map("A13", "IMP-AWS-013");
    map("A14", "IMP-AWS-014");
    map("A15", "IMP-AWS-015");
    map("A16", "IMP-AWS-016");
    map("A17", "IMP-AWS-017");
    map("A18", "IMP-AWS-018");
    map("A19", "IMP-AWS-019");
    map("A20", "IMP-AWS-020");
    map("A21", "IMP-AWS-021");
    map("A22", "IMP-AWS-022");
    map("A23", "IMP-AWS-023");
    map("A24", "IMP-AWS-024");
    map("A25", "IMP-AWS-025");
    map("A26", "IMP-AWS-026");
    map("A27", "IMP-AWS-027");
    map("A28", "IMP-AWS-028");
    map("A29", "IMP-AWS-029");
    map("A30", "IMP-AWS-030");
    map("A31", "IMP-AWS-031", "IMP-AWS-032");
    map("A32", "IMP-AWS-033");
    map("A33", "IMP-AWS-034");
    map("A34", "IMP-AWS-035");
    map("A35", "IMP-AWS-036");
    map("A36", "IMP-AWS-037");
    map("A37", "IMP-AWS-038");
    map("A38", "IMP-AWS-039", "IMP-AWS-047", "IMP-AWS-049");
    map("A39", "IMP-AWS-040");
    map("A40", "IMP-AWS-041");
    map("A41", "IMP-AWS-042");
    map("A42", "IMP-AWS-043");
    map("A43", "IMP-AWS-044");
    map("A44", "IMP-AWS-045");
    map("A45", "IMP-AWS-046");
  }

  /** Rules that go beyond the checklist's lines, with the reason they exist. */
  static final Map<String, String> BEYOND = Map.of(
      "IMP-AWS-048", "ECR tags that can be overwritten (a registry's immutability, issue 11)");

  private static void map(String label, String... ids) {
    COVERAGE.put(label, List.of(ids));
  }

  @Test
  void everyChecklistLineFromA1ToA45IsMapped() {
    assertThat(COVERAGE.keySet()).containsExactlyElementsOf(
        IntStream.rangeClosed(1, 45).mapToObj(i -> "A" + i).toList());
  }

  @Test
  void everyMappedRuleIsInTheCatalog() {
    Set<String> catalog = Catalog.rules().stream().map(Rule::id).collect(Collectors.toSet());
    COVERAGE.forEach((label, ids) ->
        assertThat(catalog).as("rules for %s", label).containsAll(ids));
  }

  @Test
  void everyAwsRuleCoversSomeChecklistLine() {
    Set<String> mapped = COVERAGE.values().stream().flatMap(List::stream)
        .collect(Collectors.toSet());
    mapped.addAll(BEYOND.keySet());
    assertThat(new AwsAnalyzer().rules()).extracting(Rule::id).allMatch(mapped::contains);
  }

  /**
   * Where each mapped rule fires on its bad examples ({@code rules/<ID>/positive}), as
   * {@code file:line}: written down here, checked against the scanner, and nowhere else.
   */
  static final Map<String, List<String>> FIRES_AT = Map.ofEntries(
      Map.entry("IMP-AWS-001", List.of("main.tf:5")),
      Map.entry("IMP-AWS-002", List.of("main.tf:1")),
      Map.entry("IMP-AWS-003", List.of("main.tf:3")),
      Map.entry("IMP-AWS-004", List.of("main.tf:11")),
      Map.entry("IMP-AWS-005", List.of("backend.tf:6", "backend.tf:7", "example-keys.tf:3",
          "example-keys.tf:4", "main.tf:3", "main.tf:4")),
      Map.entry("IMP-AWS-006", List.of("example-keys.tf:8", "example-keys.tf:9", "main.tf:10")),
      Map.entry("IMP-AWS-007", List.of("ec2.tf:7", "main.tf:10", "user-data-base64-key.tf:4",
          "user-data-base64.tf:4")),
      Map.entry("IMP-AWS-008", List.of("ecs.tf:6", "main.tf:6")),
      Map.entry("IMP-AWS-009", List.of("main.tf:8")),
      Map.entry("IMP-AWS-010", List.of("main.tf:1")),
      Map.entry("IMP-AWS-011", List.of("data-source-via-var/main.tf:12", "main.tf:8",
          "tfvars-overrides-safe-default/main.tf:16", "via-local/main.tf:5",
          "via-var-default/main.tf:12")),
      Map.entry("IMP-AWS-012", List.of("iam.tf:3", "main.tf:10")),
      Map.entry("IMP-AWS-013", List.of("main.tf:3")),
      Map.entry("IMP-AWS-014", List.of("attachment.tf:7", "main.tf:3", "role.tf:4")),
      Map.entry("IMP-AWS-015", List.of("main.tf:8")),
      Map.entry("IMP-AWS-016", List.of("main.tf:8")),
      Map.entry("IMP-AWS-017", List.of("main.tf:9")),
      Map.entry("IMP-AWS-018", List.of("main.tf:9")),
      Map.entry("IMP-AWS-019", List.of("main.tf:8")),
      Map.entry("IMP-AWS-020", List.of("main.tf:8", "trust.tf:7")),
      Map.entry("IMP-AWS-021", List.of("main.tf:6")),
      Map.entry("IMP-AWS-022", List.of("main.tf:8")),
      Map.entry("IMP-AWS-023", List.of("eks.tf:27", "eks.tf:9", "github.tf:11",
          "gitlab-and-terraform-cloud.tf:11", "gitlab-and-terraform-cloud.tf:25", "main.tf:6",
          "org-wide.tf:12")),
      Map.entry("IMP-AWS-024", List.of("main.tf:8")),
      Map.entry("IMP-AWS-025", List.of("main.tf:2")),
      Map.entry("IMP-AWS-026", List.of("main.tf:2")),
      Map.entry("IMP-AWS-027", List.of("main.tf:2")),
      Map.entry("IMP-AWS-028", List.of("main.tf:1")),
      Map.entry("IMP-AWS-029", List.of("launch_template.tf:1", "main.tf:8")),
      Map.entry("IMP-AWS-030", List.of("main.tf:7")),
      Map.entry("IMP-AWS-031", List.of("ecs.tf:17", "main.tf:13")),
      Map.entry("IMP-AWS-032", List.of("main.tf:4")),
      Map.entry("IMP-AWS-033", List.of("kms_role.tf:8", "main.tf:9")),
      Map.entry("IMP-AWS-034", List.of("lambda.tf:5", "main.tf:8", "sqs.tf:8")),
      Map.entry("IMP-AWS-035", List.of("main.tf:9", "module/main.tf:23", "module/main.tf:8")),
      Map.entry("IMP-AWS-036", List.of("main.tf:6")),
      Map.entry("IMP-AWS-037", List.of("main.tf:9", "module/main.tf:8", "tcp_range.tf:6")),
      Map.entry("IMP-AWS-038", List.of("main.tf:4")),
      Map.entry("IMP-AWS-039", List.of("main.tf:6", "module/main.tf:12")),
      Map.entry("IMP-AWS-040", List.of("main.tf:1")),
      Map.entry("IMP-AWS-041", List.of("main.tf:10", "nacl_rule.tf:7")),
      Map.entry("IMP-AWS-042", List.of("ec2.tf:4", "launch_template.tf:5", "main.tf:4")),
      Map.entry("IMP-AWS-043", List.of("eks_default.tf:5", "main.tf:8")),
      Map.entry("IMP-AWS-044", List.of("network/security.tf:1", "rules-only/security.tf:1")),
      Map.entry("IMP-AWS-045", List.of("main.tf:1")),
      Map.entry("IMP-AWS-046", List.of("aurora.tf:1", "main.tf:1")),
      Map.entry("IMP-AWS-047", List.of("main.tf:12", "main.tf:5", "module/main.tf:13")),
      Map.entry("IMP-AWS-049", List.of("dynamic.tf:12", "main.tf:12", "main.tf:22",
          "module/main.tf:6")));

  @Test
  void everyMappedRuleFiresAtTheWrittenLinesOnItsBadExamplesAndStaysQuietOnItsGoodOnes() {
    ChecklistEvidence.assertEnforced(COVERAGE, FIRES_AT);
  }
}
