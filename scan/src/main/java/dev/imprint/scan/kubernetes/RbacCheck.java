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

  /**
   * The rights of a (Cluster)Role that the scanner considers takeover rights (K45), as they
   * apply through a binding: a RoleBinding grants only the namespaced part of a ClusterRole.
   */
  static List<String> takeoverRights(YamlMap role, boolean namespaced) {
    List<String> out = new ArrayList<>();
    for (YamlNode n : role.list("rules")) {
      PolicyRule r = new PolicyRule(n.asMap(), namespaced);
      if (r.star("verbs") != null && r.star("resources") != null && r.reachesCoreGroup()) {
        out.add("'*' on '*'");
      }
      if (r.can(Set.of("secrets"), Set.of("get", "list", "watch"))) {
        out.add("read secrets");
      }
      if (r.can(Set.of("pods/exec"), Set.of("create", "get"))) {
        out.add("pods/exec");
      }
      if (r.can(Set.of("pods"), Set.of("create"))) {
        out.add("create pods");
      }
      if (r.can(Set.of("users", "groups", "serviceaccounts"), Set.of("impersonate"))) {
        out.add("impersonate");
      }
      if (r.can(Set.of("roles", "clusterroles"), Set.of("escalate"))
          || r.can(Set.of("roles", "clusterroles"), Set.of("bind"))) {
        out.add("bind/escalate");
      }
    }
    return out;
  }

  private void role() {
    boolean cluster = "ClusterRole".equals(obj.kind());
    List<PolicyRule> rules = new ArrayList<>();
    for (YamlNode n : obj.node().list("rules")) {
      rules.add(new PolicyRule(n.asMap(), !cluster));
    }
    boolean createsBindings = rules.stream().anyMatch(r -> r.can(
        Set.of("rolebindings", "clusterrolebindings"), Set.of("create", "update", "patch")));
    boolean writesRoles = rules.stream().anyMatch(r -> r.can(Set.of("roles", "clusterroles"),
        Set.of("create", "update", "patch")));
    String at = obj.address() + " ";
    for (PolicyRule r : rules) {
      wildcard(r, at);
      YamlNode secrets = r.grants(Set.of("secrets"), Set.of("get", "list", "watch"));
      if (secrets != null) {
        sink.report(SECRETS_READ.at(file.location(secrets.line(), secrets.column()), at
            + "can read " + (cluster ? "Secrets cluster-wide" : "Secrets"))
            .withKey(obj.address() + "/secrets")
            .withSeverity(cluster && r.resourceNames().size() == 0 ? Severity.HIGH
                : Severity.MEDIUM));
      }
      Set<String> creatable = new java.util.TreeSet<>();
      YamlNode firstCreatable = null;
      for (String w : WORKLOADS) {
        YamlNode g = r.grants(Set.of(w), Set.of("create"));
        if (g != null) {
          creatable.add(w);
          firstCreatable = firstCreatable == null ? g : firstCreatable;
        }
      }
      if (!creatable.isEmpty() && r.star("resources") == null) {
        report(CREATE_PODS, firstCreatable, "create",
            at + "can create " + String.join(", ", creatable));
      }
      reportIf(EXEC, r.grants(Set.of("pods/exec", "pods/attach"), Set.of("create", "get")),
          "exec", at + "can exec or attach into pods");
      reportIf(PORT_FORWARD, r.grants(Set.of("pods/portforward"), Set.of("create", "get")),
          "portforward", at + "can port-forward to pods");
      reportIf(IMPERSONATE, r.grants(Set.of("users", "groups", "serviceaccounts", "uids",
          "userextras"), Set.of("impersonate")), "impersonate", at + "can impersonate "
          + (cluster ? "identities" : "the namespace's service accounts"));
      escalation(r, at, createsBindings, writesRoles);
      reportIf(NODES_PROXY, r.grants(Set.of("nodes/proxy"), Set.of("get", "create", "update",
          "patch")), "nodes/proxy", at + "can use nodes/proxy");
      YamlNode csr = r.grants(Set.of("certificatesigningrequests/approval"),
          Set.of("update", "patch"));
      reportIf(APPROVE_CSR, csr != null ? csr : r.grants(Set.of("signers"), Set.of("approve")),
          "csr", at + "can approve certificate signing requests");
      reportIf(WEBHOOKS, r.grants(Set.of("mutatingwebhookconfigurations",
          "validatingwebhookconfigurations"), Set.of("create", "update", "patch", "delete")),
          "webhooks", at + "can manage admission webhook configurations");
      reportIf(SA_TOKEN, r.grants(Set.of("serviceaccounts/token", "serviceaccounts"),
          Set.of("create")), "sa-token", at + "can create service accounts or their tokens");
      YamlList names = r.resourceNames();
      boolean awsAuth = names.size() == 0 ? cluster || "kube-system".equals(obj.namespace())
          : r.lists("resourceNames", "aws-auth");
      YamlNode cm = r.grants(Set.of("configmaps"), Set.of("update", "patch", "delete"));
      if (awsAuth && r.star("resources") == null && cm != null) {
        report(AWS_AUTH, cm, "aws-auth", at + "can modify the aws-auth ConfigMap");
      }
    }
  }

  /**
   * A '*' in a rule, graded by what it reaches: every resource of the core group (Secrets,
   * pods) is high; a wildcard confined to named API groups (metrics.k8s.io) or to named
   * resources is medium when it can write and low when it only reads.
   */
  private void wildcard(PolicyRule r, String at) {
    YamlNode verbs = r.star("verbs");
    YamlNode resources = r.star("resources");
    YamlNode groups = r.star("apiGroups");
    if (verbs == null && resources == null && groups == null) {
      return;
    }
    YamlNode where = resources != null ? resources : verbs != null ? verbs : groups;
    Severity severity;
    String what;
    if (resources != null && r.reachesCoreGroup()) {
      severity = Severity.HIGH;
      what = "every resource" + (groups != null ? " of every API group" : " of the core group");
    } else if (verbs != null && r.can(SENSITIVE, Set.of("*"))) {
      severity = Severity.HIGH;
      what = "every verb on sensitive resources";
    } else {
      severity = r.writes() ? Severity.MEDIUM : Severity.LOW;
      what = resources != null ? "every resource of API groups " + texts(r.node().list(
          "apiGroups")) : verbs != null ? "every verb on " + texts(r.node().list("resources"))
          : texts(r.node().list("resources")) + " in every API group";
    }
    sink.report(WILDCARD.at(file.location(where.line(), where.column()), at + "grants '*': "
        + what).withKey(obj.address() + "/wildcard").withSeverity(severity));
  }

  /**
   * bind and escalate on roles. With the companion right (creating bindings for bind, writing
   * roles for escalate) the subject can grant itself any role: critical. Alone they are a
   * latent path. Creating role bindings without bind is not escalation: the API server only
   * lets a subject bind a role whose permissions it already holds.
   */
  private void escalation(PolicyRule r, String at, boolean createsBindings,
      boolean writesRoles) {
    YamlNode escalate = r.grants(Set.of("roles", "clusterroles"), Set.of("escalate"));
    YamlNode bind = r.grants(Set.of("roles", "clusterroles"), Set.of("bind"));
    if (escalate == null && bind == null) {
      return;
    }
    boolean real = escalate != null && writesRoles || bind != null && createsBindings;
    String how = escalate != null && writesRoles ? "can escalate the roles it can write"
        : bind != null && createsBindings ? "can create bindings to roles it does not hold"
        : escalate != null ? "holds escalate on roles (without the right to write them)"
        : "holds bind on roles (without the right to create bindings)";
    YamlNode where = escalate != null && (writesRoles || bind == null) ? escalate : bind;
    sink.report(ESCALATE.at(file.location(where.line(), where.column()), at + how)
        .withKey(obj.address() + "/escalate")
        .withSeverity(real ? Severity.CRITICAL : Severity.MEDIUM));
  }

  private static final Set<String> SENSITIVE = Set.of("secrets", "pods", "pods/exec",
      "serviceaccounts", "serviceaccounts/token", "roles", "clusterroles", "rolebindings",
      "clusterrolebindings", "nodes/proxy");

  private static String texts(YamlList list) {
    List<String> out = new ArrayList<>();
    for (YamlNode n : list) {
      out.add(n.text() == null ? "''" : n.text().isEmpty() ? "\"\"" : n.text());
    }
    return out.toString();
  }

  private void binding() {
    YamlMap ref = obj.node().map("roleRef");
    if ("cluster-admin".equals(ref.str("name"))) {
      report(CLUSTER_ADMIN, ref.get("name"), "cluster-admin",
          obj.address() + " binds cluster-admin");
    }
    for (YamlNode s : obj.node().list("subjects")) {
      YamlMap m = s.asMap();
      String name = m.str("name");
      YamlNode at = m.has("name") ? m.get("name") : s;
      if ("ServiceAccount".equals(m.str("kind")) && "default".equals(name)) {
        report(DEFAULT_SA_BINDING, at, "default-sa", obj.address() + " binds role '"
            + ref.str("name") + "' to the default service account");
      }
      if (name != null && SYSTEM_GROUPS.contains(name)) {
        report(SYSTEM_GROUP, at, "subject/" + name, obj.address() + " binds role '"
            + ref.str("name") + "' to " + name);
      }
    }
  }

  private void apiServer() {
    for (Container c : obj.containers()) {
      List<YamlNode> words = new ArrayList<>();
      for (String k : List.of("command", "args")) {
        for (YamlNode a : c.node().list(k)) {
          if (a.text() != null) {
            words.add(a);
          }
        }
      }
      if (words.stream().noneMatch(w -> w.text().trim().endsWith("kube-apiserver"))) {
        continue;
      }
      String in = "kube-apiserver in " + obj.address();
      for (YamlNode w : words) {
        String t = w.text().trim();
        if (t.startsWith("--token-auth-file")) {
          report(APISERVER_TOKENS, w, "token-auth-file", in + " sets --token-auth-file "
              + "(static tokens)");
        }
        if (t.equals("--service-account-lookup=false")) {
          report(APISERVER_TOKENS, w, "sa-lookup", in + " sets --service-account-lookup=false");
        }
      }
      if (words.stream().noneMatch(w -> w.text().trim().startsWith(
          "--service-account-key-file"))) {
        YamlNode where = c.node().has("command") ? c.node().get("command") : c.node();
        report(APISERVER_TOKENS, where, "sa-key", in + " does not set "
            + "--service-account-key-file");
      }
    }
  }

  private void reportIf(Rule rule, YamlNode n, String what, String message) {
    if (n != null) {
      report(rule, n, what, message);
    }
  }

  private void report(Rule rule, YamlNode n, String what, String message) {
    sink.report(rule.at(file.location(n.line(), n.column()), message)
        .withKey(obj.address() + "/" + what));
  }
}
