package dev.imprint.scan.inventory;

import static dev.imprint.scan.inventory.Fixtures.links;
import static dev.imprint.scan.inventory.Fixtures.named;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class InventoryLinksTest {

  @Test
  void terraformAccessKeyLinksToItsUserWithBothLocations() {
    Inventory inv = Fixtures.of("static-key");
    Identity user = named(inv, Inventory.KIND_AWS_USER, "ci-deployer");
    Identity key = named(inv, Inventory.KIND_AWS_KEY, "deployer");
    assertThat(links(inv, Inventory.LINK_KEY_OF, key.id(), user.id())).singleElement()
        .satisfies(l -> {
          assertThat(l.fromLocation()).isEqualTo(Fixtures.place("static-key/infra/main.tf", 5));
          assertThat(l.toLocation()).isEqualTo(Fixtures.place("static-key/infra/main.tf", 1));
          assertThat(l.reason()).contains("ci-deployer").contains("admin");
        });
  }

  @Test
  void pipelinesHoldingStaticAwsKeysLinkToTheOnlyTerraformAccessKey() {
    Inventory inv = Fixtures.of("static-key");
    Identity key = named(inv, Inventory.KIND_AWS_KEY, "deployer");
    Identity workflow = inv.ofKind(Inventory.KIND_GITHUB).get(0);
    Identity jenkins = inv.ofKind(Inventory.KIND_JENKINS).get(0);
    assertThat(links(inv, Inventory.LINK_STATIC_KEY, workflow.id(), key.id())).singleElement()
        .satisfies(l -> {
          assertThat(l.fromLocation())
              .isEqualTo(Fixtures.place("static-key/.github/workflows/deploy.yml", 13));
          assertThat(l.toLocation()).isEqualTo(key.location());
          assertThat(l.reason()).contains("most likely").contains("ci-deployer");
        });
    assertThat(links(inv, Inventory.LINK_STATIC_KEY, jenkins.id(), key.id())).hasSize(1);
    assertThat(workflow.flags()).contains("static-cloud-key");
    assertThat(workflow.credential()).isEqualTo("static");
  }

  @Test
  void awsKeyBakedIntoADockerfileLinksToTheTerraformAccessKey() {
    Inventory inv = Fixtures.of("static-key");
    Identity key = named(inv, Inventory.KIND_AWS_KEY, "deployer");
    assertThat(inv.ofKind(Inventory.KIND_EMBEDDED)).hasSize(2).allSatisfy(e -> {
      assertThat(e.flags()).contains("baked-into-image");
      assertThat(e.location().path()).isEqualTo(Fixtures.path("static-key/app/Dockerfile"));
      assertThat(links(inv, Inventory.LINK_STATIC_KEY, e.id(), key.id())).hasSize(1);
    });
  }

  @Test
  void staticKeyWithoutAnyTerraformAccessKeyLinksToNothing() {
    Inventory inv = Fixtures.of("no-key");
    assertThat(inv.ofKind(Inventory.KIND_GITHUB).get(0).flags()).contains("static-cloud-key");
    assertThat(inv.links()).isEmpty();
  }

  @Test
  void ciSecretFilledByTerraformPinsTheLinkToThatKeyOnly() {
    Inventory inv = Fixtures.of("ci-secret");
    Identity workflow = inv.ofKind(Inventory.KIND_GITHUB).get(0);
    Identity publisher = named(inv, Inventory.KIND_AWS_KEY, "publisher");
    Identity backup = named(inv, Inventory.KIND_AWS_KEY, "backup");
    assertThat(links(inv, Inventory.LINK_STATIC_KEY, workflow.id(), publisher.id()))
        .singleElement().satisfies(l -> {
          assertThat(l.toLocation()).isEqualTo(Fixtures.place("ci-secret/infra/main.tf", 18));
          assertThat(l.reason()).contains("PUBLISH_AWS_ACCESS_KEY_ID");
        });
    assertThat(links(inv, Inventory.LINK_STATIC_KEY, workflow.id(), backup.id())).isEmpty();
    assertThat(publisher.flags()).contains("secret-in-state");
    assertThat(backup.flags()).doesNotContain("secret-in-state");
  }

  @Test
  void workflowAssumingARoleByArnLinksThroughOidcWithTheRoleLocation() {
    Inventory inv = Fixtures.of("oidc", "acme/app");
    Identity role = named(inv, Inventory.KIND_AWS_ROLE, "gh-deploy");
    String deploy = "github:" + Fixtures.path("oidc/.github/workflows/deploy.yml");
    assertThat(links(inv, Inventory.LINK_OIDC, deploy, role.id())).singleElement()
        .satisfies(l -> {
          assertThat(l.fromLocation())
              .isEqualTo(Fixtures.place("oidc/.github/workflows/deploy.yml", 12));
          assertThat(l.toLocation()).isEqualTo(Fixtures.place("oidc/infra/roles.tf", 16));
          assertThat(l.reason()).contains("repo:acme/app:ref:refs/heads/main");
        });
    assertThat(role.credential()).isEqualTo("federated");
    assertThat(role.flags()).doesNotContain("github-oidc-any-repository");
  }

  @Test
  void roleWhoseOidcSubNamesAnotherRepositoryDoesNotLink() {
    Inventory inv = Fixtures.of("oidc", "acme/app");
    Identity other = named(inv, Inventory.KIND_AWS_ROLE, "gh-other");
    assertThat(inv.linksOf(other.id())).isEmpty();
  }

  @Test
  void roleNamedByAWorkflowLinksWhenTheRepositoryIsUnknown() {
    Inventory inv = Fixtures.of("oidc", null);
    Identity other = named(inv, Inventory.KIND_AWS_ROLE, "gh-other");
    String workflow = "github:" + Fixtures.path("oidc/.github/workflows/other.yml");
    assertThat(links(inv, Inventory.LINK_OIDC, workflow, other.id())).hasSize(1);
  }

  @Test
  void roleTrustingGithubWithoutSubIsReachableByEveryOidcWorkflowButNotByOthers() {
    Inventory inv = Fixtures.of("oidc", "acme/app");
    Identity any = named(inv, Inventory.KIND_AWS_ROLE, "gh-any");
    assertThat(any.flags()).contains("github-oidc-any-repository");
    String workflows = "github:" + Fixtures.path("oidc/.github/workflows/");
    assertThat(inv.linksOf(any.id())).extracting(Link::from).containsExactlyInAnyOrder(
        workflows + "deploy.yml", workflows + "other.yml");
    assertThat(inv.linksOf(workflows + "lint.yml")).isEmpty();
  }

  @Test
  void sameSecretInTwoFilesIsOneIdentityWithAReuseLink() {
    Inventory inv = Fixtures.of("reuse");
    assertThat(inv.ofKind(Inventory.KIND_EMBEDDED)).singleElement().satisfies(e -> {
      assertThat(e.flags()).contains("reused-across-files", "baked-into-image");
      assertThat(e.usedBy()).containsExactly(Fixtures.path("reuse/.env") + ":1",
          Fixtures.path("reuse/Dockerfile") + ":2");
      String dockerfile = "file:" + Fixtures.path("reuse/Dockerfile");
      assertThat(links(inv, Inventory.LINK_SECRET_REUSE, e.id(), dockerfile)).singleElement()
          .satisfies(l -> {
            assertThat(l.fromLocation()).isEqualTo(Fixtures.place("reuse/.env", 1));
            assertThat(l.toLocation()).isEqualTo(Fixtures.place("reuse/Dockerfile", 2));
          });
    });
  }

  @Test
  void githubSubPatternsMatchTheirRepositoryOnly() {
    assertThat(Linker.subMatches("repo:acme/app:ref:refs/heads/main", "acme/app")).isTrue();
    assertThat(Linker.subMatches("repo:ACME/app:*", "acme/app")).isTrue();
    assertThat(Linker.subMatches("repo:acme/*", "acme/app")).isTrue();
    assertThat(Linker.subMatches("repo:acme/*:environment:prod", "acme/app")).isTrue();
    assertThat(Linker.subMatches("*", "acme/app")).isTrue();
    assertThat(Linker.subMatches("repo:acme/app-two:*", "acme/app")).isFalse();
    assertThat(Linker.subMatches("repo:other/app:*", "acme/app")).isFalse();
    assertThat(Linker.subMatches("repo:acme/ap?:*", "acme/app")).isTrue();
    assertThat(Linker.subMatches("repo:" + "a*".repeat(200) + "b", "acme/app")).isFalse();
  }
}
