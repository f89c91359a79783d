package dev.imprint.scan.kubernetes;

import dev.imprint.scan.Category;
import dev.imprint.scan.Rule;
import dev.imprint.scan.Severity;
import java.util.List;

/** Metadata of the Kubernetes rules that need several objects of the scan. */
final class CrossRules {
  private CrossRules() {}

  static final Rule SHARED_SA = Rule.builder("IMP-K8S-040")
      .title("One service account shared by different applications")
      .severity(Severity.MEDIUM).category(Category.NHI9)
      .rationale("When workloads of different applications run as one service account, each "
          + "gets the union of the permissions the others need, and a compromise of the "
          + "weakest one exposes all of them; audit logs cannot tell them apart.")
      .remediation("Give every application its own ServiceAccount and bind to each only the "
          + "permissions that application needs.")
      .example("# web and worker both use serviceAccountName: shared",
          "# web uses sa web, worker uses sa worker")
      .tags("kubernetes", "cross-file").build();

  static final Rule UNDEFINED_SA = Rule.builder("IMP-K8S-041")
      .title("Service account referenced but not defined")
      .severity(Severity.LOW).category(Category.NHI1)
      .rationale("A workload that names a ServiceAccount the manifests do not define either "
          + "fails to start or silently relies on an account created out of band, whose "
          + "permissions and owner nobody reviews.")
      .remediation("Define the ServiceAccount next to the workload, with the RBAC it needs, "
          + "or correct the name.")
      .example("serviceAccountName: web  # no ServiceAccount web", "kind: ServiceAccount\n"
          + "metadata: {name: web}")
      .tags("kubernetes", "cross-file").build();

  static final Rule NO_NETWORK_POLICY = Rule.builder("IMP-K8S-042")
      .title("Workload not selected by any NetworkPolicy")
      .severity(Severity.MEDIUM).category(Category.SEGMENTATION)
      .rationale("Pods that no NetworkPolicy selects accept traffic from, and send traffic to, "
          + "any pod in the cluster; one compromised pod can reach every API and database.")
      .remediation("Add a default-deny NetworkPolicy (podSelector: {}) in each namespace and "
          + "allow the required flows explicitly.")
      .example("# Deployment without NetworkPolicy", "kind: NetworkPolicy\n"
          + "spec: {podSelector: {}, policyTypes: [Ingress, Egress]}")
      .tags("kubernetes", "cross-file").build();

  static final Rule WEAK_NETWORK_POLICY = Rule.builder("IMP-K8S-043")
      .title("NetworkPolicy selects nothing or allows everything")
      .severity(Severity.MEDIUM).category(Category.SEGMENTATION)
      .rationale("A policy whose selector matches no pod protects nothing (usually a label "
          + "typo), and a rule '- {}' allows all traffic in that direction, so the policy "
          + "gives a false sense of segmentation.")
      .remediation("Fix the podSelector labels so they match the workload's pod labels and "
          + "replace '- {}' with explicit from/to peers and ports.")
      .example("ingress:\n- {}", "ingress:\n- from: [{podSelector: {matchLabels: {app: web}}}]")
      .tags("kubernetes", "cross-file").build();

  static final Rule ADMIN_WORKLOAD = Rule.builder("IMP-K8S-044")
      .title("Workload runs as a service account with takeover rights")
      .severity(Severity.HIGH).category(Category.NHI5)
      .rationale("A workload whose service account is bound to cluster-admin, admin, edit or a "
          + "role that reads Secrets, execs into pods, creates pods, impersonates or escalates "
          + "hands those rights to anyone who compromises the application.")
      .remediation("Bind the workload's service account only to a narrow Role; move "
          + "administrative actions to a separate, short-lived identity.")
      .example("# sa web bound to cluster-admin", "# sa web bound to Role web-reader")
      .tags("kubernetes", "cross-file", "rbac").build();

  static List<Rule> all() {
    return List.of(SHARED_SA, UNDEFINED_SA, NO_NETWORK_POLICY, WEAK_NETWORK_POLICY,
        ADMIN_WORKLOAD);
  }
}
