package dev.imprint.scan.inventory;

import static dev.imprint.scan.inventory.Fixtures.named;
import static org.assertj.core.api.Assertions.assertThat;

import dev.imprint.scan.SourceFile;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class InventoryKubernetesTest {
  static Inventory inv;

  @BeforeAll
  static void build() {
    inv = Fixtures.of("kubernetes");
  }

  @Test
  void serviceAccountSharedByTwoWorkloadsListsBothWithTheirLines() {
    Identity api = named(inv, Inventory.KIND_K8S_SA, "shop/api");
    assertThat(api.id()).isEqualTo("k8s:sa/shop/api");
    assertThat(api.location()).isEqualTo(Fixtures.place("kubernetes/apps.yaml", 1));
    assertThat(api.usedBy()).containsExactly(
        "Deployment/web (" + Fixtures.path("kubernetes/apps.yaml") + ":7)",
        "CronJob/report (" + Fixtures.path("kubernetes/apps.yaml") + ":20)");
    assertThat(api.flags()).contains("shared-by-workloads", "token-automounted")
        .doesNotContain("default-service-account", "admin");
    assertThat(inv.linksOf(api.id())).filteredOn(l -> l.kind().equals(Inventory.LINK_RUNS_AS))
        .extracting(Link::from).containsExactlyInAnyOrder("k8s:workload/shop/Deployment/web",
            "k8s:workload/shop/CronJob/report");
  }

  @Test
  void roleWithSecretsReadAndExecIsSummarisedAsWrite() {
    Identity api = named(inv, Inventory.KIND_K8S_SA, "shop/api");
    assertThat(api.access()).isEqualTo("write");
    assertThat(api.permissions()).contains("secrets read", "pods/exec");
    assertThat(Fixtures.links(inv, Inventory.LINK_RBAC, api.id(), "k8s:Role/shop/secret-reader"))
        .singleElement().satisfies(l -> {
          assertThat(l.toLocation()).isEqualTo(Fixtures.place("kubernetes/rbac.yaml", 1));
          assertThat(l.reason()).contains("RoleBinding api-secrets");
        });
  }

  @Test
  void podWithoutServiceAccountRunsAsTheImplicitDefaultBoundToClusterAdmin() {
    Identity def = named(inv, Inventory.KIND_K8S_SA, "shop/default");
    assertThat(def.flags()).contains("default-service-account", "cluster-admin", "admin",
        "token-automounted");
    assertThat(def.access()).isEqualTo("admin");
    assertThat(def.usedBy()).singleElement().asString().startsWith("Pod/debug");
    assertThat(inv.linksOf(def.id())).anySatisfy(l -> {
      assertThat(l.kind()).isEqualTo(Inventory.LINK_RUNS_AS);
      assertThat(l.reason()).contains("implicitly");
    });
  }

  @Test
  void accountThatDisablesTokenMountingIsNotFlaggedAndReadOnlyRoleIsRead() {
    Identity quiet = named(inv, Inventory.KIND_K8S_SA, "shop/quiet");
    assertThat(quiet.flags()).doesNotContain("token-automounted", "shared-by-workloads");
    assertThat(quiet.access()).isEqualTo("read");
    assertThat(quiet.details()).contains("token automounted: no");
  }

  @Test
  void wildcardRulesAreAdminAndNamedAsWildcards() {
    Inventory sources = InventoryBuilder.buildSources(List.of(SourceFile.of("rbac.yaml", """
            apiVersion: rbac.authorization.k8s.io/v1
            kind: ClusterRole
            metadata:
              name: everything
            rules:
              - apiGroups: ["*"]
                resources: ["*"]
                verbs: ["*"]
            ---
            apiVersion: rbac.authorization.k8s.io/v1
            kind: ClusterRoleBinding
            metadata:
              name: ops-everything
            subjects:
              - kind: ServiceAccount
                name: ops
                namespace: tools
            roleRef:
              apiGroup: rbac.authorization.k8s.io
              kind: ClusterRole
              name: everything
            """)), null);
    Identity ops = named(sources, Inventory.KIND_K8S_SA, "tools/ops");
    assertThat(ops.access()).isEqualTo("admin");
    assertThat(ops.permissions()).contains("wildcard: * on *", "secrets read");
    assertThat(ops.flags()).contains("admin", "not-declared-in-scan")
        .doesNotContain("cluster-admin");
  }
}
