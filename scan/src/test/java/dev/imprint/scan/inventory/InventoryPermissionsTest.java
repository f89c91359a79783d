package dev.imprint.scan.inventory;

import static dev.imprint.scan.inventory.Fixtures.named;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class InventoryPermissionsTest {
  static Inventory inv;

  @BeforeAll
  static void build() {
    inv = Fixtures.of("permissions");
  }

  @Test
  void administratorAccessAttachedMakesAnAdminWithAWildcard() {
    Identity admin = named(inv, Inventory.KIND_AWS_USER, "admin-bot");
    assertThat(admin.access()).isEqualTo("admin");
    assertThat(admin.flags()).contains("admin", "wildcard-permissions");
    assertThat(admin.location()).isEqualTo(Fixtures.place("permissions/iam.tf", 1));
  }

  @Test
  void scopedGetAndListIsReadOnly() {
    Identity reader = named(inv, Inventory.KIND_AWS_USER, "report-reader");
    assertThat(reader.access()).isEqualTo("read");
    assertThat(reader.flags()).isEmpty();
    assertThat(reader.details()).anySatisfy(d -> assertThat(d).contains("s3:GetObject"));
  }

  @Test
  void inlinePolicyBlockWithAScopedPutIsWrite() {
    Identity writer = named(inv, Inventory.KIND_AWS_ROLE, "uploader");
    assertThat(writer.access()).isEqualTo("write");
    assertThat(writer.flags()).isEmpty();
    assertThat(writer.trustedBy()).containsExactly("Service lambda.amazonaws.com");
  }

  @Test
  void serviceWildcardFromAnAttachedCustomerPolicyIsFlaggedAndTrustStarIsFlagged() {
    Identity wild = named(inv, Inventory.KIND_AWS_ROLE, "storage-wild");
    assertThat(wild.access()).isEqualTo("write");
    assertThat(wild.permissions()).contains("wildcard: s3:*");
    assertThat(wild.flags()).contains("wildcard-permissions", "trusts-everyone",
        "trust-without-condition");
    assertThat(wild.details()).anySatisfy(d -> assertThat(d).startsWith("policy "
        + "aws_iam_policy.storage"));
  }

  @Test
  void escalationPathSpanningTwoInlinePoliciesIsFound() {
    Identity launcher = named(inv, Inventory.KIND_AWS_ROLE, "launcher");
    assertThat(launcher.flags()).contains("privilege-escalation",
        "cross-account-without-external-id");
    assertThat(launcher.permissions()).anySatisfy(p -> assertThat(p)
        .startsWith("privilege escalation: iam:PassRole + ec2:RunInstances"));
  }

  @Test
  void groupPoliciesCountForTheirMembers() {
    Identity operator = named(inv, Inventory.KIND_AWS_USER, "operator");
    assertThat(operator.access()).isEqualTo("write");
    assertThat(operator.details()).anySatisfy(d -> assertThat(d)
        .contains("PowerUserAccess").contains("via group aws_iam_group.ops"));
  }

  @Test
  void usersWithoutKeysHoldNoCredential() {
    assertThat(inv.ofKind(Inventory.KIND_AWS_USER)).allSatisfy(u -> {
      assertThat(u.credential()).isEqualTo("none");
      assertThat(u.flags()).doesNotContain("long-lived-access-key");
    });
  }

  @Test
  void managedPolicyNamesMapToAccessLevels() {
    assertThat(AwsPermissions.managedAccess("AdministratorAccess")).isEqualTo("admin");
    assertThat(AwsPermissions.managedAccess("AmazonS3FullAccess")).isEqualTo("write");
    assertThat(AwsPermissions.managedAccess("AmazonS3ReadOnlyAccess")).isEqualTo("read");
    assertThat(AwsPermissions.managedAccess("SomethingCustom")).isEqualTo("unknown");
  }

  @Test
  void gcpAndAzureIdentitiesAreListedWithKeysRolesAndFlags() {
    Inventory cloud = Fixtures.of("cloud");
    Identity runner = named(cloud, Inventory.KIND_GCP_SA, "ci-runner");
    assertThat(runner.access()).isEqualTo("admin");
    assertThat(runner.flags()).contains("admin", "long-lived-key");
    Identity key = cloud.ofKind(Inventory.KIND_GCP_KEY).get(0);
    assertThat(Fixtures.links(cloud, Inventory.LINK_KEY_OF, key.id(), runner.id())).hasSize(1);
    Identity viewer = named(cloud, Inventory.KIND_GCP_SA, "dashboards");
    assertThat(viewer.access()).isEqualTo("read");
    assertThat(viewer.flags()).isEmpty();
    Identity app = named(cloud, Inventory.KIND_AZURE_APP, "deployer");
    assertThat(app.access()).isEqualTo("write");
    assertThat(app.credential()).isEqualTo("long-lived secret");
    assertThat(app.flags()).contains("long-lived-secret", "secret-without-expiry");
    assertThat(app.usedBy()).singleElement().asString().contains("azuread_service_principal");
  }
}
