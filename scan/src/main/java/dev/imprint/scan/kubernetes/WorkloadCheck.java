package dev.imprint.scan.kubernetes;

import static dev.imprint.scan.kubernetes.WorkloadRules.AUTOMOUNT;
import static dev.imprint.scan.kubernetes.WorkloadRules.CLOUD_CREDS;
import static dev.imprint.scan.kubernetes.WorkloadRules.DEFAULT_SA;
import static dev.imprint.scan.kubernetes.WorkloadRules.DEPRECATED_SA;
import static dev.imprint.scan.kubernetes.WorkloadRules.HARDCODED_SECRET;
import static dev.imprint.scan.kubernetes.WorkloadRules.MUTABLE_IMAGE;
import static dev.imprint.scan.kubernetes.WorkloadRules.PULL_POLICY;
import static dev.imprint.scan.kubernetes.WorkloadRules.SECRET_ENV;
import static dev.imprint.scan.kubernetes.WorkloadRules.UNPINNED_IMAGE;
import static dev.imprint.scan.kubernetes.WorkloadRules.UNTRUSTED_REGISTRY;

import dev.imprint.scan.Analyzer.Sink;
import dev.imprint.scan.Rule;
import dev.imprint.scan.SecretEvidence;
import dev.imprint.scan.ScanSettings;
import dev.imprint.scan.Severity;
import dev.imprint.scan.SourceFile;
import dev.imprint.scan.kubernetes.KubernetesObject.Container;
import dev.imprint.scan.secret.SecretHit;
import dev.imprint.scan.secret.Secrets;
import dev.imprint.scan.shell.CommandLine;
import dev.imprint.scan.yaml.YamlMap;
import dev.imprint.scan.yaml.YamlNode;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Identity, image and secret checks of one Kubernetes object. */
record WorkloadCheck(SourceFile file, Sink sink, KubernetesObject obj, ScanSettings settings) {

  void run() {
    if ("ConfigMap".equals(obj.kind())) {
      configMap();
    }
    YamlMap spec = obj.podSpec();
    if (spec == null) {
      return;
    }
    // An unset automountServiceAccountToken depends on the ServiceAccount: see CrossCheck.
    if (spec.isTrue("automountServiceAccountToken") && !obj.cloudRun()) {
      report(AUTOMOUNT, spec, "automountServiceAccountToken", "automount",
          obj.address() + " sets automountServiceAccountToken: true");
    }
    String sa = spec.str("serviceAccountName");
    String saKey = "serviceAccountName";
    if (sa == null) {
      sa = spec.str("serviceAccount");
      saKey = "serviceAccount";
    }
    if (sa != null && sa.trim().equals("default")) {
      report(DEFAULT_SA, spec, saKey, "serviceAccountName",
          obj.address() + " runs as the namespace's default service account");
    } else if ((sa == null || sa.isBlank()) && !spec.templated()) {
      at(DEFAULT_SA, obj.podSpecLine(), obj.podSpecColumn(), obj.address()
          + "/serviceAccountName", obj.address() + (obj.cloudRun()
              ? " runs as the project's Compute Engine default service account"
              : " runs as the namespace's default service account") + " (no serviceAccountName)");
    }
    if (spec.has("serviceAccount")) {
      report(DEPRECATED_SA, spec, "serviceAccount", "serviceAccount",
          obj.address() + " uses the deprecated serviceAccount field");
    }
    for (Container c : obj.containers()) {
      image(c);
      env(c);
      commandLine(c);
      for (YamlNode m : c.node().list("volumeMounts")) {
        String path = m.asMap().str("mountPath");
        if (path != null && (path.contains("/.aws") || path.contains("/.config/gcloud")
            || path.contains("/.azure"))) {
          YamlNode p = m.asMap().get("mountPath");
          at(CLOUD_CREDS, p.line(), p.column(), key(c, "mount/" + path), "container '"
              + c.name() + "' of " + obj.address() + " mounts cloud credentials at '" + path
              + "'");
        }
      }
    }
  }

  private void image(Container c) {
    String text = c.image();
    if (text == null) {
      return;
    }
    Image img = Image.parse(text);
    if (img.templated()) {
      return;
    }
    YamlNode n = c.node().get("image");
    String who = "image '" + img.text() + "' of container '" + c.name() + "'";
    if (img.latest() || img.untagged()) {
      at(MUTABLE_IMAGE, n.line(), n.column(), key(c, "image"),
          who + (img.latest() ? " uses the latest tag" : " has no tag (means latest)"));
    } else if (!img.digest()) {
      at(UNPINNED_IMAGE, n.line(), n.column(), key(c, "image"),
          who + " is not pinned by digest");
    }
    String policy = c.node().str("imagePullPolicy");
    boolean defaultsAlways = img.latest() || img.untagged();
    boolean policyUnknown = c.node().unknown("imagePullPolicy");
    if (!img.digest() && !policyUnknown
        && (policy == null ? !defaultsAlways : !policy.trim().equals("Always"))) {
      at(PULL_POLICY, n.line(), n.column(), key(c, "imagePullPolicy"), who
          + " is referenced by tag with imagePullPolicy "
          + (policy == null ? "IfNotPresent (default)" : policy));
    }
    if (!settings.trustedRegistries().isEmpty() && !img.trustedBy(settings.trustedRegistries())) {
      at(UNTRUSTED_REGISTRY, n.line(), n.column(), key(c, "registry"),
          who + " comes from registry '" + img.registry() + "' which is not trusted");
    }
  }

  private void env(Container c) {
    String who = "container '" + c.name() + "' of " + obj.address();
    for (YamlNode e : c.node().list("env")) {
      YamlMap m = e.asMap();
      String name = m.str("name");
      if (name == null) {
        continue;
      }
      YamlMap from = m.map("valueFrom");
      if (from.get("secretKeyRef") != null) {
        at(SECRET_ENV, from.keyLine("secretKeyRef"), from.keyColumn("secretKeyRef"),
            key(c, "env/" + name), who + " reads Secret into env var " + name);
        continue;
      }
      String value = m.str("value");
      if (value == null || value.isBlank()) {
        continue;
      }
      if (name.equals("GOOGLE_APPLICATION_CREDENTIALS")
          || name.equals("AWS_SHARED_CREDENTIALS_FILE")) {
        at(CLOUD_CREDS, m.valueLine("value"), m.keyColumn("value"), key(c, "env/" + name),
            who + " points " + name + " at a mounted key file");
        continue;
      }
      secret(name, value, m.valueLine("value"), m.keyColumn("value"),
          who + " sets env var ", key(c, "env/" + name));
    }
    for (YamlNode e : c.node().list("envFrom")) {
      YamlMap m = e.asMap();
      if (m.get("secretRef") != null) {
        String secret = m.map("secretRef").str("name");
        at(SECRET_ENV, m.keyLine("secretRef"), m.keyColumn("secretRef"),
            key(c, "envFrom/" + secret), who + " imports every key of Secret '" + secret
                + "' as env vars (envFrom)");
      }
    }
  }

  /**
   * A credential written on a command the container runs: its command and args, the exec
   * commands of its liveness, readiness and startup probes, and of its postStart and preStop
   * hooks (each exec form; the kubelet runs them with the container's environment, so
   * {@code sh -c 'mysqladmin ping -p"$MYSQL_ROOT_PASSWORD"'} holds no literal).
   */
  private void commandLine(Container c) {
    List<YamlNode> main = new java.util.ArrayList<>();
    for (String k : List.of("command", "args")) {
      c.node().list(k).forEach(main::add);
    }
    commandSecrets(c, main, "command line", "command/");
    for (String probe : List.of("livenessProbe", "readinessProbe", "startupProbe")) {
      commandSecrets(c, c.node().map(probe).map("exec").list("command"), probe + " command",
          probe + "/");
    }
    for (String hook : List.of("postStart", "preStop")) {
      commandSecrets(c, c.node().map("lifecycle").map(hook).map("exec").list("command"),
          hook + " hook", hook + "/");
    }
  }

  private void commandSecrets(Container c, Iterable<YamlNode> nodes, String where,
      String keyPrefix) {
    List<YamlNode> items = new java.util.ArrayList<>();
    List<String> words = new java.util.ArrayList<>();
    for (YamlNode a : nodes) {
      if (a.text() != null) {
        items.add(a);
        words.add(a.text());
      }
    }
    if (items.isEmpty()) {
      return;
    }
    for (CommandLine.Secret s : CommandLine.secrets(CommandLine.execForm(words))) {
      YamlNode at = items.stream().filter(a -> a.text().contains(s.value())).findFirst()
          .orElse(items.get(0));
      sink.report(HARDCODED_SECRET.at(file.location(at.line(), at.column()), "container '"
              + c.name() + "' of " + obj.address() + " writes a literal secret on its " + where
              + " (" + s.what() + ")").withSecret(SecretEvidence.of(s.value()))
          .withKey(key(c, keyPrefix + s.what())).withSeverity(Severity.HIGH));
    }
  }

  private void configMap() {
    for (Map.Entry<String, YamlNode> e : obj.node().map("data").entries().entrySet()) {
      String v = e.getValue().text();
      if (v != null) {
        YamlMap data = obj.node().map("data");
        secret(e.getKey(), v, data.keyLine(e.getKey()), data.keyColumn(e.getKey()),
            obj.address() + " stores ", obj.address() + "/data/" + e.getKey());
      }
    }
  }

  private void secret(String name, String value, int line, int col, String prefix, String k) {
    Optional<SecretHit> hit = Secrets.assignment(name, value);
    if (hit.isEmpty()) {
      return;
    }
    boolean strong = Secrets.entropy(value.trim()) >= 3.0;
    sink.report(HARDCODED_SECRET.at(file.location(line, col), prefix + hit.get().kind() + " "
        + name + " as a literal").withSecret(hit.get().evidence()).withKey(k)
        .withSeverity(strong ? Severity.CRITICAL : Severity.HIGH));
  }

  void report(Rule rule, YamlMap m, String k, String what, String message) {
    at(rule, m.keyLine(k), m.keyColumn(k), obj.address() + "/" + what, message);
  }

  void at(Rule rule, int line, int col, String k, String message) {
    sink.report(rule.at(file.location(line, col), message).withKey(k));
  }

  String key(Container c, String what) {
    return obj.address() + "/" + c.field() + "/" + c.name() + "/" + what;
  }
}
