package dev.imprint.scan.aws;

import dev.imprint.scan.aws.NetworkChecks.Ports;
import dev.imprint.scan.terraform.Tf;
import dev.imprint.scan.terraform.TfModule;
import dev.imprint.scan.terraform.TfModule.Located;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The ingress rules that a call of the widely used terraform-aws-modules security-group module
 * (or one of its per-service submodules, {@code //modules/ssh}, {@code //modules/http-80}, ...)
 * creates from its inputs: the named {@code ingress_rules} (and a submodule's own rules) applied
 * to {@code ingress_cidr_blocks} / {@code ingress_ipv6_cidr_blocks}, and each object of
 * {@code ingress_with_cidr_blocks} / {@code ingress_with_ipv6_cidr_blocks} (and their
 * {@code computed_} forms), whose {@code cidr_blocks} is a comma-separated string that defaults
 * to the module's {@code ingress_cidr_blocks}. A named rule's ports come from the number in its
 * name ({@code https-443-tcp}) or from the well-known names below; an unknown name has unknown
 * ports.
 */
final class SecurityGroupModule {
  private static final Pattern PORT_IN_NAME = Pattern.compile("-(\\d{1,5})(?=-|$)");
  /** Named rules and submodules whose names carry no port number. */
  private static final Map<String, int[]> KNOWN = Map.ofEntries(
      Map.entry("ssh", new int[] {22}), Map.entry("rdp", new int[] {3389}),
      Map.entry("mysql", new int[] {3306}), Map.entry("postgresql", new int[] {5432}),
      Map.entry("mssql", new int[] {1433}), Map.entry("oracle-db", new int[] {1521}),
      Map.entry("redis", new int[] {6379}), Map.entry("memcached", new int[] {11211}),
      Map.entry("mongodb", new int[] {27017}), Map.entry("elasticsearch", new int[] {9200}),
      Map.entry("elasticsearch-rest", new int[] {9200}),
      Map.entry("elasticsearch-java", new int[] {9300}), Map.entry("kibana", new int[] {5601}),
      Map.entry("cassandra", new int[] {9042}), Map.entry("cassandra-clients", new int[] {9042}),
      Map.entry("etcd", new int[] {2379}), Map.entry("etcd-client", new int[] {2379}),
      Map.entry("etcd-peer", new int[] {2380}), Map.entry("nfs", new int[] {2049}),
      Map.entry("kafka", new int[] {9092}), Map.entry("kafka-broker", new int[] {9092}),
      Map.entry("grafana", new int[] {3000}), Map.entry("minio", new int[] {9000}),
      Map.entry("winrm", new int[] {5985}), Map.entry("winrm-http", new int[] {5985}),
      Map.entry("winrm-https", new int[] {5986}), Map.entry("smtp", new int[] {25}),
      Map.entry("kubernetes-api", new int[] {6443}), Map.entry("vault", new int[] {8200}),
      Map.entry("ldap", new int[] {389}), Map.entry("ldaps", new int[] {636}),
      Map.entry("redshift", new int[] {5439}), Map.entry("docker-swarm", new int[] {2377}),
      Map.entry("docker-swarm-mngmt", new int[] {2377}), Map.entry("dns", new int[] {53}),
      Map.entry("ntp", new int[] {123}), Map.entry("consul", new int[] {8300}),
      Map.entry("zookeeper", new int[] {2181}), Map.entry("web-jmx", new int[] {1099}),
      Map.entry("puppet", new int[] {8140}), Map.entry("splunk", new int[] {8000}),
      Map.entry("squid", new int[] {3128}), Map.entry("openvpn", new int[] {1194}),
      Map.entry("nomad", new int[] {4646}), Map.entry("prometheus", new int[] {9090}),
      Map.entry("logstash", new int[] {5044}), Map.entry("rabbitmq", new int[] {5672}));

  private SecurityGroupModule() {}

  /** A CIDR of a rule and the attribute and value that hold it. */
  record Cidr(String cidr, Tf.Attr attr, Tf.Value value) {}

  /**
   * One ingress rule the module creates.
   *
   * @param key what identifies it within the module call, e.g. {@code ingress_rules[ssh-tcp]}
   * @param ports its ports; null when not known
   * @param icmp whether it opens no TCP or UDP port
   * @param shown how a message names it, e.g. {@code rule 'ssh-tcp'}
   */
  record Rule(String key, Ports ports, boolean icmp, List<Cidr> cidrs, String shown) {}

  /** Whether a module block calls the security-group module; its submodule name or "". */
  static String submodule(Tf.Block module) {
    Tf.Value src = module.value("source");
    String s = src == null || src.literal() == null ? "" : src.literal();
    if (!s.contains("terraform-aws-modules/security-group")
        && !s.contains("terraform-aws-security-group")) {
      return null;
    }
    int at = s.indexOf("//modules/");
    if (at < 0) {
      return "";
    }
    String rest = s.substring(at + "//modules/".length());
    int end = rest.indexOf('?');
    return end < 0 ? rest : rest.substring(0, end);
  }

  /** The ingress rules of a module call; empty when it is not the security-group module. */
  static List<Rule> rules(Located call, TfModule module) {
    Tf.Block b = call.block();
    String sub = b.type().equals("module") ? submodule(b) : null;
    if (sub == null) {
      return List.of();
    }
    List<Cidr> cidrs = cidrs(b, module, "ingress_cidr_blocks");
    cidrs.addAll(cidrs(b, module, "ingress_ipv6_cidr_blocks"));
    List<Rule> out = new ArrayList<>();
    List<String> named = new ArrayList<>();
    if (!sub.isEmpty() && !sub.equals("_templates")) {
      Tf.Value auto = module.resolve(b.value("auto_ingress_rules"));
      if (auto == null) {
        named.add(sub);
      } else {
        named.addAll(Tf.literals(auto));
      }
    }
    for (String input : List.of("ingress_rules", "computed_ingress_rules")) {
      named.addAll(Tf.literals(module.resolve(b.value(input))));
    }
    for (String name : named) {
      out.add(named(name, "ingress_rules[" + name + "]", cidrs));
    }
    for (String input : List.of("ingress_with_cidr_blocks", "computed_ingress_with_cidr_blocks",
        "ingress_with_ipv6_cidr_blocks", "computed_ingress_with_ipv6_cidr_blocks")) {
      Tf.Attr a = b.attr(input);
      if (a == null || !(module.resolve(a.value()) instanceof Tf.Tuple t)) {
        continue;
      }
      String own = input.contains("ipv6") ? "ipv6_cidr_blocks" : "cidr_blocks";
      for (int i = 0; i < t.items().size(); i++) {
        if (t.items().get(i) instanceof Tf.Obj o) {
          out.add(object(o, a, own, input + "[" + i + "]", cidrs, module));
        }
      }
    }
    return out;
  }

  private static List<Cidr> cidrs(Tf.Block b, TfModule module, String input) {
    List<Cidr> out = new ArrayList<>();
    Tf.Attr a = b.attr(input);
    if (a == null) {
      return out;
    }
    Tf.Value v = module.resolve(a.value());
    for (Tf.Value item : v instanceof Tf.Tuple t ? t.items() : List.of(v)) {
      if (item.literal() != null) {
        for (String c : item.literal().split(",")) {
          out.add(new Cidr(c.trim(), a, item));
        }
      }
    }
    return out;
  }

  private static Rule object(Tf.Obj o, Tf.Attr attr, String own, String key,
      List<Cidr> defaults, TfModule module) {
    List<Cidr> cidrs = new ArrayList<>();
    Tf.Value c = module.resolve(o.entries().get(own));
    if (c != null && c.literal() != null) {
      for (String cidr : c.literal().split(",")) {
        cidrs.add(new Cidr(cidr.trim(), attr, o.entries().get(own)));
      }
    } else if (c == null) {
      cidrs.addAll(defaults);
    }
    Tf.Value rule = module.resolve(o.entries().get("rule"));
    if (rule != null && rule.literal() != null) {
      Rule r = named(rule.literal(), key, cidrs);
      return new Rule(key, r.ports(), r.icmp(), cidrs, r.shown());
    }
    String protocol = text(module.resolve(o.entries().get("protocol")));
    String from = text(module.resolve(o.entries().get("from_port")));
    String to = text(module.resolve(o.entries().get("to_port")));
    Ports ports = Ports.of(protocol, from, to);
    boolean icmp = ports == null && protocol != null && Ports.notTcpUdp(protocol);
    return new Rule(key, ports, icmp, cidrs, null);
  }

  private static String text(Tf.Value v) {
    return v == null ? null : v.literal();
  }

  /** The rule a name stands for: {@code all-all}, {@code ssh-tcp}, {@code https-443-tcp}. */
  static Rule named(String name, String key, List<Cidr> cidrs) {
    String n = name.trim().toLowerCase(Locale.ROOT);
    String shown = "rule '" + name.trim() + "'";
    if (n.equals("all-all") || n.equals("all-tcp") || n.equals("all-udp")) {
      return new Rule(key, new Ports(0, 65535, true), false, cidrs, shown);
    }
    if (n.contains("icmp") || n.equals("_")) {
      return new Rule(key, null, true, cidrs, shown);
    }
    Matcher m = PORT_IN_NAME.matcher(n);
    if (m.find()) {
      int port = Integer.parseInt(m.group(1));
      if (port > 0 && port <= 65535) {
        return new Rule(key, new Ports(port, port, false), false, cidrs, shown);
      }
    }
    String base = n.replaceAll("-(tcp|udp)(-tls)?$", "");
    int[] ports = KNOWN.get(base);
    while (ports == null && base.contains("-")) {
      base = base.substring(0, base.lastIndexOf('-'));
      ports = KNOWN.get(base);
    }
    return ports == null ? new Rule(key, null, false, cidrs, shown + " (ports not known)")
        : new Rule(key, new Ports(ports[0], ports[0], false), false, cidrs, shown);
  }
}
