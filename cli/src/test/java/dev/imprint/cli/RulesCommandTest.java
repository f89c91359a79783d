package dev.imprint.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imprint.scan.Catalog;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class RulesCommandTest {

  @Test
  void listsEveryRule() {
    Cli r = Cli.run("rules");
    assertThat(r.code()).isZero();
    assertThat(r.out().lines()).hasSize(Catalog.rules().size());
  }

  @Test
  void jsonListsEveryRule() throws Exception {
    Cli r = Cli.run("rules", "--format", "json");
    assertThat(new ObjectMapper().readTree(r.out()).get("rules").size())
        .isEqualTo(Catalog.rules().size());
  }

  @Test
  void showPrintsTheWholeRule() {
    Cli r = Cli.run("rules", "show", "imp-docker-001");
    assertThat(r.code()).isZero();
    assertThat(r.out()).startsWith("IMP-DOCKER-001  ").contains("Severity:")
        .contains("Category:    immutability (Mutable infrastructure)")
        .contains("Rationale").contains("Remediation").contains("Bad").contains("Good");
  }

  @Test
  void unknownIdExitsTwoWithSuggestions() {
    Cli r = Cli.run("rules", "show", "IMP-DOCKR-001");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("unknown rule id 'IMP-DOCKR-001'")
        .contains("Did you mean: IMP-DOCKER-001");
  }

  @Test
  void badFormatExitsTwo() {
    assertThat(Cli.run("rules", "--format", "html").code()).isEqualTo(2);
  }

  @Test
  void docsRulesMdIsUpToDate() throws Exception {
    Path doc = Path.of("..", "docs", "rules.md");
    String expected = Cli.run("rules", "--format", "markdown").out();
    assertThat(Files.readString(doc, StandardCharsets.UTF_8))
        .as("docs/rules.md is stale; regenerate it with"
            + " ./imprint rules --format markdown > docs/rules.md")
        .isEqualTo(expected);
  }
}
