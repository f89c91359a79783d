package dev.imprint.scan.inventory;

import static dev.imprint.scan.inventory.Fixtures.named;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class InventoryVariablesTest {
  static Inventory inv;

  @BeforeAll
  static void build() {
    inv = Fixtures.of("variables");
  }

  @Test
  void nameTemplateResolvesThroughALocalAndTheTfvarsValueOfAVariable() {
    Identity ci = named(inv, Inventory.KIND_AWS_USER, "prod-platform-ci");
    assertThat(ci.location()).isEqualTo(Fixtures.place("variables/aws/iam.tf", 18));
  }

  @Test
  void wildcardPolicyBuiltInALocalMakesTheUserAnAdmin() {
    Identity ci = named(inv, Inventory.KIND_AWS_USER, "prod-platform-ci");
    assertThat(ci.access()).isEqualTo("admin");
    assertThat(ci.flags()).contains("admin", "wildcard-permissions");
  }

  @Test
  void nameUsingAVariableWithoutAValueFallsBackToTheResourceLabel() {
    assertThat(named(inv, Inventory.KIND_AWS_USER, "regional").access()).isEqualTo("none");
  }

  @Test
  void roleFromAnAutoTfvarsOverridingTheDefaultIsOwner() {
    Identity sa = named(inv, Inventory.KIND_GCP_SA, "deploy-bot");
    assertThat(sa.access()).isEqualTo("admin");
    assertThat(sa.permissions()).anySatisfy(p -> assertThat(p).startsWith("roles/owner"));
  }
}
