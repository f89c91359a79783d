package dev.imprint.scan.kubernetes;

import dev.imprint.scan.SourceFile;
import dev.imprint.scan.yaml.YamlMap;
import dev.imprint.scan.yaml.YamlNode;
import dev.imprint.scan.yaml.YamlReader;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Which manifests are applied together, and so which objects can meet in a cluster: the scope
 * of the cross-object rules (shared and undefined service accounts, default-deny policies,
 * workloads with takeover rights, automount settings of service accounts).
 *
 * <ul>
 *   <li>Separate scan targets never combine.
 *   <li>A kustomization that no other kustomization includes is one unit: every file its
 *       {@code resources} (and {@code bases}, {@code components}) reach, transitively, with the
 *       namespace it sets (the outermost {@code namespace:} wins, as kustomize applies it).
 *   <li>A Helm chart (the folder of a {@code Chart.yaml}, with the subcharts in its
 *       {@code charts/}) is one unit: its templates render into one release.
 *   <li>Any other manifest belongs to the unit of its folder, as {@code kubectl apply -f DIR}
 *       applies it.
 * </ul>
 *
 * <p>Within a target, objects of different units meet only in a namespace both name explicitly
 * (other than {@code default}): an object without a namespace, or in {@code default}, lands
 * wherever its unit is applied, so it meets only the objects of its own unit.
 */
final class ApplyUnits {
  /** One place an object is rendered: the unit and the namespace it gets there. */
  record Placement(String unit, String namespace) {}

  private static final Set<String> KUSTOMIZATION_NAMES =
      Set.of("kustomization.yaml", "kustomization.yml", "kustomization");

  /** root -> kustomization folder -> what it lists. */
  private final Map<String, Map<String, Kustomization>> kustomizations = new HashMap<>();
  /** root -> chart folders. */
  private final Map<String, Set<String>> charts = new HashMap<>();
  /** root -> files a kustomization applies as patches: partial objects, not manifests. */
  private final Map<String, Set<String>> patches = new HashMap<>();
  /** root -> file path -> its kustomize placements (computed once by {@link #resolve()}). */
  private final Map<String, Map<String, List<Placement>>> kustomized = new HashMap<>();

  /** What a kustomization lists. */
  private record Kustomization(List<String> resources, String namespace) {}

  /** Whether a file names the layout (a kustomization or a chart), read by {@link #note}. */
  static boolean isLayoutFile(SourceFile file) {
    return file.name().equals("Chart.yaml") || KUSTOMIZATION_NAMES.contains(file.lowerName());
  }

  /** Records a kustomization or a chart; call for every {@link #isLayoutFile} file. */
  synchronized void note(SourceFile file) {
    if (file.name().equals("Chart.yaml")) {
      charts.computeIfAbsent(file.root(), r -> new HashSet<>()).add(file.directory());
      return;
    }
    YamlReader.Result r = YamlReader.read(file);
    if (r.documents().isEmpty() || !(r.documents().get(0) instanceof YamlMap m)) {
      return;
    }
    List<String> resources = new ArrayList<>();
    for (String field : List.of("resources", "bases", "components")) {
      for (YamlNode n : m.list(field)) {
        String t = n.text();
        if (t != null && !t.isBlank() && !t.contains("://") && !t.startsWith("github.com/")) {
          resources.add(t.trim());
        }
      }
    }
    patches.computeIfAbsent(file.root(), x -> new HashSet<>())
        .addAll(patchPaths(m, file.directory()));
    String ns = m.str("namespace");
    kustomizations.computeIfAbsent(file.root(), x -> new HashMap<>())
        .put(file.directory(), new Kustomization(resources, ns == null || ns.isBlank() ? null
            : ns.trim()));
  }

  /** The files a kustomization applies as patches, joined to its folder. */
  private static List<String> patchPaths(YamlMap kustomization, String dir) {
    List<String> out = new ArrayList<>();
    for (YamlNode n : kustomization.list("patchesStrategicMerge")) {
      if (n.text() != null && !n.text().contains("\n")) {
        out.add(join(dir, n.text().trim()));
      }
    }
    for (YamlNode n : kustomization.list("patches")) {
      String path = n instanceof YamlMap pm ? pm.str("path") : n.text();
      if (path != null && !path.contains("\n")) {
        out.add(join(dir, path.trim()));
      }
    }
    return out;
  }

  /** Folder on disk -> the file names its kustomization applies as patches. */
  private final Map<java.nio.file.Path, Set<String>> patchesOnDisk =
      new java.util.concurrent.ConcurrentHashMap<>();

  /**
   * Whether the kustomization beside a file (in its folder on disk) applies it as a patch.
   * Per-object rules ask this while files are still being read, before every kustomization of
   * the scan is known; patches kept in another folder are caught by {@link #isPatch}.
   */
  boolean isPatchBeside(SourceFile file) {
    if (file.file() == null || file.file().getParent() == null) {
      return false;
    }
    java.nio.file.Path dir = file.file().getParent();
    Set<String> names = patchesOnDisk.computeIfAbsent(dir, d -> {
      Set<String> out = new HashSet<>();
      for (String n : KUSTOMIZATION_NAMES) {
        java.nio.file.Path k = d.resolve(n);
        try {
          if (java.nio.file.Files.isRegularFile(k) && java.nio.file.Files.size(k) < 1 << 20) {
            YamlReader.Result r = YamlReader.read(java.nio.file.Files.readString(k));
            if (!r.documents().isEmpty() && r.documents().get(0) instanceof YamlMap m) {
              for (String p : patchPaths(m, "")) {
                out.add(p);
              }
            }
          }
        } catch (java.io.IOException | RuntimeException e) {
          // An unreadable kustomization is read (and reported) like any other file.
        }
      }
      return out;
    });
    return names.contains(file.name());
  }

  /** Resolves kustomizations into placements; call once after every file was noted. */
  synchronized void resolve() {
    for (Map.Entry<String, Map<String, Kustomization>> byRoot : kustomizations.entrySet()) {
      Map<String, Kustomization> ks = byRoot.getValue();
      Set<String> included = new HashSet<>();
      for (Map.Entry<String, Kustomization> k : ks.entrySet()) {
        for (String res : k.getValue().resources()) {
          String p = join(k.getKey(), res);
          if (ks.containsKey(p) && !p.equals(k.getKey())) {
            included.add(p);
          }
        }
      }
      Map<String, List<Placement>> out = new TreeMap<>();
      for (String top : new java.util.TreeSet<>(ks.keySet())) {
        if (!included.contains(top)) {
          walk(ks, top, "kustomize:" + top, null, new HashSet<>(), out);
        }
      }
      kustomized.put(byRoot.getKey(), out);
    }
  }

  private static void walk(Map<String, Kustomization> ks, String dir, String unit,
      String outerNs, Set<String> seen, Map<String, List<Placement>> out) {
    if (!seen.add(dir) || seen.size() > 1000) {
      return;
    }
    Kustomization k = ks.get(dir);
    String ns = outerNs != null ? outerNs : k.namespace();
    for (String res : k.resources()) {
      String p = join(dir, res);
      if (ks.containsKey(p)) {
        walk(ks, p, unit, ns, seen, out);
      } else {
        List<Placement> list = out.computeIfAbsent(p, x -> new ArrayList<>());
        Placement pl = new Placement(unit, ns);
        if (!list.contains(pl)) {
          list.add(pl);
        }
      }
    }
  }

  /**
   * Whether a kustomization applies this file as a patch: its objects are partial (a few
   * fields merged into a base object) and are judged as part of that base, not on their own.
   */
  synchronized boolean isPatch(SourceFile file) {
    Set<String> p = patches.get(file.root());
    return p != null && p.contains(file.path());
  }

  /** Where a file's objects are rendered; the namespace is {@code null} when not overridden. */
  List<Placement> placements(SourceFile file) {
    Map<String, List<Placement>> k = kustomized.get(file.root());
    if (k != null && k.containsKey(file.path())) {
      return k.get(file.path());
    }
    String chart = chart(file);
    if (chart != null) {
      return List.of(new Placement("chart:" + chart, null));
    }
    return List.of(new Placement("dir:" + file.directory(), null));
  }

  /** The outermost chart a file belongs to (a subchart renders with its parent), or null. */
  private String chart(SourceFile file) {
    Set<String> dirs = charts.get(file.root());
    if (dirs == null) {
      return null;
    }
    String d = file.directory();
    String found = null;
    while (true) {
      if (dirs.contains(d)) {
        found = d;
      }
      int slash = d.lastIndexOf('/');
      if (d.isEmpty()) {
        break;
      }
      d = slash < 0 ? "" : d.substring(0, slash);
    }
    if (found == null) {
      return null;
    }
    // Climb from a subchart (<parent>/charts/<sub>) to its parent chart.
    String c = found;
    while (true) {
      int slash = c.lastIndexOf('/');
      String parent = slash < 0 ? "" : c.substring(0, slash);
      if (!parent.endsWith("/charts") && !parent.equals("charts")) {
        return c;
      }
      String grand = parent.equals("charts") ? "" : parent.substring(0,
          parent.length() - "/charts".length());
      if (!dirs.contains(grand)) {
        return c;
      }
      c = grand;
    }
  }

  /**
   * The scope in which an object with this namespace, placed in this unit of this target, meets
   * others: a named namespace is shared across the target; no namespace, {@code default} or a
   * namespace decided at render time stays within the unit.
   */
  static String scope(String root, String unit, String namespace) {
    String ns = namespace == null ? "" : namespace.trim();
    if (ns.isEmpty() || ns.equals("default") || ns.contains("${") || ns.contains("{{")) {
      return root + "\u0000unit\u0000" + unit;
    }
    return root + "\u0000ns\u0000" + ns;
  }

  /** The readable namespace of a scope, for messages. */
  static String namespaceOf(String scope) {
    int i = scope.indexOf("\u0000ns\u0000");
    return i < 0 ? "default" : scope.substring(i + 4);
  }

  /** A folder joined with a relative path, with {@code .} and {@code ..} resolved. */
  static String join(String dir, String rel) {
    String r = rel.replace('\\', '/');
    List<String> parts = new ArrayList<>();
    boolean absolute = dir.startsWith("/");
    for (String s : (dir + "/" + r).split("/")) {
      if (s.isEmpty() || s.equals(".")) {
        continue;
      }
      if (s.equals("..") && !parts.isEmpty() && !parts.get(parts.size() - 1).equals("..")) {
        parts.remove(parts.size() - 1);
      } else {
        parts.add(s);
      }
    }
    String joined = String.join("/", parts);
    while (joined.endsWith("/")) {
      joined = joined.substring(0, joined.length() - 1);
    }
    return absolute ? "/" + joined : joined;
  }
}
