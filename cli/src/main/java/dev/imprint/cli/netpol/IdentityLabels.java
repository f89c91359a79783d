package dev.imprint.cli.netpol;

import dev.imprint.scan.SourceFile;
import dev.imprint.scan.netpol.LabelSelector;
import dev.imprint.scan.netpol.Workload;
import dev.imprint.scan.yaml.YamlMap;
import dev.imprint.scan.yaml.YamlNode;
import dev.imprint.scan.yaml.YamlReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The label mapping file: which namespace and pod labels carry each SPIFFE identity, and where
 * the cluster DNS runs. NetworkPolicies select pods by labels, never by identity, so this is
 * what ties a grant's subject to the pods a policy must select.
 *
 * <pre>
 * apiVersion: imprint.dev/v1
 * kind: NetpolLabels
 * identities:
 *   - id: spiffe://prod.acme/payments/api
 *     namespace: payments
 *     labels: {app: payments-api}
 *     name: payments-api          # optional: names the generated policies
 * dns:                            # optional; these are the defaults
 *   namespace: kube-system
 *   labels: {k8s-app: kube-dns}
 * </pre>
 */
public record IdentityLabels(List<Identity> identities, String dnsNamespace,
    Map<String, String> dnsLabels) {
  private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");
  private static final Pattern SPIFFE = Pattern.compile("spiffe://[a-z0-9._-]+(/[A-Za-z0-9._-]+)+");

  public IdentityLabels {
    identities = List.copyOf(identities);
    dnsLabels = Map.copyOf(dnsLabels);
  }

  /** One identity: its SPIFFE ID, namespace, pod labels and the name its policies carry. */
  public record Identity(String id, String namespace, Map<String, String> labels, String name) {
    public Identity {
      labels = Map.copyOf(new TreeMap<>(labels));
    }

    /** Whether a workload runs as this identity: same namespace, pod labels include ours. */
    public boolean runs(Workload w) {
      return w.namespace().equals(namespace)
          && new LabelSelector(labels, List.of()).matches(w.labels());
    }
  }

  /** Reads a mapping file; throws {@code netpol.labels_invalid} with file:line on bad input. */
  public static IdentityLabels read(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new NetpolException("netpol.labels_invalid", "cannot read the label mapping "
          + file + ": " + e.getMessage());
    }
    return parse(file.toString(), text);
  }

  /** Parses a mapping file's text. */
  public static IdentityLabels parse(String name, String text) {
    YamlReader.Result r = YamlReader.read(SourceFile.of(name, text));
    if (!r.ok() || r.documents().size() != 1 || !(r.documents().get(0) instanceof YamlMap m)) {
      throw bad(name, r.ok() ? 1 : r.problem().line(), "expected one YAML document with"
          + " apiVersion imprint.dev/v1 and kind NetpolLabels"
          + (r.ok() ? "" : ": " + r.problem().message()));
    }
    if (!"imprint.dev/v1".equals(m.str("apiVersion")) || !"NetpolLabels".equals(m.str("kind"))) {
      throw bad(name, m.line(), "expected apiVersion imprint.dev/v1 and kind NetpolLabels, got "
          + m.str("apiVersion") + " " + m.str("kind"));
    }
    for (String key : m.keys()) {
      if (!List.of("apiVersion", "kind", "identities", "dns").contains(key)) {
        throw bad(name, m.keyLine(key), "unknown key " + key);
      }
    }
    List<Identity> ids = new ArrayList<>();
    Map<String, Identity> byId = new LinkedHashMap<>();
    for (YamlNode n : m.list("identities")) {
      Identity id = identity(name, n.asMap());
      if (byId.put(id.id(), id) != null) {
        throw bad(name, n.line(), "identity " + id.id() + " is mapped twice");
      }
      ids.add(id);
    }
    if (ids.isEmpty()) {
      throw bad(name, m.line(), "expected at least one entry under identities");
    }
    checkDistinct(name, ids);
    YamlMap dns = m.map("dns");
    String dnsNs = dns.str("namespace") == null ? "kube-system" : dns.str("namespace");
    Map<String, String> dnsLabels = dns.has("labels") ? labels(name, dns.map("labels"))
        : Map.of("k8s-app", "kube-dns");
    return new IdentityLabels(ids, dnsNs, dnsLabels);
  }

  private static Identity identity(String file, YamlMap e) {
    String id = e.str("id");
    String ns = e.str("namespace");
    if (id == null || !SPIFFE.matcher(id).matches()) {
      throw bad(file, e.line(), "expected id: a SPIFFE ID such as spiffe://td/app, got " + id);
    }
    if (ns == null || !DNS_LABEL.matcher(ns).matches()) {
      throw bad(file, e.line(), "identity " + id + ": expected namespace: a DNS label, got " + ns);
    }
    Map<String, String> labels = labels(file, e.map("labels"));
    if (labels.isEmpty()) {
      throw bad(file, e.line(), "identity " + id + ": expected at least one pod label (an empty"
          + " selector would select every pod of " + ns + ")");
    }
    String name = e.str("name");
    if (name == null) {
      name = id.substring(id.lastIndexOf('/') + 1).toLowerCase(java.util.Locale.ROOT)
          .replaceAll("[^a-z0-9-]", "-").replaceAll("^-+|-+$", "");
    }
    if (!DNS_LABEL.matcher(name).matches() || name.length() > 40) {
      throw bad(file, e.line(), "identity " + id + ": expected name: at most 40 lower-case"
          + " letters, digits and '-', got " + name);
    }
    return new Identity(id, ns, labels, name);
  }

  private static Map<String, String> labels(String file, YamlMap m) {
    Map<String, String> out = new TreeMap<>();
    m.entries().forEach((k, v) -> {
      if (v.text() == null) {
        throw bad(file, v.line(), "label " + k + ": expected a string value");
      }
      out.put(k, v.text());
    });
    return out;
  }

  /**
   * Two identities of one namespace must not select each other's pods: when one's labels
   * include the other's, a policy for the broader one would also open flows for the narrower.
   */
  private static void checkDistinct(String file, List<Identity> ids) {
    for (Identity a : ids) {
      for (Identity b : ids) {
        if (a != b && a.namespace().equals(b.namespace())
            && b.labels().entrySet().containsAll(a.labels().entrySet())) {
          throw bad(file, 1, "identities " + a.id() + " and " + b.id() + " cannot be told apart"
              + " in namespace " + a.namespace() + ": the labels " + a.labels() + " also select"
              + " pods labelled " + b.labels() + "; give each a label the other lacks");
        }
        if (a != b && a.namespace().equals(b.namespace()) && a.name().equals(b.name())) {
          throw bad(file, 1, "identities " + a.id() + " and " + b.id() + " share the policy name "
              + a.name() + " in namespace " + a.namespace() + "; set name: on one of them");
        }
      }
    }
  }

  private static NetpolException bad(String file, int line, String message) {
    return new NetpolException("netpol.labels_invalid", file + ":" + line + ": " + message);
  }

  /** The identity with this SPIFFE ID, or {@code null}. */
  public Identity identity(String id) {
    return identities.stream().filter(i -> i.id().equals(id)).findFirst().orElse(null);
  }
}
