package dev.imprint.scan.inventory;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imprint.scan.ScanReport;
import dev.imprint.scan.ScanSettings;
import dev.imprint.scan.Scanner;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class InventoryFormatTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  /** The raw values planted in the fixtures; none may appear in any output. */
  private static final List<String> RAW = List.of("AKIAZ7QHXM4TNWB2KRLE",
      "q8Vz2LmN4xT7bR1cW9yK3pH6sD0fG5jA8uE2iO7w", "Vq8mZ2xK4wP7sNtR3jLc");

  @Test
  void jsonHasSchemaVersionOneAndTheDocumentedFieldsInOrder() throws Exception {
    JsonNode root = MAPPER.readTree(InventoryFormat.json(Fixtures.of("static-key")));
    assertThat(names(root)).containsExactly("schemaVersion", "summary", "identities", "links");
    assertThat(root.get("schemaVersion").asInt()).isEqualTo(1);
    assertThat(names(root.get("summary"))).containsExactly("identities", "links", "flagged",
        "byKind");
    assertThat(root.get("summary").get("identities").asInt())
        .isEqualTo(root.get("identities").size());
    assertThat(root.get("identities")).isNotEmpty().allSatisfy(i -> {
      assertThat(names(i)).containsExactly("id", "kind", "name", "location", "access",
          "permissions", "credential", "trustedBy", "usedBy", "flags", "details");
      assertThat(names(i.get("location"))).containsExactly("path", "line");
      assertThat(i.get("location").get("line").isInt()).isTrue();
      assertThat(Inventory.KINDS).contains(i.get("kind").asText());
      assertThat(List.of("admin", "write", "read", "none", "unknown"))
          .contains(i.get("access").asText());
    });
    assertThat(root.get("links")).isNotEmpty().allSatisfy(l -> {
      assertThat(names(l)).containsExactly("kind", "from", "to", "fromLocation", "toLocation",
          "reason");
      assertThat(Inventory.LINK_KINDS).contains(l.get("kind").asText());
    });
  }

  @Test
  void jsonOfAnEmptyInventoryIsStillComplete() throws Exception {
    JsonNode root = MAPPER.readTree(InventoryFormat.json(new Inventory(List.of(), List.of())));
    assertThat(root.get("identities").isArray()).isTrue();
    assertThat(root.get("links").isArray()).isTrue();
    assertThat(root.get("summary").get("byKind").isObject()).isTrue();
  }

  @Test
  void noRawSecretInTextOrJsonOrTheModel() {
    for (String[] c : new String[][] {{"static-key", "AKIA********(20)"},
        {"reuse", "********(20)"}}) {
      Inventory inv = Fixtures.of(c[0]);
      assertThat(inv.ofKind(Inventory.KIND_EMBEDDED)).isNotEmpty();
      String all = InventoryFormat.text(inv) + InventoryFormat.json(inv) + inv;
      for (String raw : RAW) {
        assertThat(all).doesNotContain(raw);
      }
      assertThat(all).contains(c[1]);
    }
  }

  @Test
  void textGroupsByKindWithFlagsLinksAndLocations() {
    String text = InventoryFormat.text(Fixtures.of("static-key"));
    assertThat(text).startsWith("6 identities, 6 flagged, 5 links\n");
    assertThat(text).contains("\naws-iam-user (1)\n  ci-deployer  [long-lived-access-key, admin");
    assertThat(text).contains("    defined at " + Fixtures.path("static-key/infra/main.tf:1"));
    assertThat(text).contains("    <- static-key-source github:"
        + Fixtures.path("static-key/.github/workflows/deploy.yml"));
    assertThat(text.indexOf("aws-iam-user (1)")).isLessThan(text.indexOf("aws-access-key (1)"))
        .isLessThan(text.indexOf("github-workflow (1)"));
  }

  @Test
  void textShowsAKindThisVersionDoesNotKnowAfterTheKnownOnes() {
    Identity known = new Identity("aws:infra/aws_iam_user.ci", Inventory.KIND_AWS_USER, "ci",
        new Place("infra/main.tf", 1), "admin", List.of(), "long-lived key", List.of(),
        List.of(), List.of(), List.of());
    Identity newer = new Identity("spire:entry/1", "spire-registration-entry", "payments",
        new Place("spire/entries.yaml", 3), "unknown", List.of(), "federated", List.of(),
        List.of(), List.of(), List.of());
    String text = InventoryFormat.text(new Inventory(List.of(newer, known), List.of()));
    assertThat(text).contains("2 identities");
    assertThat(text.indexOf("aws-iam-user (1)")).isPositive()
        .isLessThan(text.indexOf("spire-registration-entry (1)"));
    assertThat(text).contains("  payments\n").contains("spire/entries.yaml:3");
  }

  @Test
  void oneWalkGivesTheScannersReportAndTheInventoryOfTheSameTargets() {
    Path target = Fixtures.ROOT.resolve("static-key");
    ScanSettings settings = ScanSettings.defaults();
    InventoryBuilder.Scanned both = InventoryBuilder.scan(List.of(target), settings, null,
        Scanner.Listener.NONE);
    ScanReport alone = Scanner.create(settings).scan(List.of(target));
    assertThat(both.report().findings()).isNotEmpty().isEqualTo(alone.findings());
    assertThat(both.report().filesScanned()).isEqualTo(alone.filesScanned());
    assertThat(InventoryFormat.json(both.inventory()))
        .isEqualTo(InventoryFormat.json(InventoryBuilder.build(List.of(target), settings)));
  }

  @Test
  void textCarriesAFindingsLineForTheIdentitiesGivenCounts() {
    Inventory inv = Fixtures.of("static-key");
    Identity user = inv.ofKind(Inventory.KIND_AWS_USER).get(0);
    String text = InventoryFormat.text(inv, Map.of(user.id(), "2 (1 critical, 1 high)"));
    assertThat(text).contains("    credential long-lived key\n"
        + "    findings   2 (1 critical, 1 high)\n");
    assertThat(text.split("findings ", -1)).hasSize(2);
    assertThat(InventoryFormat.text(inv)).doesNotContain("findings ");
  }

  private static List<String> names(JsonNode n) {
    List<String> out = new ArrayList<>();
    n.fieldNames().forEachRemaining(out::add);
    return out;
  }
}
