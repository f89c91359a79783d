package dev.imprint.scan.kubernetes;

import static dev.imprint.scan.kubernetes.CrossRules.ADMIN_WORKLOAD;
import static dev.imprint.scan.kubernetes.CrossRules.NO_NETWORK_POLICY;
import static dev.imprint.scan.kubernetes.CrossRules.SHARED_SA;
import static dev.imprint.scan.kubernetes.CrossRules.UNDEFINED_SA;
import static dev.imprint.scan.kubernetes.CrossRules.WEAK_NETWORK_POLICY;
import static dev.imprint.scan.kubernetes.WorkloadRules.AUTOMOUNT;

import dev.imprint.scan.Analyzer.Sink;
import dev.imprint.scan.Finding;
import dev.imprint.scan.Location;
import dev.imprint.scan.Rule;
import dev.imprint.scan.SourceFile;
import dev.imprint.scan.yaml.YamlMap;
import dev.imprint.scan.yaml.YamlNode;
import dev.imprint.scan.yaml.YamlScalar;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The cross-object checks, run once at the end of a scan over the objects that can meet: each
 * object is placed where {@link ApplyUnits} says it is applied, and the checks combine only
 * objects of one scope (a unit's own namespace, or a namespace named across the target).
 */
final class CrossCheck {
  /** An object and the file it came from. */
  record Entry(SourceFile file, KubernetesObject obj) {}

  /** An object as rendered in one place: its scope and the namespace shown in messages. */
  private record Placed(Entry e, String unit, String scope, String namespace) {
    KubernetesObject obj() {
      return e.obj();
    }

    String address() {
      KubernetesObject o = e.obj();
      return o.clusterScoped() ? o.address() : o.kind() + "/" + namespace + "/" + o.name();
    }
  }

  private static final Set<String> ADMIN_ROLES = Set.of("cluster-admin", "admin", "edit");
  private final List<Entry> all;
  private final ApplyUnits units;
  private final Sink sink;
  /** Findings keyed by rule, place and identity: an object placed twice is reported once. */
  private final Map<String, Finding> out = new LinkedHashMap<>();

  CrossCheck(List<Entry> all, ApplyUnits units, Sink sink) {
    this.all = all;
    this.units = units;
    this.sink = sink;
  }

  void run() {
    List<Placed> placed = new ArrayList<>();
    for (Entry e : all) {
      for (ApplyUnits.Placement p : units.placements(e.file())) {
        String ns = p.namespace() != null ? p.namespace() : e.obj().namespace();
        String shown = ns == null || ns.isBlank() ? "default" : ns;
        placed.add(new Placed(e, p.unit(), ApplyUnits.scope(e.file().root(), p.unit(), ns),
            shown));
      }
    }
    Map<String, List<Placed>> byScope = new LinkedHashMap<>();
    for (Placed p : placed) {
      if (!p.obj().clusterScoped()) {
        byScope.computeIfAbsent(p.scope(), k -> new ArrayList<>()).add(p);
      }
    }
    Map<String, List<String>> takeover = takeover(placed);
    for (List<Placed> scope : byScope.values()) {
      serviceAccounts(scope, takeover);
      networkPolicies(scope);
    }
    for (Finding f : out.values()) {
      sink.report(f);
    }
  }

  private void serviceAccounts(List<Placed> scope, Map<String, List<String>> takeover) {
    Map<String, Placed> accounts = new HashMap<>();
    Map<String, List<Placed>> bySa = new LinkedHashMap<>();
    for (Placed p : scope) {
      if ("ServiceAccount".equals(p.obj().kind())) {
        accounts.putIfAbsent(p.obj().name(), p);
      }
      String sa = sa(p.obj());
      if (sa != null) {
        bySa.computeIfAbsent(sa, k -> new ArrayList<>()).add(p);
      }
    }
    for (Placed p : scope) {
      automount(p, accounts);
    }
    for (Map.Entry<String, List<Placed>> g : bySa.entrySet()) {
      String sa = g.getKey();
      if (sa.equals("default") || templated(sa)) {
        continue;
      }
      Set<String> apps = new TreeSet<>();
      for (Placed p : g.getValue()) {
        apps.add(app(p.obj()));
      }
      for (Placed p : g.getValue()) {
        String named = p.namespace() + "/" + sa;
        if (apps.size() > 1) {
          report(SHARED_SA, p, saNode(p.obj()), "shared-sa", p.address()
              + " shares service account '" + named + "' with other applications " + apps);
        }
        // Only when the scope defines service accounts: otherwise the manifests are evidently
        // not the complete source of accounts and it would be noise.
        if (!accounts.isEmpty() && !accounts.containsKey(sa)) {
          report(UNDEFINED_SA, p, saNode(p.obj()), "undefined-sa", p.address()
              + " uses service account '" + named + "' which no manifest applied with it "
              + "defines");
        }
        List<String> rights = takeover.get(p.scope() + "\u0000" + sa);
        if (rights != null) {
          report(ADMIN_WORKLOAD, p, saNode(p.obj()), "admin-sa", p.address()
              + " runs as service account '" + named + "' which holds "
              + String.join(", ", new TreeSet<>(rights)));
        }
      }
    }
  }

  /**
   * K1: a pod mounts its service account's token unless the pod or its ServiceAccount sets
   * {@code automountServiceAccountToken: false} (a pod's own {@code true} wins, and is reported
   * where it is written by the per-object checks).
   */
  private void automount(Placed p, Map<String, Placed> accounts) {
    YamlMap spec = p.obj().podSpec();
    if (spec == null || !spec.lacks("automountServiceAccountToken")) {
      return;
    }
    String sa = sa(p.obj());
    String name = sa == null ? "default" : sa;
    if (templated(name)) {
      return;
    }
    Placed account = accounts.get(name);
    if (account != null && account.obj().node().isFalse("automountServiceAccountToken")) {
      return;
    }
    if (account != null && account.obj().node().unknown("automountServiceAccountToken")) {
      return;
    }
    Location at = p.e().file().location(p.obj().podSpecLine(), p.obj().podSpecColumn());
    add(AUTOMOUNT.at(at, p.address() + " does not set automountServiceAccountToken: false, nor "
        + "does its service account '" + name + "'"), p.obj().address() + "/automount");
  }

  /** Service account (scope + NUL + name) -> the takeover rights bound to it. */
  private Map<String, List<String>> takeover(List<Placed> placed) {
    Map<String, YamlMap> roles = new HashMap<>();
    Map<String, YamlMap> clusterRoles = new HashMap<>();
    for (Placed p : placed) {
      String k = p.obj().kind();
      if (k.equals("Role")) {
        roles.put(p.scope() + "\u0000" + p.obj().name(), p.obj().node());
      } else if (k.equals("ClusterRole")) {
        clusterRoles.putIfAbsent(p.e().file().root() + "\u0000" + p.unit() + "\u0000"
            + p.obj().name(), p.obj().node());
        clusterRoles.putIfAbsent(p.e().file().root() + "\u0000" + p.obj().name(),
            p.obj().node());
      }
    }
    Map<String, List<String>> out = new HashMap<>();
    for (Placed p : placed) {
      String k = p.obj().kind();
      if (!k.equals("RoleBinding") && !k.equals("ClusterRoleBinding")) {
        continue;
      }
      boolean namespaced = k.equals("RoleBinding");
      YamlMap ref = p.obj().node().map("roleRef");
      String name = ref.str("name");
      if (name == null) {
        continue;
      }
      String root = p.e().file().root();
      YamlMap role = "Role".equals(ref.str("kind")) ? roles.get(p.scope() + "\u0000" + name)
          : clusterRoles.getOrDefault(root + "\u0000" + p.unit() + "\u0000" + name,
              clusterRoles.get(root + "\u0000" + name));
      List<String> rights = new ArrayList<>();
      if (role != null) {
        rights.addAll(RbacCheck.takeoverRights(role, namespaced));
      } else if (ADMIN_ROLES.contains(name) && !"Role".equals(ref.str("kind"))) {
        rights.add(name);
      }
      if (rights.isEmpty()) {
        continue;
      }
      for (YamlNode s : p.obj().node().list("subjects")) {
        YamlMap m = s.asMap();
        if ("ServiceAccount".equals(m.str("kind")) && m.str("name") != null) {
          String subjectScope = m.str("namespace") != null
              ? ApplyUnits.scope(root, p.unit(), m.str("namespace")) : p.scope();
          out.computeIfAbsent(subjectScope + "\u0000" + m.str("name"), x -> new ArrayList<>())
              .addAll(rights);
        }
      }
    }
    return out;
  }

  private void networkPolicies(List<Placed> scope) {
    List<Placed> policies = new ArrayList<>();
    List<Placed> workloads = new ArrayList<>();
    for (Placed p : scope) {
      if ("NetworkPolicy".equals(p.obj().kind())) {
        policies.add(p);
      } else if (p.obj().isWorkload()) {
        workloads.add(p);
      }
    }
    for (Placed w : workloads) {
      boolean selected = false;
      for (Placed p : policies) {
        selected |= selects(p.obj().node().map("spec").map("podSelector"), w.obj().podLabels());
      }
      if (!selected) {
        report(NO_NETWORK_POLICY, w, null, "netpol", w.address()
            + " is not selected by any NetworkPolicy applied with it, and its namespace has no "
            + "default-deny");
      }
    }
    for (Placed p : policies) {
      YamlMap spec = p.obj().node().map("spec");
      YamlMap sel = spec.map("podSelector");
      boolean any = false;
      for (Placed w : workloads) {
        any |= selects(sel, w.obj().podLabels());
      }
      if (!workloads.isEmpty() && !any) {
        YamlNode at = spec.has("podSelector") ? spec.get("podSelector") : null;
        report(WEAK_NETWORK_POLICY, p, at, "selects-nothing", p.address()
            + " podSelector matches no workload applied with it");
      }
      for (String dir : List.of("ingress", "egress")) {
        for (YamlNode r : spec.list(dir)) {
          if (r instanceof YamlMap m && m.isEmpty() && !m.templated()) {
            add(WEAK_NETWORK_POLICY.at(p.e().file().location(r.line(), r.column()),
                p.address() + " allows all " + dir + " with '- {}'"),
                p.obj().address() + "/allow-all/" + dir);
          }
        }
      }
    }
  }

  /**
   * matchLabels must be a subset of the pod's labels; matchExpressions, and labels decided at
   * render time, are assumed to match (no false alarm).
   */
  static boolean selects(YamlMap selector, YamlMap labels) {
    if (selector.map("matchLabels").templated()) {
      return true;
    }
    for (Map.Entry<String, YamlNode> e : selector.map("matchLabels").entries().entrySet()) {
      String want = e.getValue().text();
      String have = labels.str(e.getKey());
      if (want != null && (templated(want) || have == null && labels.templated()
          || have != null && templated(have))) {
        continue;
      }
      if (want == null || !want.equals(have)) {
        return false;
      }
    }
    return true;
  }

  private static boolean templated(String s) {
    return s.contains("${") || s.contains("{{");
  }

  static String sa(KubernetesObject o) {
    YamlMap spec = o.podSpec();
    if (spec == null) {
      return null;
    }
    String sa = spec.str("serviceAccountName");
    sa = sa == null ? spec.str("serviceAccount") : sa;
    return sa == null || sa.isBlank() ? null : sa.trim();
  }

  private static YamlNode saNode(KubernetesObject o) {
    YamlMap spec = o.podSpec();
    YamlNode n = spec.get("serviceAccountName");
    return n instanceof YamlScalar ? n : spec.get("serviceAccount");
  }

  private static String app(KubernetesObject o) {
    YamlMap l = o.podLabels();
    for (String k : List.of("app.kubernetes.io/name", "app", "k8s-app", "name")) {
      if (l.str(k) != null) {
        return l.str(k);
      }
    }
    return o.name();
  }

  /** Reports at a node, or at the object when the node is null (a missing attribute). */
  private void report(Rule rule, Placed p, YamlNode at, String what, String message) {
    Location loc = at == null
        ? p.e().file().location(p.obj().line(), p.obj().column())
        : p.e().file().location(at.line(), at.column());
    add(rule.at(loc, message), p.obj().address() + "/" + what);
  }

  private void add(Finding f, String key) {
    Finding k = f.withKey(key);
    out.putIfAbsent(f.ruleId() + "\u0000" + f.location() + "\u0000" + key, k);
  }
}
