package dev.imprint.scan.kubernetes;

import dev.imprint.scan.yaml.YamlList;
import dev.imprint.scan.yaml.YamlMap;
import dev.imprint.scan.yaml.YamlNode;
import java.util.Map;
import java.util.Set;

/**
 * One rule of a Role or ClusterRole, matched the way the RBAC authorizer matches a request: the
 * request's API group, resource and verb must each be listed (or {@code *}), and a namespaced
 * Role grants nothing on cluster-scoped resources.
 *
 * @param node the rule's map
 * @param namespaced whether the rule belongs to a Role (rather than a ClusterRole)
 * @see <a href="https://kubernetes.io/docs/reference/access-authn-authz/rbac/">RBAC</a>
 */
record PolicyRule(YamlMap node, boolean namespaced) {
  static final String RBAC = "rbac.authorization.k8s.io";
  static final Set<String> WRITE_VERBS =
      Set.of("create", "update", "patch", "delete", "deletecollection");
  /** Aggregated API groups that serve only get, list and watch (metrics adapters). */
  private static final Set<String> READ_ONLY_GROUPS =
      Set.of("metrics.k8s.io", "custom.metrics.k8s.io", "external.metrics.k8s.io");

  /** The API group of each resource the rules look at. */
  private static final Map<String, Set<String>> GROUPS = Map.ofEntries(
      Map.entry("deployments", Set.of("apps", "extensions")),
      Map.entry("daemonsets", Set.of("apps", "extensions")),
      Map.entry("replicasets", Set.of("apps", "extensions")),
      Map.entry("statefulsets", Set.of("apps")),
      Map.entry("jobs", Set.of("batch")),
      Map.entry("cronjobs", Set.of("batch")),
      Map.entry("roles", Set.of(RBAC)),
      Map.entry("clusterroles", Set.of(RBAC)),
      Map.entry("rolebindings", Set.of(RBAC)),
      Map.entry("clusterrolebindings", Set.of(RBAC)),
      Map.entry("certificatesigningrequests/approval", Set.of("certificates.k8s.io")),
      Map.entry("signers", Set.of("certificates.k8s.io")),
      Map.entry("mutatingwebhookconfigurations", Set.of("admissionregistration.k8s.io")),
      Map.entry("validatingwebhookconfigurations", Set.of("admissionregistration.k8s.io")),
      Map.entry("userextras", Set.of("authentication.k8s.io")));

  /** Resources that live outside namespaces: a Role's rules never reach them. */
  private static final Set<String> CLUSTER_SCOPED = Set.of("nodes", "nodes/proxy", "users",
      "groups", "uids", "userextras", "certificatesigningrequests/approval", "signers",
      "mutatingwebhookconfigurations", "validatingwebhookconfigurations", "clusterroles",
      "clusterrolebindings", "persistentvolumes", "namespaces");

  /** The API group a resource belongs to ({@code ""} is the core group). */
  static Set<String> groupsOf(String resource) {
    return GROUPS.getOrDefault(resource, Set.of(""));
  }

  /**
   * The {@code resources} item through which this rule grants one of the verbs on one of the
   * resources (each in its own API group), or {@code null} when it grants none.
   */
  YamlNode grants(Set<String> resources, Set<String> verbs) {
    if (!anyVerb(verbs)) {
      return null;
    }
    for (String resource : resources) {
      if (namespaced && CLUSTER_SCOPED.contains(resource) && !bindsClusterRoleInNamespace(
          resource, verbs)) {
        continue;
      }
      if (!anyGroup(groupsOf(resource))) {
        continue;
      }
      YamlNode n = resourceItem(resource);
      if (n != null) {
        return n;
      }
    }
    return null;
  }

  /** Whether the rule grants one of the verbs on one of the resources. */
  boolean can(Set<String> resources, Set<String> verbs) {
    return grants(resources, verbs) != null;
  }

  /**
   * A RoleBinding in a namespace may reference a ClusterRole; the authorizer checks {@code bind}
   * on that ClusterRole within the binding's namespace, so a Role's bind on clusterroles works.
   */
  private static boolean bindsClusterRoleInNamespace(String resource, Set<String> verbs) {
    return resource.equals("clusterroles") && verbs.equals(Set.of("bind"));
  }

  private boolean anyVerb(Set<String> verbs) {
    for (YamlNode v : node.list("verbs")) {
      String t = v.text();
      if (t != null && (t.equals("*") || verbs.contains(t))) {
        return true;
      }
    }
    return false;
  }

  /** A missing apiGroups (invalid, but written in examples) is read as "any group". */
  private boolean anyGroup(Set<String> groups) {
    if (!node.has("apiGroups")) {
      return true;
    }
    for (YamlNode g : node.list("apiGroups")) {
      String t = g.text() == null ? "" : g.text();
      if (t.equals("*") || groups.contains(t)) {
        return true;
      }
    }
    return false;
  }

  private YamlNode resourceItem(String resource) {
    int slash = resource.indexOf('/');
    String base = slash < 0 ? resource : resource.substring(0, slash);
    String sub = slash < 0 ? null : resource.substring(slash + 1);
    for (YamlNode r : node.list("resources")) {
      String t = r.text();
      if (t == null) {
        continue;
      }
      if (t.equals("*") || t.equals(resource)
          || sub != null && (t.equals(base + "/*") || t.equals("*/" + sub))) {
        return r;
      }
    }
    return null;
  }

  /** The first item of a field that is exactly {@code *}, or {@code null}. */
  YamlNode star(String field) {
    for (YamlNode n : node.list(field)) {
      if ("*".equals(n.text())) {
        return n;
      }
    }
    return null;
  }

  /** Whether a field lists a value. */
  boolean lists(String field, String value) {
    for (YamlNode n : node.list(field)) {
      if (value.equals(n.text())) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether the rule's verbs include a write verb (or {@code *}) on an API group that can be
   * written: the metrics APIs serve only get, list and watch, whatever a role lists.
   */
  boolean writes() {
    if (node.list("apiGroups").size() > 0) {
      boolean readOnly = true;
      for (YamlNode g : node.list("apiGroups")) {
        readOnly &= g.text() != null && READ_ONLY_GROUPS.contains(g.text());
      }
      if (readOnly) {
        return false;
      }
    }
    for (YamlNode v : node.list("verbs")) {
      String t = v.text();
      if (t != null && (t.equals("*") || WRITE_VERBS.contains(t))) {
        return true;
      }
    }
    return false;
  }

  /** Whether the rule reaches the core API group (listed as {@code ""}, or {@code *}). */
  boolean reachesCoreGroup() {
    return !node.has("apiGroups") || lists("apiGroups", "") || lists("apiGroups", "*");
  }

  /** The names the rule is limited to (empty: every object). */
  YamlList resourceNames() {
    return node.list("resourceNames");
  }
}
