package dev.imprint.scan.netpol;

import dev.imprint.scan.Diagnostic;
import dev.imprint.scan.Location;
import dev.imprint.scan.SourceFile;
import dev.imprint.scan.kubernetes.KubernetesObject;
import dev.imprint.scan.kubernetes.KubernetesReader;
import dev.imprint.scan.yaml.YamlList;
import dev.imprint.scan.yaml.YamlMap;
import dev.imprint.scan.yaml.YamlNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Reads Kubernetes manifests into a {@link Cluster}: workloads of every core kind (Deployment,
 * StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job, CronJob, Pod; a Pod with a
 * controller owner reference is named by its owner), Namespaces with their labels, and
 * NetworkPolicies validated as the API server validates them. Services are read and need no
 * model: NetworkPolicies select pods, never Services.
 */
public final class ClusterReader {
  /** The label the API server sets on every namespace (Kubernetes 1.21 and later). */
  public static final String NAME_LABEL = "kubernetes.io/metadata.name";
  private static final Set<String> WORKLOAD_KINDS = Set.of("Deployment", "StatefulSet",
      "DaemonSet", "ReplicaSet", "ReplicationController", "Job", "CronJob", "Pod");
  private static final int MAX_FILE = 16 * 1024 * 1024;

  private final Map<String, Map<String, String>> namespaces = new TreeMap<>();
  private final Map<String, Workload> workloads = new LinkedHashMap<>();
  private final List<NetworkPolicy> policies = new ArrayList<>();
  private final List<Diagnostic> errors = new ArrayList<>();
  private final List<Diagnostic> warnings = new ArrayList<>();

  private ClusterReader() {}

  /**
   * What reading gave: the cluster, errors (a policy the API server would refuse, a manifest
   * that does not parse: the analysis is then not trustworthy) and warnings.
   */
  public record Result(Cluster cluster, List<Diagnostic> errors, List<Diagnostic> warnings) {
    public Result {
      errors = List.copyOf(errors);
      warnings = List.copyOf(warnings);
    }
  }

  /**
   * Reads every {@code .yaml}, {@code .yml} and {@code .json} file under the paths (files or
   * directories, recursively, in path order; names starting with {@code .} are skipped).
   *
   * @throws IOException when a path cannot be read
   */
  public static Result readPaths(List<Path> paths) throws IOException {
    List<SourceFile> files = new ArrayList<>();
    for (Path root : paths) {
      if (!Files.exists(root)) {
        throw new java.nio.file.NoSuchFileException(root.toString(), null, "no such file");
      }
      List<Path> found;
      try (Stream<Path> s = Files.walk(root)) {
        found = s.filter(Files::isRegularFile).filter(p -> manifest(root, p)).sorted().toList();
      }
      for (Path p : found) {
        if (Files.size(p) > MAX_FILE) {
          throw new IOException(p + ": larger than " + MAX_FILE + " bytes");
        }
        files.add(new SourceFile(p.toString(), p,
            new String(Files.readAllBytes(p), StandardCharsets.UTF_8)));
      }
    }
    return read(files);
  }

  private static boolean manifest(Path root, Path p) {
    for (Path part : root.relativize(p)) {
      if (part.toString().startsWith(".")) {
        return false;
      }
    }
    String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
    return n.endsWith(".yaml") || n.endsWith(".yml") || n.endsWith(".json");
  }

  /** Reads manifests held in memory. */
  public static Result read(List<SourceFile> files) {
    ClusterReader r = new ClusterReader();
    for (SourceFile f : files) {
      KubernetesReader.Result parsed = KubernetesReader.read(f);
      if (parsed.problem() != null) {
        r.errors.add(parsed.problem());
      }
      for (KubernetesObject o : parsed.objects()) {
        r.add(f, o);
      }
    }
    return r.result();
  }

  private Result result() {
    for (NetworkPolicy p : policies) {
      namespaces.computeIfAbsent(p.namespace(), n -> Map.of(NAME_LABEL, n));
    }
    for (Workload w : workloads.values()) {
      namespaces.computeIfAbsent(w.namespace(), n -> Map.of(NAME_LABEL, n));
    }
    return new Result(new Cluster(namespaces, List.copyOf(workloads.values()), policies), errors,
        warnings);
  }

  private void add(SourceFile f, KubernetesObject o) {
    Location at = f.location(o.line(), o.column());
    if ("Namespace".equals(o.kind()) && "v1".equals(o.apiVersion())) {
      Map<String, String> labels = new TreeMap<>(o.labels());
      labels.put(NAME_LABEL, o.name());
      if (namespaces.put(o.name(), labels) != null) {
        warnings.add(new Diagnostic(at, Diagnostic.Kind.CONFIG,
            "Namespace " + o.name() + " is declared twice; the last declaration is used"));
      }
    } else if ("NetworkPolicy".equals(o.kind())
        && o.apiVersion().equals("networking.k8s.io/v1")) {
      PolicyReader.Outcome out = PolicyReader.read(o, f);
      errors.addAll(out.errors());
      warnings.addAll(out.warnings());
      if (out.policy() != null) {
        policies.add(out.policy());
      }
    } else if (WORKLOAD_KINDS.contains(o.kind()) && !o.knative() && o.podSpec() != null) {
      addWorkload(at, o);
    }
  }

  private void addWorkload(Location at, KubernetesObject o) {
    String kind = o.kind();
    String name = o.name();
    if ("Pod".equals(kind)) {
      for (YamlNode ref : o.node().map("metadata").list("ownerReferences")) {
        YamlMap m = ref.asMap();
        if (m.isTrue("controller") && m.str("name") != null && m.str("kind") != null) {
          kind = m.str("kind");
          name = m.str("name");
        }
      }
    }
    Map<String, String> labels = new TreeMap<>();
    o.podLabels().entries().forEach((k, v) -> {
      if (v.text() != null) {
        labels.put(k, v.text());
      }
    });
    Workload w = new Workload(o.effectiveNamespace(), name, kind, labels, ports(o.podSpec()));
    Workload before = workloads.putIfAbsent(w.toString(), w);
    if (before != null && !"Pod".equals(o.kind())) {
      warnings.add(new Diagnostic(at, Diagnostic.Kind.CONFIG, "workload " + w
          + " is declared twice; the first declaration is used"));
    }
  }

  private static List<Workload.ContainerPort> ports(YamlMap podSpec) {
    List<Workload.ContainerPort> out = new ArrayList<>();
    for (YamlNode c : podSpec.list("containers")) {
      YamlList ports = c.asMap().list("ports");
      for (YamlNode p : ports) {
        YamlMap m = p.asMap();
        String number = m.str("containerPort");
        String proto = m.str("protocol");
        Protocol protocol = proto == null ? Protocol.TCP : Protocol.parse(proto);
        if (number != null && number.matches("[0-9]{1,5}") && protocol != null) {
          out.add(new Workload.ContainerPort(m.str("name"), Integer.parseInt(number), protocol));
        }
      }
    }
    return out;
  }
}
