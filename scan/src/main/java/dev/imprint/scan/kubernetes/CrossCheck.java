package dev.imprint.scan.kubernetes;

import static dev.imprint.scan.kubernetes.CrossRules.ADMIN_WORKLOAD;
import static dev.imprint.scan.kubernetes.CrossRules.NO_NETWORK_POLICY;
import static dev.imprint.scan.kubernetes.CrossRules.SHARED_SA;
import static dev.imprint.scan.kubernetes.CrossRules.UNDEFINED_SA;
import static dev.imprint.scan.kubernetes.CrossRules.WEAK_NETWORK_POLICY;

import dev.imprint.scan.Analyzer.Sink;
import dev.imprint.scan.Rule;
import dev.imprint.scan.SourceFile;
import dev.imprint.scan.yaml.YamlMap;
import dev.imprint.scan.yaml.YamlNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** The cross-object checks, run once over every object of a scan. */
final class CrossCheck {
  /** An object and the file it came from. */
  record Entry(SourceFile file, KubernetesObject obj) {}

  private static final Set<String> ADMIN_ROLES = Set.of("cluster-admin", "admin", "edit");
  private final List<Entry> all;
  private final Sink sink;

  CrossCheck(List<Entry> all, Sink sink) {
    this.all = all;
    this.sink = sink;
  }

  void run() {
    Map<String, List<Entry>> bySa = new HashMap<>();
    Set<String> definedSa = new HashSet<>();
    Set<String> nsWithSa = new HashSet<>();
    for (Entry e : all) {
      if ("ServiceAccount".equals(e.obj().kind())) {
        definedSa.add(e.obj().effectiveNamespace() + "/" + e.obj().name());
        nsWithSa.add(e.obj().effectiveNamespace());
      }
      String sa = sa(e.obj());
      if (sa != null) {
        bySa.computeIfAbsent(e.obj().effectiveNamespace() + "/" + sa, k -> new ArrayList<>())
            .add(e);
      }
    }
    Map<String, List<String>> takeover = takeover();
    for (Map.Entry<String, List<Entry>> g : bySa.entrySet()) {
      Set<String> apps = new TreeSet<>();
      for (Entry e : g.getValue()) {
        apps.add(app(e.obj()));
      }
      String ns = g.getKey().substring(0, g.getKey().indexOf('/'));
      for (Entry e : g.getValue()) {
        if (apps.size() > 1) {
          report(SHARED_SA, e, "shared-sa", e.obj().address() + " shares service account '"
              + g.getKey() + "' with other applications " + apps);
        }
        // Only when the scan defines service accounts in this namespace: otherwise the
        // manifests are evidently not the complete source of accounts and it would be noise.
        if (nsWithSa.contains(ns) && !definedSa.contains(g.getKey())) {
          report(UNDEFINED_SA, e, "undefined-sa", e.obj().address()
              + " uses service account '" + g.getKey() + "' which no manifest defines");
        }
        List<String> rights = takeover.get(g.getKey());
        if (rights != null) {
          report(ADMIN_WORKLOAD, e, "admin-sa", e.obj().address() + " runs as service account '"
              + g.getKey() + "' which holds " + String.join(", ", new TreeSet<>(rights)));
        }
      }
    }
    networkPolicies();
  }

  /** Service account (ns/name) -> the takeover rights bound to it in the scan. */
  private Map<String, List<String>> takeover() {
    Map<String, List<String>> roleRights = new HashMap<>();
    for (Entry e : all) {
      String k = e.obj().kind();
      if (k.equals("ClusterRole") || k.equals("Role")) {
        String id = k.equals("Role") ? "Role/" + e.obj().effectiveNamespace() + "/"
            + e.obj().name() : "ClusterRole/" + e.obj().name();
        roleRights.put(id, RbacCheck.takeoverRights(e.obj().node()));
      }
    }
    Map<String, List<String>> out = new HashMap<>();
    for (Entry e : all) {
      String k = e.obj().kind();
      if (!k.equals("RoleBinding") && !k.equals("ClusterRoleBinding")) {
        continue;
      }
      YamlMap ref = e.obj().node().map("roleRef");
      String name = ref.str("name");
      List<String> rights = new ArrayList<>();
      if (name != null && ADMIN_ROLES.contains(name) && !roleRights.containsKey(
          "ClusterRole/" + name)) {
        rights.add(name);
      } else if (name != null) {
        String id = "Role".equals(ref.str("kind"))
            ? "Role/" + e.obj().effectiveNamespace() + "/" + name : "ClusterRole/" + name;
        rights.addAll(roleRights.getOrDefault(id, List.of()));
      }
      if (rights.isEmpty()) {
        continue;
      }
      for (YamlNode s : e.obj().node().list("subjects")) {
        YamlMap m = s.asMap();
        if ("ServiceAccount".equals(m.str("kind")) && m.str("name") != null) {
          String ns = m.str("namespace") != null ? m.str("namespace")
              : e.obj().effectiveNamespace();
          out.computeIfAbsent(ns + "/" + m.str("name"), x -> new ArrayList<>()).addAll(rights);
        }
      }
    }
    return out;
  }

  private void networkPolicies() {
    List<Entry> policies = new ArrayList<>();
    List<Entry> workloads = new ArrayList<>();
    for (Entry e : all) {
      if ("NetworkPolicy".equals(e.obj().kind())) {
        policies.add(e);
      } else if (e.obj().isWorkload()) {
        workloads.add(e);
      }
    }
    for (Entry w : workloads) {
      boolean selected = false;
      for (Entry p : policies) {
        selected |= p.obj().effectiveNamespace().equals(w.obj().effectiveNamespace())
            && selects(p.obj().node().map("spec").map("podSelector"), w.obj().podLabels());
      }
      if (!selected) {
        report(NO_NETWORK_POLICY, w, "netpol", w.obj().address()
            + " is not selected by any NetworkPolicy and its namespace has no default-deny");
      }
    }
    for (Entry p : policies) {
      YamlMap spec = p.obj().node().map("spec");
      YamlMap sel = spec.map("podSelector");
      boolean any = false;
      boolean nsHasWorkloads = false;
      for (Entry w : workloads) {
        if (w.obj().effectiveNamespace().equals(p.obj().effectiveNamespace())) {
          nsHasWorkloads = true;
          any |= selects(sel, w.obj().podLabels());
        }
      }
      if (nsHasWorkloads && !any) {
        report(WEAK_NETWORK_POLICY, p, "selects-nothing", p.obj().address()
            + " podSelector matches no workload in the scan");
      }
      for (String dir : List.of("ingress", "egress")) {
        for (YamlNode r : spec.list(dir)) {
          if (r instanceof YamlMap m && m.isEmpty()) {
            sink.report(WEAK_NETWORK_POLICY.at(p.file().location(r.line(), r.column()),
                p.obj().address() + " allows all " + dir + " with '- {}'")
                .withKey(p.obj().address() + "/allow-all/" + dir));
          }
        }
      }
    }
  }

  /** matchLabels must be a subset; matchExpressions are assumed to match (no false alarm). */
  static boolean selects(YamlMap selector, YamlMap labels) {
    for (Map.Entry<String, YamlNode> e : selector.map("matchLabels").entries().entrySet()) {
      if (e.getValue().text() == null || !e.getValue().text().equals(labels.str(e.getKey()))) {
        return false;
      }
    }
    return true;
  }

  private static String sa(KubernetesObject o) {
    YamlMap spec = o.podSpec();
    if (spec == null) {
      return null;
    }
    String sa = spec.str("serviceAccountName");
    sa = sa == null ? spec.str("serviceAccount") : sa;
    return sa == null || sa.isBlank() || sa.equals("default") ? null : sa.trim();
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

  private void report(Rule rule, Entry e, String what, String message) {
    sink.report(rule.at(e.file().location(e.obj().line(), e.obj().column()), message)
        .withKey(e.obj().address() + "/" + what));
  }
}
