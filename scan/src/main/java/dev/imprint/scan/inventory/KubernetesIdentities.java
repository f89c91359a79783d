package dev.imprint.scan.inventory;

import dev.imprint.scan.kubernetes.KubernetesObject;
import dev.imprint.scan.yaml.YamlMap;
import dev.imprint.scan.yaml.YamlNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Kubernetes service accounts with the workloads that run as them, whether their token is
 * mounted, and their effective RBAC from the (Cluster)RoleBindings of the scan.
 */
final class KubernetesIdentities {
  private static final Set<String> WRITE_VERBS =
      Set.of("create", "update", "patch", "delete", "deletecollection", "*");
  private static final Set<String> READ_VERBS = Set.of("get", "list", "watch", "*");

  /** What the Kubernetes model adds: identities and RBAC links. */
  record Result(List<Identity> identities, List<Link> links) {}

  /** One service account as it accumulates. */
  private static final class Sa {
    final String namespace;
    final String name;
    Place location;
    boolean declared;
    Boolean automount;
    final List<String> workloads = new ArrayList<>();
    final List<Place> workloadPlaces = new ArrayList<>();
    final Set<String> workloadNamespaces = new TreeSet<>();
    boolean mountedSomewhere;
    String access = "none";
    final Set<String> rights = new LinkedHashSet<>();
    final Set<String> bindingNamespaces = new TreeSet<>();
    final List<String> details = new ArrayList<>();
    final List<Link> links = new ArrayList<>();
    final List<String> legacySecrets = new ArrayList<>();
    boolean clusterAdmin;

    Sa(String namespace, String name) {
      this.namespace = namespace;
      this.name = name;
    }

    String id() {
      return "k8s:sa/" + namespace + "/" + name;
    }

    void raise(String level) {
      access = Access.max(access, level);
    }
  }

  /** A Role or ClusterRole's summary. */
  private record Summary(String access, Set<String> rights) {}

  private KubernetesIdentities() {}

  static Result build(Iterable<Facts.K8sObject> objects) {
    Map<String, Sa> sas = new TreeMap<>();
    Map<String, Summary> roles = new LinkedHashMap<>();
    Map<String, Place> roleAt = new LinkedHashMap<>();
    List<Facts.K8sObject> bindings = new ArrayList<>();
    List<Facts.K8sObject> all = new ArrayList<>();
    objects.forEach(all::add);
    all.sort((a, b) -> new Place(a.path(), a.object().line()).compareTo(
        new Place(b.path(), b.object().line())));
    for (Facts.K8sObject fo : all) {
      KubernetesObject o = fo.object();
      String ns = o.effectiveNamespace();
      switch (String.valueOf(o.kind())) {
        case "ServiceAccount" -> {
          Sa sa = sa(sas, ns, o.name());
          sa.declared = true;
          sa.location = new Place(fo.path(), o.line());
          YamlNode am = o.node().get("automountServiceAccountToken");
          if (am != null && am.text() != null) {
            sa.automount = !"false".equals(am.text());
          }
        }
        case "Role", "ClusterRole" -> {
          String key = "Role".equals(o.kind()) ? "Role/" + ns + "/" + o.name()
              : "ClusterRole/" + o.name();
          roles.put(key, summarise(o.node()));
          roleAt.put(key, new Place(fo.path(), o.line()));
        }
        case "RoleBinding", "ClusterRoleBinding" -> bindings.add(fo);
        case "Secret" -> {
          if ("kubernetes.io/service-account-token".equals(o.node().str("type"))) {
            YamlNode a = o.node().at("metadata", "annotations",
                "kubernetes.io/service-account.name");
            if (a != null && a.text() != null) {
              sa(sas, ns, a.text()).legacySecrets.add(fo.path() + ":" + o.line());
            }
          }
        }
        default -> { }
      }
    }
    for (Facts.K8sObject fo : all) {
      KubernetesObject o = fo.object();
      YamlMap spec = o.podSpec();
      if (spec == null) {
        continue;
      }
      String ns = o.effectiveNamespace();
      String name = spec.str("serviceAccountName");
      if (name == null) {
        name = spec.str("serviceAccount");
      }
      Sa sa = sa(sas, ns, name == null ? "default" : name);
      YamlNode am = spec.get("automountServiceAccountToken");
      boolean mounted = am == null || am.text() == null ? !Boolean.FALSE.equals(sa.automount)
          : !"false".equals(am.text());
      Place at = new Place(fo.path(), o.line());
      String workload = o.kind() + "/" + o.name();
      sa.workloads.add(workload + " (" + at + ")");
      sa.workloadPlaces.add(at);
      sa.workloadNamespaces.add(ns);
      sa.links.add(new Link(Inventory.LINK_RUNS_AS, "k8s:workload/" + ns + "/" + workload,
          sa.id(), at, at, workload + " in namespace " + ns + " runs as service account "
              + sa.namespace + "/" + sa.name + (name == null
                  ? " (implicitly: no serviceAccountName, so the namespace's default)" : "")
              + (mounted ? " with its token mounted" : " without mounting its token")));
      sa.mountedSomewhere |= mounted;
      if (sa.location == null) {
        sa.location = at;
      }
    }
    for (Facts.K8sObject fo : bindings) {
      bind(fo, sas, roles, roleAt);
    }
    List<Identity> out = new ArrayList<>();
    List<Link> links = new ArrayList<>();
    for (Sa sa : sas.values()) {
      if (sa.location == null) {
        continue;
      }
      out.add(identity(sa));
      links.addAll(sa.links);
    }
    return new Result(out, links);
  }

  private static Sa sa(Map<String, Sa> sas, String ns, String name) {
    return sas.computeIfAbsent(ns + "/" + name, k -> new Sa(ns, name));
  }

  private static void bind(Facts.K8sObject fo, Map<String, Sa> sas, Map<String, Summary> roles,
      Map<String, Place> roleAt) {
    KubernetesObject b = fo.object();
    YamlMap ref = b.node().map("roleRef");
    String refKind = ref.str("kind");
    String refName = ref.str("name");
    if (refName == null) {
      return;
    }
    boolean cluster = "ClusterRoleBinding".equals(b.kind());
    String ns = b.effectiveNamespace();
    String roleKey = "Role".equals(refKind) ? "Role/" + ns + "/" + refName
        : "ClusterRole/" + refName;
    Summary s = roles.get(roleKey);
    if (s == null) {
      s = builtIn(refName, "ClusterRole".equals(refKind));
    }
    for (YamlNode n : b.node().list("subjects")) {
      YamlMap subj = n.asMap();
      if (!"ServiceAccount".equals(subj.str("kind")) || subj.str("name") == null) {
        continue;
      }
      String sns = subj.str("namespace") != null ? subj.str("namespace") : ns;
      Sa sa = sa(sas, sns, subj.str("name"));
      Place at = new Place(fo.path(), b.line());
      if (sa.location == null) {
        sa.location = at;
      }
      String scope = cluster ? "cluster-wide" : "in namespace " + ns;
      sa.bindingNamespaces.add(cluster ? "*" : ns);
      if (s == null) {
        sa.raise("unknown");
        sa.details.add(b.kind() + " " + b.name() + " -> " + refKind + " " + refName + " "
            + scope + " (role not in scan)");
        continue;
      }
      sa.raise(s.access());
      sa.rights.addAll(s.rights());
      sa.details.add(b.kind() + " " + b.name() + " -> " + refKind + " " + refName + " " + scope
          + " (" + s.access() + ")");
      if ("ClusterRole".equals(refKind) && "cluster-admin".equals(refName)) {
        sa.clusterAdmin = true;
      }
      sa.links.add(new Link(Inventory.LINK_RBAC, sa.id(), "k8s:" + roleKey,
          sa.location, roleAt.getOrDefault(roleKey, at),
          "service account " + sa.namespace + "/" + sa.name + " is bound by " + b.kind() + " "
              + b.name() + " (" + fo.path() + ":" + b.line() + ") to " + refKind + " "
              + refName + " " + scope + ", which may do: " + s.access()
              + (s.rights().isEmpty() ? "" : " (" + String.join(", ", s.rights()) + ")")));
    }
  }

  private static Summary builtIn(String name, boolean clusterRole) {
    if (!clusterRole) {
      return null;
    }
    return switch (name) {
      case "cluster-admin" -> new Summary("admin",
          new LinkedHashSet<>(List.of("wildcard: * on *", "secrets read", "pods/exec",
              "impersonate", "escalate/bind")));
      case "admin" -> new Summary("write",
          new LinkedHashSet<>(List.of("secrets read", "pods/exec", "role bindings")));
      case "edit" -> new Summary("write", new LinkedHashSet<>(List.of("secrets read",
          "pods/exec")));
      case "view" -> new Summary("read", new LinkedHashSet<>());
      default -> null;
    };
  }

  /** The access level and notable rights of a Role or ClusterRole's rules. */
  static Summary summarise(YamlMap role) {
    String access = "none";
    Set<String> rights = new LinkedHashSet<>();
    for (YamlNode n : role.list("rules")) {
      YamlMap rule = n.asMap();
      Set<String> verbs = texts(rule.get("verbs"));
      Set<String> resources = texts(rule.get("resources"));
      Set<String> groups = texts(rule.get("apiGroups"));
      boolean allVerbs = verbs.contains("*");
      boolean allResources = resources.contains("*");
      if (allVerbs || allResources) {
        rights.add("wildcard: " + (allVerbs ? "*" : String.join(",", verbs)) + " on "
            + (allResources ? "*" : String.join(",", resources)));
      }
      if (allVerbs && allResources && (groups.isEmpty() || groups.contains("*"))) {
        access = "admin";
      }
      boolean write = verbs.stream().anyMatch(WRITE_VERBS::contains);
      boolean read = verbs.stream().anyMatch(READ_VERBS::contains);
      if (write && !"admin".equals(access)) {
        access = "write";
      } else if (read && "none".equals(access)) {
        access = "read";
      }
      if ((resources.contains("secrets") || allResources) && read) {
        rights.add("secrets read");
      }
      if ((resources.contains("pods/exec") || allResources)
          && (verbs.contains("create") || allVerbs)) {
        rights.add("pods/exec");
      }
      if (verbs.contains("impersonate") || allVerbs && allResources) {
        rights.add("impersonate");
      }
      if (verbs.contains("escalate") || verbs.contains("bind") || allVerbs && allResources) {
        rights.add("escalate/bind");
      }
    }
    return new Summary(access, rights);
  }

  private static Set<String> texts(YamlNode n) {
    Set<String> out = new TreeSet<>();
    if (n == null) {
      return out;
    }
    if (n.text() != null) {
      out.add(n.text());
    }
    for (YamlNode x : n.asList()) {
      if (x.text() != null) {
        out.add(x.text());
      }
    }
    return out;
  }

  private static Identity identity(Sa sa) {
    List<String> flags = new ArrayList<>();
    if ("default".equals(sa.name) && !sa.workloads.isEmpty()) {
      flags.add("default-service-account");
    }
    if (sa.workloads.size() > 1) {
      flags.add("shared-by-workloads");
    }
    if (sa.clusterAdmin) {
      flags.add("cluster-admin");
    }
    if (sa.bindingNamespaces.size() > 1 || sa.workloadNamespaces.size() > 1) {
      flags.add("shared-across-namespaces");
    }
    if (!sa.legacySecrets.isEmpty()) {
      flags.add("legacy-token-secret");
    }
    if (sa.mountedSomewhere) {
      flags.add("token-automounted");
    }
    if ("admin".equals(sa.access)) {
      flags.add("admin");
    }
    if (!sa.declared && !"default".equals(sa.name)) {
      flags.add("not-declared-in-scan");
    }
    List<String> details = new ArrayList<>();
    details.add("token automounted: " + (sa.workloads.isEmpty() ? "no workload in scan"
        : sa.mountedSomewhere ? "yes" : "no"));
    details.addAll(sa.details);
    for (String s : sa.legacySecrets) {
      details.add("legacy long-lived token Secret at " + s);
    }
    String credential = sa.legacySecrets.isEmpty() ? "token" : "long-lived token";
    if (sa.workloads.size() > 1) {
      details.add(0, "shared by " + sa.workloads.size() + " workloads");
    }
    return new Identity(sa.id(), Inventory.KIND_K8S_SA, sa.namespace + "/" + sa.name,
        sa.location, sa.access, List.copyOf(sa.rights), credential, List.of(), sa.workloads,
        flags, details);
  }
}
