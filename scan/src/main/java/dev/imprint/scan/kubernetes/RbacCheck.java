package dev.imprint.scan.kubernetes;

import static dev.imprint.scan.kubernetes.RbacRules.APISERVER_TOKENS;
import static dev.imprint.scan.kubernetes.RbacRules.APPROVE_CSR;
import static dev.imprint.scan.kubernetes.RbacRules.AWS_AUTH;
import static dev.imprint.scan.kubernetes.RbacRules.CLUSTER_ADMIN;
import static dev.imprint.scan.kubernetes.RbacRules.CREATE_PODS;
import static dev.imprint.scan.kubernetes.RbacRules.DEFAULT_SA_BINDING;
import static dev.imprint.scan.kubernetes.RbacRules.ESCALATE;
import static dev.imprint.scan.kubernetes.RbacRules.EXEC;
import static dev.imprint.scan.kubernetes.RbacRules.IMPERSONATE;
import static dev.imprint.scan.kubernetes.RbacRules.NODES_PROXY;
import static dev.imprint.scan.kubernetes.RbacRules.PORT_FORWARD;
import static dev.imprint.scan.kubernetes.RbacRules.SA_TOKEN;
import static dev.imprint.scan.kubernetes.RbacRules.SECRETS_READ;
import static dev.imprint.scan.kubernetes.RbacRules.SYSTEM_GROUP;
import static dev.imprint.scan.kubernetes.RbacRules.WEBHOOKS;
import static dev.imprint.scan.kubernetes.RbacRules.WILDCARD;

import dev.imprint.scan.Analyzer.Sink;
import dev.imprint.scan.Rule;
import dev.imprint.scan.Severity;
import dev.imprint.scan.SourceFile;
import dev.imprint.scan.kubernetes.KubernetesObject.Container;
import dev.imprint.scan.yaml.YamlList;
import dev.imprint.scan.yaml.YamlMap;
import dev.imprint.scan.yaml.YamlNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** RBAC and API-server checks of one Kubernetes object. */
record RbacCheck(SourceFile file, Sink sink, KubernetesObject obj) {
  private static final Set<String> WORKLOADS = Set.of("pods", "deployments", "daemonsets",
      "statefulsets", "replicasets", "jobs", "cronjobs", "replicationcontrollers");
  private static final Set<String> SYSTEM_GROUPS = Set.of("system:anonymous",
      "system:unauthenticated", "system:authenticated", "system:masters");

  void run() {
    switch (obj.kind()) {
      case "Role", "ClusterRole" -> role();
      case "RoleBinding", "ClusterRoleBinding" -> binding();
      default -> apiServer();
    }
  }

  /** The rules of a (Cluster)Role that the scanner considers takeover rights (K45). */
  static List<String> takeoverRights(YamlMap role) {
    List<String> out = new ArrayList<>();
    for (YamlNode n : role.list("rules")) {
      YamlMap r = n.asMap();
      if (any(r, "verbs", "*") && any(r, "resources", "*")) {
        out.add("'*' on '*'");
      }
      if (can(r, Set.of("secrets"), Set.of("get", "list", "watch"))) {
        out.add("read secrets");
      }
      if (can(r, Set.of("pods/exec"), Set.of("create", "get"))) {
        out.add("pods/exec");
      }
      if (can(r, Set.of("pods"), Set.of("create"))) {
        out.add("create pods");
      }
      if (can(r, Set.of("users", "groups", "serviceaccounts"), Set.of("impersonate"))) {
        out.add("impersonate");
      }
      if (can(r, Set.of("roles", "clusterroles"), Set.of("bind", "escalate"))) {
        out.add("bind/escalate");
      }
    }
    return out;
  }

  private void role() {
    boolean cluster = "ClusterRole".equals(obj.kind());
    for (YamlNode n : obj.node().list("rules")) {
      YamlMap r = n.asMap();
      String at = obj.address() + " ";
      if (any(r, "verbs", "*") || any(r, "resources", "*") || any(r, "apiGroups", "*")) {
        report(WILDCARD, n, "wildcard", at + "grants '*' in verbs, resources or apiGroups");
      }
      if (can(r, Set.of("secrets"), Set.of("get", "list", "watch"))) {
        sink.report(SECRETS_READ.at(file.location(n.line(), n.column()), at + "can read "
            + (cluster ? "Secrets cluster-wide" : "Secrets")).withKey(obj.address() + "/secrets")
            .withSeverity(cluster && r.list("resourceNames").size() == 0 ? Severity.HIGH
                : Severity.MEDIUM));
      }
      Set<String> creatable = new java.util.TreeSet<>();
      for (String w : WORKLOADS) {
        if (can(r, Set.of(w), Set.of("create"))) {
          creatable.add(w);
        }
      }
      if (!creatable.isEmpty() && !any(r, "resources", "*")) {
        report(CREATE_PODS, n, "create", at + "can create " + String.join(", ", creatable));
      }
      if (can(r, Set.of("pods/exec", "pods/attach"), Set.of("create", "get"))) {
        report(EXEC, n, "exec", at + "can exec or attach into pods");
      }
      if (can(r, Set.of("pods/portforward"), Set.of("create", "get"))) {
        report(PORT_FORWARD, n, "portforward", at + "can port-forward to pods");
      }
      if (can(r, Set.of("users", "groups", "serviceaccounts", "uids", "userextras"),
          Set.of("impersonate"))) {
        report(IMPERSONATE, n, "impersonate", at + "can impersonate identities");
      }
      if (can(r, Set.of("roles", "clusterroles"), Set.of("bind", "escalate"))
          || can(r, Set.of("rolebindings", "clusterrolebindings"), Set.of("create"))) {
        report(ESCALATE, n, "escalate", at + "can bind or escalate roles");
      }
      if (can(r, Set.of("nodes/proxy"), Set.of("get", "create", "update", "patch"))) {
        report(NODES_PROXY, n, "nodes/proxy", at + "can use nodes/proxy");
      }
      if (can(r, Set.of("certificatesigningrequests/approval"), Set.of("update", "patch"))
          || can(r, Set.of("signers"), Set.of("approve"))) {
        report(APPROVE_CSR, n, "csr", at + "can approve certificate signing requests");
      }
      if (can(r, Set.of("mutatingwebhookconfigurations", "validatingwebhookconfigurations"),
          Set.of("create", "update", "patch", "delete"))) {
        report(WEBHOOKS, n, "webhooks", at + "can manage admission webhook configurations");
      }
      if (can(r, Set.of("serviceaccounts/token", "serviceaccounts"), Set.of("create"))) {
        report(SA_TOKEN, n, "sa-token", at + "can create service accounts or their tokens");
      }
      YamlList names = r.list("resourceNames");
      boolean awsAuth = names.size() == 0 ? cluster || "kube-system".equals(obj.namespace())
          : any(r, "resourceNames", "aws-auth");
      if (awsAuth && !any(r, "resources", "*")
          && can(r, Set.of("configmaps"), Set.of("update", "patch", "delete"))) {
        report(AWS_AUTH, n, "aws-auth", at + "can modify the aws-auth ConfigMap");
      }
    }
  }

  private void binding() {
    YamlMap ref = obj.node().map("roleRef");
    if ("cluster-admin".equals(ref.str("name"))) {
      report(CLUSTER_ADMIN, ref, "cluster-admin", obj.address() + " binds cluster-admin");
    }
    for (YamlNode s : obj.node().list("subjects")) {
      YamlMap m = s.asMap();
      String name = m.str("name");
      if ("ServiceAccount".equals(m.str("kind")) && "default".equals(name)) {
        report(DEFAULT_SA_BINDING, s, "default-sa", obj.address() + " binds role '"
            + ref.str("name") + "' to the default service account");
      }
      if (name != null && SYSTEM_GROUPS.contains(name)) {
        report(SYSTEM_GROUP, s, "subject/" + name, obj.address() + " binds role '"
            + ref.str("name") + "' to " + name);
      }
    }
  }

  private void apiServer() {
    for (Container c : obj.containers()) {
      List<String> words = new ArrayList<>();
      for (String k : List.of("command", "args")) {
        for (YamlNode a : c.node().list(k)) {
          if (a.text() != null) {
            words.add(a.text().trim());
          }
        }
      }
      if (words.stream().noneMatch(w -> w.endsWith("kube-apiserver"))) {
        continue;
      }
      YamlNode where = c.node().has("command") ? c.node().get("command") : c.node();
      if (words.stream().anyMatch(w -> w.startsWith("--token-auth-file"))) {
        report(APISERVER_TOKENS, where, "token-auth-file", "kube-apiserver in " + obj.address()
            + " sets --token-auth-file (static tokens)");
      }
      if (words.stream().anyMatch(w -> w.equals("--service-account-lookup=false"))) {
        report(APISERVER_TOKENS, where, "sa-lookup", "kube-apiserver in " + obj.address()
            + " sets --service-account-lookup=false");
      }
      if (words.stream().noneMatch(w -> w.startsWith("--service-account-key-file"))) {
        report(APISERVER_TOKENS, where, "sa-key", "kube-apiserver in " + obj.address()
            + " does not set --service-account-key-file");
      }
    }
  }

  private static boolean can(YamlMap r, Set<String> resources, Set<String> verbs) {
    boolean res = false;
    for (YamlNode n : r.list("resources")) {
      res |= n.text() != null && (n.text().equals("*") || resources.contains(n.text()));
    }
    boolean verb = false;
    for (YamlNode n : r.list("verbs")) {
      verb |= n.text() != null && (n.text().equals("*") || verbs.contains(n.text()));
    }
    return res && verb;
  }

  private static boolean any(YamlMap r, String field, String value) {
    for (YamlNode n : r.list(field)) {
      if (value.equals(n.text())) {
        return true;
      }
    }
    return false;
  }

  private void report(Rule rule, YamlNode n, String what, String message) {
    sink.report(rule.at(file.location(n.line(), n.column()), message)
        .withKey(obj.address() + "/" + what));
  }
}
