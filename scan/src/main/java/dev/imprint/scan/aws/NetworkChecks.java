package dev.imprint.scan.aws;

import dev.imprint.scan.Analyzer.Sink;
import dev.imprint.scan.Finding;
import dev.imprint.scan.Rule;
import dev.imprint.scan.SourceFile;
import dev.imprint.scan.terraform.Tf;
import dev.imprint.scan.terraform.TfModule;
import dev.imprint.scan.terraform.TfModule.Located;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The network exposure rules of AWS over one module: ingress and egress open to the internet
 * through security groups (inline blocks, {@code dynamic} blocks, rule resources and the inputs
 * of the terraform-aws-modules security-group module and its submodules), network ACLs, EKS
 * public endpoints and publicly accessible databases. Ports, protocols and CIDRs are read after
 * the module's variables and locals are resolved; a finding points at the line of the open
 * CIDR where it is written in the same file, else at the attribute or block that opens it.
 */
final class NetworkChecks {
  static final Set<String> OPEN_CIDRS = Set.of("0.0.0.0/0", "::/0");
  private static final int[] SENSITIVE_PORTS = {20, 21, 23, 25, 135, 137, 139, 445, 1433, 1521,
      2049, 2375, 2376, 2379, 2380, 3000, 3306, 4333, 5000, 5432, 5601, 5900, 5984, 6379, 7001,
      8020, 8080, 8086, 8088, 8888, 9000, 9042, 9092, 9200, 9300, 10250, 11211, 15672, 27017,
      27018, 50070};
  private static final Set<String> DATABASES = Set.of("aws_db_instance",
      "aws_rds_cluster_instance", "aws_neptune_cluster_instance", "aws_redshift_cluster");

  private final TfModule module;
  private final Sink sink;

  NetworkChecks(TfModule module, Sink sink) {
    this.module = module;
    this.sink = sink;
  }

  void run() {
    securityGroups();
    networkAcls();
    publicEndpoints();
    publicDatabases();
  }

  // ---- reporting ----

  /** Where a finding goes: a file, a line and a column. */
  record Spot(SourceFile file, int line, int column) {
    static Spot of(Located l, Tf.Attr a) {
      return a == null ? new Spot(l.file().source(), l.block().line(), l.block().column())
          : new Spot(l.file().source(), a.line(), a.column());
    }

    static Spot of(Located l, Tf.Block b) {
      return new Spot(l.file().source(), b.line(), b.column());
    }
  }

  private void report(Rule rule, Spot at, String message, String key) {
    Finding f = rule.at(at.file().location(Math.max(1, at.line()), Math.max(1, at.column())),
        message).withKey(key);
    sink.report(f);
  }

  /**
   * The open CIDRs of the listed attributes of a block (lists, single strings and the
   * comma-separated strings of the security-group module), each with where it is written.
   */
  private List<Open> open(Located owner, Tf.Block b, String... attributes) {
    List<Open> out = new ArrayList<>();
    for (String name : attributes) {
      Tf.Attr a = b.attr(name);
      if (a == null) {
        continue;
      }
      Tf.Value v = module.resolve(a.value());
      List<Tf.Value> items = v instanceof Tf.Tuple t ? t.items() : List.of(v);
      for (Tf.Value item : items) {
        String text = item.literal();
        if (text == null) {
          continue;
        }
        for (String cidr : text.split(",")) {
          if (OPEN_CIDRS.contains(cidr.trim())) {
            out.add(new Open(cidr.trim(), spotOf(owner, a, item)));
          }
        }
      }
    }
    return out;
  }

  /**
   * The line of a value where the attribute itself writes it (an element of a multi-line list),
   * else the attribute's line: a value a variable or local supplies is reported where the
   * attribute uses it, not where the variable is defined.
   */
  private Spot spotOf(Located owner, Tf.Attr a, Tf.Value v) {
    TfModule.Place p = Tf.writtenIn(a.value(), v) ? module.place(v) : null;
    if (p != null && p.file() == owner.file()) {
      return new Spot(owner.file().source(), p.line(), p.column());
    }
    return Spot.of(owner, a);
  }

  /** An open CIDR and where it is written. */
  private record Open(String cidr, Spot at) {}

  // ---- security groups ----

  /**
   * One ingress or egress rule, wherever it was declared.
   *
   * @param ports the ports it opens; null when they are not known statically
   * @param icmp whether it is an ICMP (or other non-TCP/UDP) rule, which opens no port
   */
  private record SgRule(Located owner, String key, boolean ingress, Ports ports, boolean icmp,
      List<Open> open, String shownPorts) {}

  private void securityGroups() {
    List<SgRule> rules = new ArrayList<>();
    for (String type : List.of("aws_security_group", "aws_default_security_group")) {
      for (Located l : module.resources(type)) {
        int n = 0;
        for (Tf.Block b : l.block().blocks()) {
          if (b.type().equals("ingress") || b.type().equals("egress")) {
            rules.add(rule(l, b, b.type() + "[" + n++ + "]", b.type().equals("ingress"),
                "protocol", "from_port", "to_port", "cidr_blocks", "ipv6_cidr_blocks"));
          } else if (b.type().equals("dynamic") && b.block("content") != null
              && (b.label(0).equals("ingress") || b.label(0).equals("egress"))) {
            rules.add(rule(l, b.block("content"), "dynamic." + b.label(0) + "[" + n++ + "]",
                b.label(0).equals("ingress"), "protocol", "from_port", "to_port", "cidr_blocks",
                "ipv6_cidr_blocks"));
          }
        }
        if (type.equals("aws_default_security_group")
            && (!l.block().blocks("ingress").isEmpty() || !l.block().blocks("egress").isEmpty())) {
          report(AwsRules.DEFAULT_SG, Spot.of(l, (Tf.Attr) null), l.block().address()
              + " keeps ingress or egress rules in the default security group",
              l.block().address() + ".rules");
        }
      }
    }
    for (Located l : module.resources("aws_security_group_rule")) {
      Tf.Value type = module.resolve(l.block().value("type"));
      rules.add(rule(l, l.block(), "rule", type != null && "ingress".equals(type.literal()),
          "protocol", "from_port", "to_port", "cidr_blocks", "ipv6_cidr_blocks"));
    }
    for (String type : List.of("aws_vpc_security_group_ingress_rule",
        "aws_vpc_security_group_egress_rule")) {
      for (Located l : module.resources(type)) {
        rules.add(rule(l, l.block(), "rule", type.contains("ingress"), "ip_protocol",
            "from_port", "to_port", "cidr_ipv4", "cidr_ipv6"));
      }
    }
    for (Located l : module.blocks()) {
      if (l.block().type().equals("module")) {
        rules.addAll(SecurityGroupModule.rules(l, module).stream().map(r -> new SgRule(l,
            r.key(), true, r.ports(), r.icmp(), openOf(l, r), r.shown())).toList());
      }
    }
    rules.forEach(this::sgRule);
    Set<String> used = module.referencedAddresses(NetworkChecks::attaches);
    for (Located l : module.resources("aws_security_group")) {
      if (!used.contains(l.block().address())) {
        report(AwsRules.SG_UNUSED, Spot.of(l, (Tf.Attr) null), l.block().address()
            + " is not referenced by any resource in this module", l.block().address());
      }
    }
  }

  private List<Open> openOf(Located l, SecurityGroupModule.Rule r) {
    List<Open> out = new ArrayList<>();
    for (SecurityGroupModule.Cidr c : r.cidrs()) {
      if (OPEN_CIDRS.contains(c.cidr())) {
        out.add(new Open(c.cidr(), spotOf(l, c.attr(), c.value())));
      }
    }
    return out;
  }

  private SgRule rule(Located l, Tf.Block b, String key, boolean ingress, String protocol,
      String from, String to, String... cidrAttrs) {
    String p = literal(b, protocol);
    Ports ports = Ports.of(p, literal(b, from), literal(b, to));
    boolean icmp = ports == null && p != null && Ports.notTcpUdp(p);
    return new SgRule(l, key, ingress, ports, icmp, open(l, b, cidrAttrs), null);
  }

  private String literal(Tf.Block b, String name) {
    Tf.Value v = module.resolve(b.value(name));
    return v == null ? null : v.literal();
  }

  private void sgRule(SgRule r) {
    if (r.open().isEmpty() || r.icmp()) {
      return;
    }
    Open first = r.open().get(0);
    String where = r.owner().block().address() + " " + (r.ingress() ? "ingress" : "egress")
        + (r.key().startsWith("ingress_") ? " (" + r.key().replaceAll("\\[.*", "") + ")" : "");
    String cidr = String.join(", ", r.open().stream().map(Open::cidr).distinct().toList());
    String key = r.owner().block().address() + "." + r.key();
    Ports ports = r.ports();
    if (!r.ingress()) {
      if (ports != null && ports.all()) {
        report(AwsRules.SG_EGRESS_ALL, first.at(), where + " allows all traffic to " + cidr,
            key + ".egress_all");
      }
      return;
    }
    if (ports == null) {
      report(AwsRules.SG_INTERNET_INGRESS, first.at(), where + " allows "
          + (r.shownPorts() != null ? r.shownPorts() : "ports not known statically")
          + " from " + cidr, key + ".internet");
      return;
    }
    String shown = r.shownPorts() != null ? " (" + r.shownPorts() + ")" : "";
    if (ports.all()) {
      report(AwsRules.SG_ALL_PORTS, first.at(), where + " allows all ports" + shown + " from "
          + cidr, key + ".all_ports");
      return;
    }
    boolean reported = false;
    if (ports.covers(22)) {
      report(AwsRules.SG_SSH, first.at(), where + " allows port 22 (SSH)" + shown + " from "
          + cidr, key + ".22");
      reported = true;
    }
    if (ports.covers(3389)) {
      report(AwsRules.SG_RDP, first.at(), where + " allows port 3389 (RDP)" + shown + " from "
          + cidr, key + ".3389");
      reported = true;
    }
    List<String> sensitive = new ArrayList<>();
    for (int p : SENSITIVE_PORTS) {
      if (ports.covers(p)) {
        sensitive.add(Integer.toString(p));
      }
    }
    if (!sensitive.isEmpty()) {
      String list = sensitive.size() > 8
          ? String.join(", ", sensitive.subList(0, 8)) + ", ..." : String.join(", ", sensitive);
      report(AwsRules.SG_SENSITIVE_PORT, first.at(), where + " allows port " + list + shown
          + " from " + cidr, key + ".sensitive");
      reported = true;
    }
    if (!reported) {
      report(AwsRules.SG_INTERNET_INGRESS, first.at(), where + " allows port "
          + ports.shown() + shown + " from " + cidr, key + ".internet");
    }
  }

  /** A port range of a rule; null when it cannot be read statically or is not TCP/UDP. */
  record Ports(int from, int to, boolean all) {
    static Ports of(String protocol, String from, String to) {
      String p = protocol == null ? "" : protocol.trim().toLowerCase(Locale.ROOT);
      if (p.equals("-1") || p.equals("all")) {
        return new Ports(0, 65535, true);
      }
      if (!p.equals("tcp") && !p.equals("udp") && !p.equals("6") && !p.equals("17")) {
        return null;
      }
      int f = parseInt(from);
      int t = parseInt(to);
      if (f < 0 || t < 0) {
        return null;
      }
      return new Ports(f, t, f <= 1 && t >= 65535);
    }

    /** Whether a protocol is known and opens no TCP or UDP port (ICMP, ICMPv6, GRE, ...). */
    static boolean notTcpUdp(String protocol) {
      String p = protocol.trim().toLowerCase(Locale.ROOT);
      return p.equals("icmp") || p.equals("icmpv6") || p.equals("1") || p.equals("58")
          || !p.isEmpty() && p.chars().allMatch(Character::isDigit) && !p.equals("6")
          && !p.equals("17");
    }

    boolean covers(int port) {
      return from <= port && port <= to;
    }

    String shown() {
      return from == to ? Integer.toString(from) : from + "-" + to;
    }
  }

  /**
   * Whether a reference from this attribute attaches a security group: a rule's own
   * {@code security_group_id} only adds rules to the group and does not count as a use.
   */
  private static boolean attaches(Tf.Block owner, String attribute) {
    return !(attribute.equals("security_group_id") && owner.type().equals("resource")
        && (owner.label(0).equals("aws_security_group_rule")
        || owner.label(0).startsWith("aws_vpc_security_group_")));
  }

  // ---- network ACLs ----

  private void networkAcls() {
    for (String type : List.of("aws_network_acl", "aws_default_network_acl")) {
      for (Located l : module.resources(type)) {
        int n = 0;
        for (Tf.Block b : l.block().blocks("ingress")) {
          naclRule(l, b, "ingress[" + n++ + "]", "action");
        }
      }
    }
    for (Located l : module.resources("aws_network_acl_rule")) {
      Tf.Block b = l.block();
      Tf.Value egress = module.resolve(b.value("egress"));
      if (egress != null && "true".equals(egress.literal())) {
        continue;
      }
      naclRule(l, b, "rule", "rule_action");
    }
  }

  private void naclRule(Located l, Tf.Block b, String key, String actionAttr) {
    String action = literal(b, actionAttr);
    List<Open> open = open(l, b, "cidr_block", "ipv6_cidr_block");
    if (action == null || !action.equalsIgnoreCase("allow") || open.isEmpty()) {
      return;
    }
    Ports ports = Ports.of(literal(b, "protocol"), literal(b, "from_port"),
        literal(b, "to_port"));
    if (ports == null) {
      return;
    }
    List<String> hit = new ArrayList<>();
    if (ports.all()) {
      hit.add("all ports");
    } else {
      for (int p : new int[] {20, 21, 22, 3389}) {
        if (ports.covers(p)) {
          hit.add(Integer.toString(p));
        }
      }
    }
    if (!hit.isEmpty()) {
      report(AwsRules.NACL_OPEN, open.get(0).at(), l.block().address() + " allows "
          + String.join(", ", hit) + " from the internet", l.block().address() + "." + key);
    }
  }

  // ---- EKS ----

  private void publicEndpoints() {
    for (Located l : module.resources("aws_eks_cluster")) {
      Tf.Block vpc = l.block().block("vpc_config");
      if (vpc == null) {
        continue;
      }
      Tf.Value pub = module.resolve(vpc.value("endpoint_public_access"));
      if (pub != null && "false".equals(pub.literal())) {
        continue;
      }
      Tf.Attr cidrs = vpc.attr("public_access_cidrs");
      if (cidrs == null) {
        report(AwsRules.EKS_PUBLIC, Spot.of(l, vpc), l.block().address() + " has a public API"
            + " endpoint without public_access_cidrs (defaults to 0.0.0.0/0)",
            l.block().address() + ".vpc_config");
      } else {
        List<Open> open = open(l, vpc, "public_access_cidrs");
        if (!open.isEmpty()) {
          report(AwsRules.EKS_PUBLIC, open.get(0).at(), l.block().address() + " opens its"
              + " public API endpoint to " + open.get(0).cidr(),
              l.block().address() + ".vpc_config.public_access_cidrs");
        }
      }
    }
  }

  // ---- databases ----

  private void publicDatabases() {
    for (Located l : module.blocks()) {
      Tf.Block b = l.block();
      boolean resource = b.type().equals("resource") && DATABASES.contains(b.label(0));
      boolean rdsModule = b.type().equals("module") && rdsModule(b);
      if (!resource && !rdsModule) {
        continue;
      }
      Tf.Attr a = b.attr("publicly_accessible");
      Tf.Value v = a == null ? null : module.resolve(a.value());
      if (v != null && "true".equalsIgnoreCase(String.valueOf(v.literal()).trim())) {
        report(AwsRules.DB_PUBLIC, spotOf(l, a, v), b.address() + " sets publicly_accessible"
            + " = true" + (rdsModule ? " (module input)" : "") + ", so the database gets a public"
            + " address reachable from the internet", b.address() + ".publicly_accessible");
      }
    }
  }

  /** A call of the terraform-aws-modules RDS or Aurora module. */
  private boolean rdsModule(Tf.Block b) {
    Tf.Value src = b.value("source");
    String s = src == null || src.literal() == null ? "" : src.literal();
    return s.contains("terraform-aws-modules/rds") || s.contains("terraform-aws-rds");
  }

  static int parseInt(String s) {
    return AwsChecks.parseInt(s);
  }
}
