package dev.imprint.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class RulesCommandTest {

  /**
   * The rules a user is told about, independently of the catalogue's code: every rule has a
   * hand-made fixture folder in the scanner's tests ({@code scan/src/test/resources/rules/ID}).
   */
  private static List<String> fixtureRuleIds() throws Exception {
    try (Stream<Path> s = Files.list(Path.of("../scan/src/test/resources/rules"))) {
      List<String> ids = s.map(p -> p.getFileName().toString()).sorted().toList();
      assertThat(ids).as("rule fixture folders").hasSizeGreaterThan(200);
      return ids;
    }
  }

  @Test
  void listsEveryRuleOnceALine() throws Exception {
    Cli r = Cli.run("rules");
    assertThat(r.code()).isZero();
    assertThat(r.out().lines().map(l -> l.split("\\s+")[0]).sorted().toList())
        .containsExactlyElementsOf(fixtureRuleIds());
    assertThat(r.out().lines().filter(l -> l.startsWith("IMP-DOCKER-001 ")))
        .singleElement().asString()
        .contains("medium", "Base image uses the mutable :latest tag");
  }

  @Test
  void jsonListsEveryRule() throws Exception {
    Cli r = Cli.run("rules", "--format", "json");
    List<String> ids = new ArrayList<>();
    new ObjectMapper().readTree(r.out()).get("rules").forEach(n -> ids.add(n.get("id").asText()));
    assertThat(ids.stream().sorted().toList()).containsExactlyElementsOf(fixtureRuleIds());
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
