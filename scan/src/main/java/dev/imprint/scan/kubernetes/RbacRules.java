package dev.imprint.scan.kubernetes;

import dev.imprint.scan.Category;
import dev.imprint.scan.Rule;
import dev.imprint.scan.Severity;
import java.util.List;

/** Metadata of the Kubernetes RBAC and API-server rules. */
final class RbacRules {
  private RbacRules() {}

  private static Rule rule(String id, String title, Severity sev, Category cat, String why,
      String fix, String bad, String good) {
    return Rule.builder(id).title(title).severity(sev).category(cat).rationale(why)
        .remediation(fix).example(bad, good).tags("kubernetes", "rbac").build();
  }

  private static final String LEAST = " Grant only the verbs and resources the workload needs, "
      + "in a namespaced Role, limited with resourceNames where possible.";

  static final Rule DEFAULT_SA_BINDING = rule("IMP-K8S-024",
      "Role bound to the default service account", Severity.MEDIUM, Category.NHI9,
      "Every pod without serviceAccountName runs as the default service account, so "
          + "permissions bound to it silently extend to every such workload in the namespace.",
      "Create a dedicated ServiceAccount for the workload that needs the permission and bind "
          + "the role to it instead of default.",
      "subjects:\n- {kind: ServiceAccount, name: default}",
      "subjects:\n- {kind: ServiceAccount, name: web}");

  static final Rule CLUSTER_ADMIN = rule("IMP-K8S-025", "Binding to cluster-admin",
      Severity.CRITICAL, Category.NHI5,
      "cluster-admin is full control of the cluster, including every Secret and the ability to "
          + "grant itself anything; a compromised subject means a compromised cluster.",
      "Bind a purpose-built Role with only the needed rights." + LEAST,
      "roleRef: {kind: ClusterRole, name: cluster-admin}",
      "roleRef: {kind: Role, name: web-reader}");

  static final Rule WILDCARD = rule("IMP-K8S-026", "Wildcard in RBAC rule", Severity.HIGH,
      Category.NHI5,
      "A '*' in verbs, resources or apiGroups grants every present and future permission of "
          + "that kind, including escalation paths added by new resources and CRDs. It is high "
          + "when it reaches every resource of the core group (Secrets, pods) or every verb on "
          + "sensitive resources, medium when it is confined to named API groups or resources "
          + "and can write, low when it only reads (the metrics APIs serve nothing but reads).",
      "List the exact verbs, resources and apiGroups." + LEAST,
      "rules:\n- {apiGroups: ['*'], resources: ['*'], verbs: ['*']}",
      "rules:\n- {apiGroups: [''], resources: [configmaps], verbs: [get]}");

  static final Rule SECRETS_READ = rule("IMP-K8S-027", "Role can read Secrets",
      Severity.MEDIUM, Category.NHI5,
      "get, list or watch on secrets exposes every credential stored in the namespace (or the "
          + "cluster, for a ClusterRole), including other service accounts' tokens.",
      "Remove read access to secrets or restrict it with resourceNames to the single Secret "
          + "the workload needs; better, mount that Secret instead of reading it via the API.",
      "- {resources: [secrets], verbs: [get, list]}",
      "- {resources: [secrets], resourceNames: [web-tls], verbs: [get]}");

  static final Rule CREATE_PODS = rule("IMP-K8S-028", "Role can create pods or workloads",
      Severity.HIGH, Category.NHI5,
      "Whoever can create pods can run any image as any service account of the namespace and "
          + "mount its Secrets, which is equivalent to holding all of them.",
      "Leave workload creation to the deployment pipeline's identity." + LEAST,
      "- {resources: [pods], verbs: [create]}", "- {resources: [pods], verbs: [get, list]}");

  static final Rule EXEC = rule("IMP-K8S-029", "Role can exec or attach into pods",
      Severity.HIGH, Category.NHI5,
      "pods/exec and pods/attach give a shell in running containers, with their service "
          + "account tokens, mounted Secrets and network position.",
      "Remove pods/exec and pods/attach from non-human roles; grant them to humans through "
          + "just-in-time access with audit.",
      "- {resources: [pods/exec], verbs: [create]}", "- {resources: [pods/log], verbs: [get]}");

  static final Rule PORT_FORWARD = rule("IMP-K8S-030", "Role can port-forward to pods",
      Severity.MEDIUM, Category.SEGMENTATION,
      "pods/portforward tunnels into any pod port, bypassing Services, NetworkPolicies and "
          + "ingress authentication.",
      "Remove pods/portforward from the role; expose what is needed through a Service.",
      "- {resources: [pods/portforward], verbs: [create]}",
      "- {resources: [services], verbs: [get]}");

  static final Rule IMPERSONATE = rule("IMP-K8S-031", "Role can impersonate identities",
      Severity.CRITICAL, Category.NHI5,
      "The impersonate verb lets the subject act as any user, group or service account it "
          + "names, including cluster administrators.",
      "Remove impersonate, or restrict it with resourceNames to a specific low-privilege "
          + "identity.",
      "- {resources: [users, groups], verbs: [impersonate]}",
      "- {resources: [serviceaccounts], resourceNames: [reader], verbs: [impersonate]}");

  static final Rule ESCALATE = rule("IMP-K8S-032", "Role can bind or escalate roles",
      Severity.CRITICAL, Category.NHI5,
      "bind on roles together with creating role bindings, or escalate together with writing "
          + "roles, lets the subject grant itself or others permissions it does not hold, up "
          + "to cluster-admin (critical); bind or escalate alone is a latent path (medium). "
          + "Creating role bindings alone is not escalation: the API server only lets a "
          + "subject bind a role whose permissions it already holds.",
      "Remove bind and escalate from workload roles; leave role management to the cluster's "
          + "platform pipeline.",
      "- {resources: [clusterroles], verbs: [bind, escalate]}",
      "- {resources: [roles], verbs: [get]}");

  static final Rule NODES_PROXY = rule("IMP-K8S-033", "Role can use nodes/proxy",
      Severity.HIGH, Category.NHI5,
      "nodes/proxy reaches the kubelet API, which can run commands in any pod on the node "
          + "and is not covered by the API server's pod-level authorization.",
      "Remove nodes/proxy; read node metrics through the metrics API instead.",
      "- {resources: [nodes/proxy], verbs: [get]}", "- {resources: [nodes], verbs: [get]}");

  static final Rule APPROVE_CSR = rule("IMP-K8S-034", "Role can approve certificate requests",
      Severity.HIGH, Category.NHI4,
      "Approving CSRs lets the subject issue client certificates, e.g. for system:masters or "
          + "a node, which authenticate to the API server as that identity.",
      "Leave CSR approval to the controller manager; remove certificatesigningrequests/approval "
          + "and signers approve from workload roles.",
      "- {resources: [certificatesigningrequests/approval], verbs: [update]}",
      "- {resources: [certificatesigningrequests], verbs: [get]}");

  static final Rule WEBHOOKS = rule("IMP-K8S-035", "Role can manage admission webhooks",
      Severity.HIGH, Category.NHI5,
      "Creating or changing mutating/validating webhook configurations lets the subject see "
          + "and rewrite every object sent to the API server, including Secrets and pods.",
      "Restrict webhook configuration management to the cluster's platform pipeline.",
      "- {resources: [mutatingwebhookconfigurations], verbs: [create, patch]}",
      "- {resources: [mutatingwebhookconfigurations], verbs: [get]}");

  static final Rule SA_TOKEN = rule("IMP-K8S-036",
      "Role can create service accounts or their tokens", Severity.HIGH, Category.NHI5,
      "serviceaccounts/token create mints tokens for any service account in scope, and "
          + "creating service accounts makes new identities outside review.",
      "Remove serviceaccounts/token and serviceaccounts create from workload roles.",
      "- {resources: [serviceaccounts/token], verbs: [create]}",
      "- {resources: [serviceaccounts], verbs: [get]}");

  static final Rule SYSTEM_GROUP = rule("IMP-K8S-037",
      "Binding to anonymous, all-authenticated or system:masters", Severity.CRITICAL,
      Category.NHI4,
      "system:anonymous and system:unauthenticated are anyone who can reach the API server, "
          + "system:authenticated is every identity in the cluster, and system:masters "
          + "bypasses RBAC entirely.",
      "Bind roles to specific users, groups or service accounts.",
      "subjects:\n- {kind: Group, name: system:authenticated}",
      "subjects:\n- {kind: Group, name: shop-readers}");

  static final Rule AWS_AUTH = rule("IMP-K8S-038", "Role can modify the EKS aws-auth ConfigMap",
      Severity.CRITICAL, Category.NHI5,
      "aws-auth maps IAM roles to Kubernetes groups; whoever can edit it can map any IAM "
          + "principal to system:masters.",
      "Remove write access to configmaps in kube-system; manage access with EKS access "
          + "entries instead of aws-auth.",
      "- {resources: [configmaps], resourceNames: [aws-auth], verbs: [update]}",
      "- {resources: [configmaps], resourceNames: [aws-auth], verbs: [get]}");

  static final Rule APISERVER_TOKENS = rule("IMP-K8S-039",
      "API server service account token hygiene", Severity.HIGH, Category.NHI7,
      "--token-auth-file accepts static, never-expiring tokens; --service-account-lookup=false "
          + "accepts tokens of deleted service accounts; without --service-account-key-file "
          + "token signatures cannot be verified or rotated.",
      "Remove --token-auth-file, keep --service-account-lookup=true and set "
          + "--service-account-key-file.",
      "- --token-auth-file=/etc/kubernetes/tokens.csv",
      "- --service-account-key-file=/etc/kubernetes/pki/sa.pub");

  static List<Rule> all() {
    return List.of(DEFAULT_SA_BINDING, CLUSTER_ADMIN, WILDCARD, SECRETS_READ, CREATE_PODS,
        EXEC, PORT_FORWARD, IMPERSONATE, ESCALATE, NODES_PROXY, APPROVE_CSR, WEBHOOKS,
        SA_TOKEN, SYSTEM_GROUP, AWS_AUTH, APISERVER_TOKENS);
  }
}
