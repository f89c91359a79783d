package dev.imprint.scan.kubernetes;

import dev.imprint.scan.yaml.YamlList;
import dev.imprint.scan.yaml.YamlMap;
import dev.imprint.scan.yaml.YamlNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One Kubernetes object of a manifest, with where it starts (1-based) and its YAML map.
 *
 * @param namespace the namespace as written, or {@code null} when the manifest does not set one
 */
public record KubernetesObject(String kind, String apiVersion, String name, String namespace,
    Map<String, String> labels, int line, int column, YamlMap node) {

  private static final Set<String> TEMPLATED =
      Set.of("Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job",
          "ReplicationController");
  private static final Set<String> KNATIVE = Set.of("Service", "Configuration");

  /**
   * The pod spec of a workload (Pod, Deployment, ..., CronJob, PodTemplate, a Knative Service,
   * Configuration or Revision, and any other kind whose {@code spec.template} is a pod template
   * with containers), or {@code null}.
   */
  public YamlMap podSpec() {
    YamlMap holder = podSpecHolder();
    YamlNode spec = holder == null ? null : holder.get("spec");
    return spec instanceof YamlMap m ? m : null;
  }

  /** The map whose {@code spec} key holds the pod spec, or {@code null}. */
  private YamlMap podSpecHolder() {
    YamlNode holder;
    if ("Pod".equals(kind) && !knative() || knative() && "Revision".equals(kind)) {
      holder = node;
    } else if (TEMPLATED.contains(kind) || knative() && KNATIVE.contains(kind)) {
      holder = node.at("spec", "template");
    } else if ("CronJob".equals(kind)) {
      holder = node.at("spec", "jobTemplate", "spec", "template");
    } else if ("PodTemplate".equals(kind)) {
      holder = node.get("template");
    } else if (!knative() && node.at("spec", "template", "spec", "containers")
        instanceof YamlList) {
      // A controller of another API group that runs pods from the same template (Argo
      // Rollouts, OpenShift DeploymentConfig, OpenKruise CloneSet, ...).
      holder = node.at("spec", "template");
    } else {
      return null;
    }
    return holder instanceof YamlMap m ? m : null;
  }

  /** The line of the {@code spec:} key that holds the pod spec (where a missing field is). */
  public int podSpecLine() {
    YamlMap h = podSpecHolder();
    return h == null ? line : h.keyLine("spec");
  }

  /** The column of the {@code spec:} key that holds the pod spec. */
  public int podSpecColumn() {
    YamlMap h = podSpecHolder();
    return h == null ? column : h.keyColumn("spec");
  }

  /** Whether this is a Knative Serving object (serving.knative.dev). */
  public boolean knative() {
    return apiVersion.startsWith("serving.knative.dev/");
  }

  /**
   * Whether this is a Cloud Run service or job written as Knative YAML: it runs in Google's
   * sandbox, not in a cluster. Known by the {@code cloud.googleapis.com/location} label, a
   * {@code run.googleapis.com/} annotation, or a Google service account email as its identity.
   */
  public boolean cloudRun() {
    if (!knative()) {
      return false;
    }
    if (labels.containsKey("cloud.googleapis.com/location")) {
      return true;
    }
    YamlMap h = podSpecHolder();
    for (YamlNode annotations : new YamlNode[] {node.at("metadata", "annotations"),
        h == null ? null : h.at("metadata", "annotations")}) {
      if (annotations instanceof YamlMap a) {
        for (String key : a.entries().keySet()) {
          if (key.startsWith("run.googleapis.com/")) {
            return true;
          }
        }
      }
    }
    YamlMap spec = podSpec();
    String sa = spec == null ? null : spec.str("serviceAccountName");
    return sa != null && sa.trim().endsWith(".iam.gserviceaccount.com");
  }

  /** The pod template's labels (a Pod's own labels), empty when there are none. */
  public YamlMap podLabels() {
    YamlMap h = podSpecHolder();
    YamlNode l = h == null ? null : h.at("metadata", "labels");
    return l == null ? node.map("__none__") : l.asMap();
  }

  /** Whether this object runs pods. */
  public boolean isWorkload() {
    return podSpec() != null;
  }

  /** The containers, init containers and ephemeral containers of a workload. */
  public List<Container> containers() {
    YamlMap spec = podSpec();
    List<Container> out = new ArrayList<>();
    if (spec == null) {
      return out;
    }
    YamlMap podSc = spec.map("securityContext");
    for (String field : List.of("containers", "initContainers", "ephemeralContainers")) {
      YamlList list = spec.list(field);
      for (int i = 0; i < list.size(); i++) {
        if (list.get(i) instanceof YamlMap m) {
          // Knative lets a single container go unnamed: call it by its place.
          String n = m.str("name");
          out.add(new Container(n == null ? field + "[" + i + "]" : n, field, m, podSc,
              m.map("securityContext")));
        }
      }
    }
    return out;
  }

  /**
   * A short identity, e.g. {@code Deployment/ns/web}; cluster-scoped kinds have no namespace
   * ({@code ClusterRoleBinding/admins}).
   */
  public String address() {
    if (clusterScoped()) {
      return kind + "/" + name;
    }
    return kind + "/" + (namespace == null ? "default" : namespace) + "/" + name;
  }

  /** True for kinds that live outside namespaces (ClusterRole, Namespace, ...). */
  public boolean clusterScoped() {
    return CLUSTER_SCOPED.contains(kind);
  }

  private static final java.util.Set<String> CLUSTER_SCOPED = java.util.Set.of("ClusterRole",
      "ClusterRoleBinding", "Namespace", "PersistentVolume", "StorageClass", "Node",
      "CustomResourceDefinition", "PodSecurityPolicy", "ValidatingWebhookConfiguration",
      "MutatingWebhookConfiguration", "PriorityClass", "RuntimeClass");

  /** The namespace, {@code default} when none is set. */
  public String effectiveNamespace() {
    return namespace == null || namespace.isBlank() ? "default" : namespace;
  }

  /**
   * One container of a pod spec with the pod-level and its own security context.
   *
   * @param field containers, initContainers or ephemeralContainers
   */
  public record Container(String name, String field, YamlMap node, YamlMap podSecurity,
      YamlMap security) {

    /** A security context field: the container's value overrides the pod's. */
    public YamlNode securityValue(String key) {
      if (security.has(key)) {
        return security.get(key);
      }
      return podSecurity.get(key);
    }

    /** The image as written, or {@code null}. */
    public String image() {
      return node.str("image");
    }
  }
}
