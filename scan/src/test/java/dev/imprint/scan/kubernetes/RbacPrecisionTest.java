package dev.imprint.scan.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imprint.scan.Finding;
import dev.imprint.scan.ScanSettings;
import dev.imprint.scan.Scanner;
import dev.imprint.scan.Severity;
import dev.imprint.scan.SourceFile;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * RBAC rules read a rule the way the API server's authorizer does: an apiGroup, a resource and
 * a verb must all match, a namespaced Role grants nothing cluster-scoped, creating role
 * bindings is not escalation by itself, and a ServiceAccount's automount setting reaches the
 * pods that run as it.
 */
class RbacPrecisionTest {
  private static List<Finding> scan(String... files) {
    List<SourceFile> sources = new java.util.ArrayList<>();
    for (int i = 0; i < files.length; i++) {
      sources.add(SourceFile.of("repo/k8s/f" + i + ".yaml", files[i]));
    }
    return Scanner.create(ScanSettings.defaults()).scanSources(sources).findings();
  }

  private static List<Finding> of(List<Finding> all, String id) {
    return all.stream().filter(f -> f.ruleId().equals(id)).toList();
  }

  private static String clusterRole(String rules) {
    return "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n"
        + "  name: r\nrules:\n" + rules;
  }

  private static String role(String rules) {
    return "apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata:\n"
        + "  name: r\n  namespace: shop\nrules:\n" + rules;
  }

  @Test
  void aWildcardOverAMetricsApiGroupIsNotAWildcardOverCoreSecretsOrPods() {
    List<Finding> all = scan(clusterRole("""
          - apiGroups: ["custom.metrics.k8s.io", "metrics.k8s.io"]
            resources: ["*"]
            verbs: ["get", "list", "watch", "create"]
        """));
    for (String id : List.of("IMP-K8S-027", "IMP-K8S-028", "IMP-K8S-029", "IMP-K8S-030",
        "IMP-K8S-031", "IMP-K8S-032", "IMP-K8S-033", "IMP-K8S-036")) {
      assertThat(of(all, id)).as(id).isEmpty();
    }
    // Still a wildcard, but one confined to named API groups: not high.
    assertThat(of(all, "IMP-K8S-026")).singleElement()
        .satisfies(f -> assertThat(f.severity()).isLessThan(Severity.HIGH));
  }

  @Test
  void everyVerbOnAMetricsApiGroupOnlyReadsMetrics() {
    // The metrics APIs serve get, list and watch only: the adapter roles real clusters carry.
    List<Finding> all = scan(clusterRole("""
          - apiGroups: [custom.metrics.k8s.io]
            resources: ["*"]
            verbs: ["*"]
          - apiGroups: [external.metrics.k8s.io, metrics.k8s.io]
            resources: ["*"]
            verbs: ["*"]
        """));
    assertThat(of(all, "IMP-K8S-026")).hasSize(2)
        .allSatisfy(f -> assertThat(f.severity()).isEqualTo(Severity.LOW));
    // A writable group beside them keeps the rule writable.
    assertThat(of(scan(clusterRole("""
          - apiGroups: [custom.metrics.k8s.io, apps]
            resources: ["*"]
            verbs: ["*"]
        """)), "IMP-K8S-026")).singleElement()
        .satisfies(f -> assertThat(f.severity()).isEqualTo(Severity.MEDIUM));
  }

  @Test
  void theCoreGroupIsTheEmptyStringAndStarIsEveryGroup() {
    assertThat(of(scan(clusterRole("""
          - apiGroups: [""]
            resources: ["secrets"]
            verbs: ["get"]
        """)), "IMP-K8S-027")).hasSize(1);
    assertThat(of(scan(clusterRole("""
          - apiGroups: ["*"]
            resources: ["secrets"]
            verbs: ["list"]
        """)), "IMP-K8S-027")).hasSize(1);
    assertThat(of(scan(clusterRole("""
          - apiGroups: ["apps"]
            resources: ["secrets"]
            verbs: ["get"]
        """)), "IMP-K8S-027")).isEmpty();
    // Deployments live in apps: the same name under the core group is not a workload.
    assertThat(of(scan(clusterRole("""
          - apiGroups: [""]
            resources: ["deployments"]
            verbs: ["create"]
        """)), "IMP-K8S-028")).isEmpty();
    assertThat(of(scan(clusterRole("""
          - apiGroups: ["apps"]
            resources: ["deployments"]
            verbs: ["create"]
        """)), "IMP-K8S-028")).hasSize(1);
  }

  @Test
  void aNamespacedRoleCannotGrantClusterScopedResources() {
    List<Finding> all = scan(role("""
          - apiGroups: [""]
            resources: ["nodes/proxy", "nodes"]
            verbs: ["get", "create"]
          - apiGroups: ["certificates.k8s.io"]
            resources: ["certificatesigningrequests/approval", "signers"]
            verbs: ["update", "approve"]
          - apiGroups: ["admissionregistration.k8s.io"]
            resources: ["mutatingwebhookconfigurations"]
            verbs: ["create", "patch"]
          - apiGroups: [""]
            resources: ["users", "groups"]
            verbs: ["impersonate"]
        """));
    for (String id : List.of("IMP-K8S-031", "IMP-K8S-033", "IMP-K8S-034", "IMP-K8S-035")) {
      assertThat(of(all, id)).as(id).isEmpty();
    }
    // The same rules in a ClusterRole are real.
    List<Finding> cluster = scan(clusterRole("""
          - apiGroups: [""]
            resources: ["nodes/proxy"]
            verbs: ["get"]
        """));
    assertThat(of(cluster, "IMP-K8S-033")).hasSize(1);
    // Namespaced rights in a Role still count: impersonating the namespace's service accounts.
    assertThat(of(scan(role("""
          - apiGroups: [""]
            resources: ["serviceaccounts"]
            verbs: ["impersonate"]
        """)), "IMP-K8S-031")).hasSize(1);
  }

  @Test
  void creatingRoleBindingsAloneIsNotBindOrEscalate() {
    assertThat(of(scan(role("""
          - apiGroups: ["rbac.authorization.k8s.io"]
            resources: ["rolebindings"]
            verbs: ["create", "get", "list"]
        """)), "IMP-K8S-032")).isEmpty();
    // bind together with creating bindings lets the subject bind any role: critical.
    assertThat(of(scan(role("""
          - apiGroups: ["rbac.authorization.k8s.io"]
            resources: ["rolebindings"]
            verbs: ["create"]
          - apiGroups: ["rbac.authorization.k8s.io"]
            resources: ["clusterroles"]
            verbs: ["bind"]
        """)), "IMP-K8S-032")).singleElement()
        .satisfies(f -> assertThat(f.severity()).isEqualTo(Severity.CRITICAL));
    // escalate together with updating roles: critical as well.
    assertThat(of(scan(clusterRole("""
          - apiGroups: ["rbac.authorization.k8s.io"]
            resources: ["clusterroles"]
            verbs: ["escalate", "update"]
        """)), "IMP-K8S-032")).singleElement()
        .satisfies(f -> assertThat(f.severity()).isEqualTo(Severity.CRITICAL));
  }

  @Test
  void automountFalseOnTheServiceAccountAppliesToItsPods() {
    String sa = "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: web\n"
        + "  namespace: shop\nautomountServiceAccountToken: false\n";
    String pod = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n  namespace: shop\n"
        + "spec:\n  serviceAccountName: web\n  containers:\n    - name: web\n"
        + "      image: nginx:1.27\n";
    assertThat(of(scan(sa, pod), "IMP-K8S-001")).isEmpty();
    // Unless the pod turns it back on.
    String podTrue = pod.replace("  serviceAccountName: web\n",
        "  serviceAccountName: web\n  automountServiceAccountToken: true\n");
    assertThat(of(scan(sa, podTrue), "IMP-K8S-001")).singleElement()
        .satisfies(f -> assertThat(f.location().line()).isEqualTo(8));
    // Another account's setting does not reach this pod.
    assertThat(of(scan(sa.replace("name: web", "name: other"), pod), "IMP-K8S-001"))
        .hasSize(1);
  }
}
