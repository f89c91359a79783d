package dev.imprint.scan.netpol;

import dev.imprint.scan.Diagnostic;
import dev.imprint.scan.SourceFile;
import dev.imprint.scan.kubernetes.KubernetesObject;
import dev.imprint.scan.yaml.YamlList;
import dev.imprint.scan.yaml.YamlMap;
import dev.imprint.scan.yaml.YamlNode;
import dev.imprint.scan.yaml.YamlScalar;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Parses one NetworkPolicy's spec and refuses what the API server refuses (a peer with no
 * selector, ipBlock beside a selector, an except outside its CIDR, an unknown protocol or
 * operator, endPort without a numeric port or below it, a malformed named port), so that the
 * analysis never guesses.
 */
final class PolicyReader {
  private static final Pattern PORT_NAME = Pattern.compile("[a-z0-9]([a-z0-9-]{0,13}[a-z0-9])?");

  private final SourceFile file;
  private final String policy;
  private final List<Diagnostic> errors = new ArrayList<>();
  private final List<Diagnostic> warnings = new ArrayList<>();

  private PolicyReader(SourceFile file, String policy) {
    this.file = file;
    this.policy = policy;
  }

  /** The policy ({@code null} when it has errors) and what reading it found. */
  record Outcome(NetworkPolicy policy, List<Diagnostic> errors, List<Diagnostic> warnings) {}

  static Outcome read(KubernetesObject o, SourceFile file) {
    String ns = o.effectiveNamespace();
    PolicyReader r = new PolicyReader(file, "NetworkPolicy " + ns + "/" + o.name());
    YamlMap spec = o.node().map("spec");
    LabelSelector selector = spec.has("podSelector")
        ? r.selector(spec.get("podSelector"), "spec.podSelector") : LabelSelector.everything();
    List<NetworkPolicy.Rule> ingress = r.rules(spec, "ingress", "from");
    List<NetworkPolicy.Rule> egress = r.rules(spec, "egress", "to");
    boolean isIngress = true;
    boolean isEgress = !egress.isEmpty();
    YamlList types = spec.list("policyTypes");
    if (!types.items().isEmpty()) {
      isIngress = false;
      isEgress = false;
      for (YamlNode t : types) {
        String v = t.text();
        if ("Ingress".equals(v)) {
          isIngress = true;
        } else if ("Egress".equals(v)) {
          isEgress = true;
        } else {
          r.error(t, "spec.policyTypes: expected Ingress or Egress, got " + v);
        }
      }
    }
    NetworkPolicy p = r.errors.isEmpty() ? new NetworkPolicy(ns, o.name(), selector, isIngress,
        isEgress, ingress, egress) : null;
    return new Outcome(p, r.errors, r.warnings);
  }

  private void error(YamlNode at, String message) {
    errors.add(new Diagnostic(file.location(at.line(), at.column()),
        Diagnostic.Kind.PARSE_ERROR, policy + ": " + message));
  }

  private List<NetworkPolicy.Rule> rules(YamlMap spec, String field, String peersField) {
    List<NetworkPolicy.Rule> out = new ArrayList<>();
    YamlList list = spec.list(field);
    for (int i = 0; i < list.size(); i++) {
      YamlMap rule = list.get(i).asMap();
      String at = "spec." + field + "[" + i + "]";
      List<NetworkPolicy.Peer> peers = null;
      YamlList from = rule.list(peersField);
      if (!from.items().isEmpty()) {
        peers = new ArrayList<>();
        for (int j = 0; j < from.size(); j++) {
          NetworkPolicy.Peer peer = peer(from.get(j), at + "." + peersField + "[" + j + "]");
          if (peer != null) {
            peers.add(peer);
          }
        }
      }
      List<NetworkPolicy.Port> ports = new ArrayList<>();
      YamlList portList = rule.list("ports");
      for (int j = 0; j < portList.size(); j++) {
        NetworkPolicy.Port port = port(portList.get(j), at + ".ports[" + j + "]");
        if (port != null) {
          ports.add(port);
        }
      }
      out.add(new NetworkPolicy.Rule(peers, ports));
    }
    return out;
  }

  private NetworkPolicy.Peer peer(YamlNode node, String at) {
    YamlMap m = node.asMap();
    boolean pods = m.get("podSelector") instanceof YamlMap;
    boolean nss = m.get("namespaceSelector") instanceof YamlMap;
    boolean ip = m.get("ipBlock") instanceof YamlMap;
    if (!pods && !nss && !ip) {
      error(node, at + ": expected podSelector, namespaceSelector or ipBlock, got none");
      return null;
    }
    if (ip && (pods || nss)) {
      error(node, at + ": ipBlock cannot be combined with podSelector or namespaceSelector");
      return null;
    }
    if (ip) {
      return new NetworkPolicy.Peer(null, null, ipBlock(m.map("ipBlock"), at + ".ipBlock"));
    }
    return new NetworkPolicy.Peer(
        pods ? selector(m.get("podSelector"), at + ".podSelector") : null,
        nss ? selector(m.get("namespaceSelector"), at + ".namespaceSelector") : null, null);
  }

  private List<IpRange> ipBlock(YamlMap m, String at) {
    String cidr = m.str("cidr");
    if (cidr == null) {
      error(m, at + ": expected cidr, got none");
      return List.of();
    }
    if (cidr.contains(":")) {
      warnings.add(new Diagnostic(file.location(m.line(), m.column()), Diagnostic.Kind.CONFIG,
          policy + ": " + at + ": IPv6 block " + cidr + " is outside the analysed IPv4"
              + " address space and matches none of it"));
      return List.of();
    }
    IpRange range = IpRange.parseCidr(cidr);
    if (range == null) {
      error(m, at + ".cidr: expected an IPv4 CIDR such as 10.0.0.0/8, got " + cidr);
      return List.of();
    }
    List<IpRange> except = new ArrayList<>();
    for (YamlNode x : m.list("except")) {
      IpRange r = x.text() == null ? null : IpRange.parseCidr(x.text());
      if (r == null) {
        error(x, at + ".except: expected an IPv4 CIDR, got " + x.text());
      } else if (!range.contains(r) || r.equals(range)) {
        error(x, at + ".except: " + x.text() + " must be strictly within " + cidr);
      } else {
        except.add(r);
      }
    }
    return range.minus(except);
  }

  private NetworkPolicy.Port port(YamlNode node, String at) {
    YamlMap m = node.asMap();
    String proto = m.str("protocol");
    Protocol protocol = proto == null ? Protocol.TCP : Protocol.parse(proto);
    if (protocol == null) {
      error(node, at + ".protocol: expected TCP, UDP or SCTP, got " + proto);
      return null;
    }
    YamlNode portNode = m.get("port");
    String port = portNode == null ? null : portNode.text();
    String end = m.str("endPort");
    boolean numeric = port != null && portNode instanceof YamlScalar s && !s.quoted()
        && port.matches("[0-9]{1,5}");
    if (port == null) {
      if (end != null) {
        error(node, at + ".endPort: needs a numeric port, got none");
        return null;
      }
      return new NetworkPolicy.Port(protocol, null, null, null);
    }
    if (!numeric) {
      if (!PORT_NAME.matcher(port).matches() || !port.matches(".*[a-z].*")
          || port.contains("--")) {
        error(portNode, at + ".port: expected a port number 1-65535 or a port name (at most 15"
            + " lower-case letters, digits and '-', with a letter), got " + port);
        return null;
      }
      if (end != null) {
        error(node, at + ".endPort: cannot be used with the named port " + port);
        return null;
      }
      return new NetworkPolicy.Port(protocol, null, port, null);
    }
    int number = Integer.parseInt(port);
    if (number < 1 || number > 65535) {
      error(portNode, at + ".port: expected 1-65535, got " + port);
      return null;
    }
    Integer endPort = null;
    if (end != null) {
      if (!end.matches("[0-9]{1,5}") || Integer.parseInt(end) < number
          || Integer.parseInt(end) > 65535) {
        error(node, at + ".endPort: expected a number from " + number + " to 65535, got " + end);
        return null;
      }
      endPort = Integer.parseInt(end);
    }
    return new NetworkPolicy.Port(protocol, number, null, endPort);
  }

  private LabelSelector selector(YamlNode node, String at) {
    if (!(node instanceof YamlMap m)) {
      if (node instanceof YamlScalar s && s.value() == null) {
        return LabelSelector.everything();
      }
      error(node, at + ": expected a label selector map");
      return LabelSelector.everything();
    }
    Map<String, String> labels = new LinkedHashMap<>();
    m.map("matchLabels").entries().forEach((k, v) -> {
      if (v.text() == null) {
        error(v, at + ".matchLabels." + k + ": expected a string value");
      } else {
        labels.put(k, v.text());
      }
    });
    List<LabelSelector.Requirement> reqs = new ArrayList<>();
    YamlList exprs = m.list("matchExpressions");
    for (int i = 0; i < exprs.size(); i++) {
      YamlMap e = exprs.get(i).asMap();
      String where = at + ".matchExpressions[" + i + "]";
      String key = e.str("key");
      LabelSelector.Operator op = e.str("operator") == null ? null
          : LabelSelector.Operator.parse(e.str("operator"));
      List<String> values = new ArrayList<>();
      e.list("values").forEach(v -> values.add(v.text() == null ? "" : v.text()));
      if (key == null || key.isEmpty()) {
        error(e, where + ": expected a key, got none");
      } else if (op == null) {
        error(e, where + ".operator: expected In, NotIn, Exists or DoesNotExist, got "
            + e.str("operator"));
      } else if ((op == LabelSelector.Operator.IN || op == LabelSelector.Operator.NOT_IN)
          && values.isEmpty()) {
        error(e, where + ": operator " + op.text() + " needs at least one value");
      } else if ((op == LabelSelector.Operator.EXISTS
          || op == LabelSelector.Operator.DOES_NOT_EXIST) && !values.isEmpty()) {
        error(e, where + ": operator " + op.text() + " takes no values");
      } else {
        reqs.add(new LabelSelector.Requirement(key, op, values));
      }
    }
    return new LabelSelector(labels, reqs);
  }
}
