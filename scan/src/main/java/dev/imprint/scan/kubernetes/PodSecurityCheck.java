package dev.imprint.scan.kubernetes;

import static dev.imprint.scan.kubernetes.PodSecurityRules.CAPABILITIES;
import static dev.imprint.scan.kubernetes.PodSecurityRules.DEFAULT_NAMESPACE;
import static dev.imprint.scan.kubernetes.PodSecurityRules.EXPOSED_SERVICE;
import static dev.imprint.scan.kubernetes.PodSecurityRules.HOST_NAMESPACE;
import static dev.imprint.scan.kubernetes.PodSecurityRules.HOST_PATH;
import static dev.imprint.scan.kubernetes.PodSecurityRules.LEGACY_TOKEN;
import static dev.imprint.scan.kubernetes.PodSecurityRules.PRIVILEGED;
import static dev.imprint.scan.kubernetes.PodSecurityRules.PRIV_ESCALATION;
import static dev.imprint.scan.kubernetes.PodSecurityRules.RUNS_AS_ROOT;
import static dev.imprint.scan.kubernetes.PodSecurityRules.SECCOMP;
import static dev.imprint.scan.kubernetes.PodSecurityRules.SSH;
import static dev.imprint.scan.kubernetes.PodSecurityRules.TILLER;
import static dev.imprint.scan.kubernetes.PodSecurityRules.WRITABLE_ROOT;

import dev.imprint.scan.Analyzer.Sink;
import dev.imprint.scan.Rule;
import dev.imprint.scan.Severity;
import dev.imprint.scan.SourceFile;
import dev.imprint.scan.kubernetes.KubernetesObject.Container;
import dev.imprint.scan.yaml.YamlMap;
import dev.imprint.scan.yaml.YamlNode;
import dev.imprint.scan.yaml.YamlScalar;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** Pod-security and exposure checks of one Kubernetes object. */
record PodSecurityCheck(SourceFile file, Sink sink, KubernetesObject obj) {
  static final Set<String> DANGEROUS_CAPS = Set.of("ALL", "SYS_ADMIN", "NET_ADMIN", "NET_RAW",
      "SYS_PTRACE", "SYS_MODULE", "SYS_RAWIO", "DAC_READ_SEARCH", "BPF", "SYS_BOOT");
  private static final List<String> SENSITIVE_PATHS = List.of("/", "/etc", "/root", "/proc",
      "/sys", "/dev", "/boot", "/var/lib/kubelet", "/var/lib/docker", "/var/run", "/run",
      "/home", "/var/lib/etcd", "/etc/kubernetes", "/var/lib/containerd");

  void run() {
    YamlMap meta = obj.node().map("metadata");
    if ("default".equals(obj.namespace())) {
      at(DEFAULT_NAMESPACE, meta.keyLine("namespace"), meta.keyColumn("namespace"), "namespace",
          obj.address() + " is placed in the default namespace");
    }
    if ("Secret".equals(obj.kind())
        && "kubernetes.io/service-account-token".equals(obj.node().str("type"))) {
      at(LEGACY_TOKEN, obj.node().keyLine("type"), obj.node().keyColumn("type"), "type",
          obj.address() + " is a long-lived service account token Secret");
    }
    if ("Service".equals(obj.kind()) && !obj.knative()) {
      service();
    }
    if ("PersistentVolume".equals(obj.kind())) {
      persistentVolume();
    }
    YamlMap spec = obj.podSpec();
    if (spec == null) {
      return;
    }
    for (String k : List.of("hostPID", "hostIPC", "hostNetwork")) {
      if (spec.isTrue(k)) {
        at(HOST_NAMESPACE, spec.keyLine(k), spec.keyColumn(k), k,
            obj.address() + " sets " + k + ": true");
      }
    }
    seccomp(spec);
    volumes(spec);
    for (Container c : obj.containers()) {
      container(c);
    }
  }

  /** A security field: its node when written, or whether it may be set where we cannot see. */
  private record Field(YamlNode node, boolean unknown) {
    static final Field ABSENT = new Field(null, false);
    static final Field UNKNOWN = new Field(null, true);

    static Field of(YamlNode n) {
      return n instanceof YamlScalar s && s.templated() ? UNKNOWN : new Field(n, false);
    }

    boolean is(String value) {
      return node != null && node.text() != null && node.text().trim().equalsIgnoreCase(value);
    }

    boolean absent() {
      return node == null && !unknown;
    }
  }

  /**
   * A security-context field of a container, falling back to the pod's when {@code pod}: a
   * field inserted by a template ({@code toYaml .Values.securityContext}) is unknown, not absent.
   */
  private Field field(Container c, String key, boolean pod) {
    if (c.security().has(key)) {
      return Field.of(c.security().get(key));
    }
    if (opaque(c.node(), "securityContext")) {
      return Field.UNKNOWN;
    }
    if (pod) {
      if (c.podSecurity().has(key)) {
        return Field.of(c.podSecurity().get(key));
      }
      if (opaque(obj.podSpec(), "securityContext")) {
        return Field.UNKNOWN;
      }
    }
    return Field.ABSENT;
  }

  /** Whether a map under a key may hold keys we cannot see (templated, or a template value). */
  private static boolean opaque(YamlMap parent, String key) {
    YamlNode n = parent.get(key);
    if (n == null) {
      return parent.templated();
    }
    return n instanceof YamlMap m ? m.templated()
        : n instanceof YamlScalar s && s.templated();
  }

  private void container(Container c) {
    String who = "container '" + c.name() + "' of " + obj.address();
    int line = c.node().line();
    int col = c.node().column();
    if (c.security().isTrue("privileged")) {
      at(PRIVILEGED, c.security().keyLine("privileged"), c.security().keyColumn("privileged"),
          c, "privileged", who + " runs privileged");
    }
    Field escalation = field(c, "allowPrivilegeEscalation", false);
    if (escalation.is("true")) {
      at(PRIV_ESCALATION, escalation.node().line(), escalation.node().column(), c,
          "allowPrivilegeEscalation", who + " sets allowPrivilegeEscalation: true");
    } else if (escalation.absent()) {
      at(PRIV_ESCALATION, line, col, c, "allowPrivilegeEscalation",
          who + " does not set allowPrivilegeEscalation: false");
    }
    Field readOnly = field(c, "readOnlyRootFilesystem", false);
    if (!"ephemeralContainers".equals(c.field()) && !readOnly.unknown()
        && !readOnly.is("true")) {
      YamlNode n = readOnly.node();
      at(WRITABLE_ROOT, n == null ? line : n.line(), n == null ? col : n.column(), c,
          "readOnlyRootFilesystem", who + (n == null
              ? " does not set readOnlyRootFilesystem: true"
              : " sets readOnlyRootFilesystem: " + n.text()));
    }
    runAsRoot(c, who);
    capabilities(c, who);
    for (YamlNode p : c.node().list("ports")) {
      YamlMap pm = p.asMap();
      if (pm.has("hostPort")) {
        at(EXPOSED_SERVICE, pm.keyLine("hostPort"), pm.keyColumn("hostPort"), c,
            "hostPort/" + pm.str("hostPort"), who + " binds hostPort " + pm.str("hostPort"));
      }
      if ("22".equals(pm.str("containerPort"))) {
        at(SSH, pm.keyLine("containerPort"), pm.keyColumn("containerPort"), c, "ssh",
            who + " exposes port 22 (SSH)");
      }
    }
    String image = c.image() == null ? "" : c.image().toLowerCase(Locale.ROOT);
    if (image.contains("tiller")) {
      at(TILLER, c.node().keyLine("image"), c.node().keyColumn("image"), c, "tiller",
          who + " runs Helm v2 Tiller image '" + c.image() + "'");
    }
    for (String k : List.of("command", "args")) {
      for (YamlNode a : c.node().list(k)) {
        String t = a.text() == null ? "" : a.text();
        if (t.contains("sshd") && !t.contains("sshd_config")) {
          at(SSH, a.line(), a.column(), c, "ssh", who + " starts an SSH daemon");
          return;
        }
      }
    }
  }

  private void runAsRoot(Container c, String who) {
    Field uid = field(c, "runAsUser", true);
    Field nonRoot = field(c, "runAsNonRoot", true);
    Long u = uid.node() == null ? null : number(uid.node());
    if (u != null && u < 1000) {
      at(RUNS_AS_ROOT, uid.node().line(), uid.node().column(), c, "runAsUser",
          who + " runs as UID " + u + (u == 0 ? " (root)" : " (below 1000)"));
    } else if (u == null && !uid.unknown() && !nonRoot.unknown() && !nonRoot.is("true")) {
      YamlNode n = nonRoot.node();
      at(RUNS_AS_ROOT, n == null ? c.node().line() : n.line(),
          n == null ? c.node().column() : n.column(), c, "runAsUser", who + (n == null
              ? " sets neither runAsNonRoot: true nor a non-root runAsUser"
              : " sets runAsNonRoot: " + n.text() + " and no non-root runAsUser"));
    }
  }

  private void capabilities(Container c, String who) {
    YamlMap caps = c.security().map("capabilities");
    boolean unknown = field(c, "capabilities", false).unknown() || opaque(caps, "drop")
        || caps.list("drop").templated();
    boolean dropsAll = unknown;
    for (YamlNode d : caps.list("drop")) {
      dropsAll |= d.text() != null && d.text().trim().equalsIgnoreCase("ALL");
    }
    for (YamlNode a : caps.list("add")) {
      String cap = a.text() == null ? "" : a.text().trim().toUpperCase(Locale.ROOT);
      cap = cap.startsWith("CAP_") ? cap.substring(4) : cap;
      if (cap.equals("NET_BIND_SERVICE")) {
        // In the default set anyway, and the one add-back the restricted Pod Security
        // Standard allows: binding a port below 1024 is what an ingress controller needs.
        continue;
      }
      boolean bad = DANGEROUS_CAPS.contains(cap);
      sink.report(CAPABILITIES.at(file.location(a.line(), a.column()), who + " adds capability "
          + cap).withKey(key(c, "cap/" + cap))
          .withSeverity(bad ? Severity.HIGH : Severity.MEDIUM));
    }
    if (!dropsAll) {
      sink.report(CAPABILITIES.at(file.location(c.node().line(), c.node().column()),
          who + " does not drop ALL capabilities").withKey(key(c, "cap/drop"))
          .withSeverity(Severity.LOW));
    }
  }

  private void seccomp(YamlMap spec) {
    Field pod = Field.UNKNOWN;
    if (spec.map("securityContext").has("seccompProfile")) {
      pod = Field.of(spec.at("securityContext", "seccompProfile", "type"));
      pod = pod.node() == null && opaque(spec.map("securityContext"), "seccompProfile")
          ? Field.UNKNOWN : pod;
    } else if (!opaque(spec, "securityContext")) {
      pod = Field.ABSENT;
    }
    boolean allSet = true;
    for (Container c : obj.containers()) {
      Field own = field(c, "seccompProfile", false);
      YamlNode type = own.node() == null ? null : own.node().asMap().get("type");
      if (type != null && "Unconfined".equals(type.text())) {
        at(SECCOMP, type.line(), type.column(), c, "seccomp",
            "container '" + c.name() + "' of " + obj.address() + " uses seccomp Unconfined");
      }
      allSet &= own.node() != null || own.unknown();
    }
    if (pod.is("Unconfined")) {
      at(SECCOMP, pod.node().line(), pod.node().column(), "seccomp",
          obj.address() + " uses seccomp profile Unconfined");
    } else if (pod.absent() && !allSet) {
      at(SECCOMP, obj.podSpecLine(), obj.podSpecColumn(), "seccomp",
          obj.address() + " sets no seccomp profile (Unconfined by default)");
    }
  }

  private void volumes(YamlMap spec) {
    for (YamlNode v : spec.list("volumes")) {
      YamlMap vm = v.asMap();
      YamlNode pathNode = vm.map("hostPath").get("path");
      String name = vm.str("name");
      boolean writable = false;
      for (Container c : obj.containers()) {
        for (YamlNode m : c.node().list("volumeMounts")) {
          writable |= name != null && name.equals(m.asMap().str("name"))
              && !m.asMap().isTrue("readOnly") && !m.asMap().unknown("readOnly");
        }
      }
      hostPath(pathNode, writable);
    }
  }

  /** A PersistentVolume backed by a host path hands the node's files to whoever claims it. */
  private void persistentVolume() {
    hostPath(obj.node().at("spec", "hostPath", "path"), false);
  }

  private void hostPath(YamlNode pathNode, boolean writable) {
    String path = pathNode == null ? null : pathNode.text();
    if (path == null || pathNode instanceof YamlScalar s && s.templated()) {
      return;
    }
    String p = path.trim();
    while (p.length() > 1 && p.endsWith("/")) {
      p = p.substring(0, p.length() - 1);
    }
    boolean socket = p.endsWith(".sock");
    boolean sensitive = socket || SENSITIVE_PATHS.contains(p) || p.contains("/.aws")
        || p.startsWith("/etc/") || p.startsWith("/var/lib/kubelet");
    if (sensitive || writable) {
      sink.report(HOST_PATH.at(file.location(pathNode.line(), pathNode.column()), obj.address()
          + " mounts host path '" + p + "'" + (writable ? " writable" : ""))
          .withKey(obj.address() + "/hostPath/" + p)
          .withSeverity(socket ? Severity.CRITICAL : sensitive ? Severity.HIGH
              : Severity.MEDIUM));
    }
  }

  private void service() {
    YamlMap spec = obj.node().map("spec");
    String type = spec.str("type");
    if ("LoadBalancer".equals(type) || "NodePort".equals(type)) {
      at(EXPOSED_SERVICE, spec.keyLine("type"), spec.keyColumn("type"), "type",
          obj.address() + " is of type " + type);
    }
    if (!spec.list("externalIPs").items().isEmpty()) {
      at(EXPOSED_SERVICE, spec.keyLine("externalIPs"), spec.keyColumn("externalIPs"),
          "externalIPs", obj.address() + " sets externalIPs");
    }
  }

  private static Long number(YamlNode n) {
    if (n == null || n.text() == null || !n.text().trim().matches("\\d{1,12}")) {
      return null;
    }
    return Long.parseLong(n.text().trim());
  }

  void at(Rule rule, int line, int col, Container c, String what, String message) {
    sink.report(rule.at(file.location(line, col), message).withKey(key(c, what)));
  }

  void at(Rule rule, int line, int col, String what, String message) {
    sink.report(rule.at(file.location(line, col), message).withKey(obj.address() + "/" + what));
  }

  String key(Container c, String what) {
    return obj.address() + "/" + c.field() + "/" + c.name() + "/" + what;
  }
}
