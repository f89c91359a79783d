package dev.imprint.scan.aws;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imprint.scan.Catalog;
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
}
