package dev.imprint.scan.azure;

import dev.imprint.scan.Analyzer.Sink;
import dev.imprint.scan.Finding;
import dev.imprint.scan.Rule;
import dev.imprint.scan.Severity;
import dev.imprint.scan.SourceFile;
import dev.imprint.scan.terraform.Tf;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * The Azure exposure and privilege rules over one Terraform file, with values resolved through
 * the module's variables and locals: network security group rules that open SSH or RDP (or every
 * port) to the internet, inline or as {@code azurerm_network_security_rule}; custom roles that
 * allow every action; AKS clusters without Kubernetes RBAC. A finding points at the offending
 * value's line where this file holds it.
 */
final class AzureExposure {
  /** Source prefixes that mean anyone: service tags and the all-addresses ranges. */
  private static final Set<String> ANYONE = Set.of("*", "internet", "any", "0.0.0.0/0",
      "::/0");

  private final Tf.File file;
  private final SourceFile source;
  private final Sink sink;
  private final UnaryOperator<Tf.Value> resolve;

  AzureExposure(Tf.File file, Sink sink, UnaryOperator<Tf.Value> resolve) {
    this.file = file;
    this.source = file.source();
    this.sink = sink;
    this.resolve = resolve;
  }

  void run() {
    for (Tf.Block b : file.blocks()) {
      if (!b.type().equals("resource")) {
        continue;
      }
      switch (b.label(0)) {
        case "azurerm_network_security_group" -> {
          int n = 0;
          for (Tf.Block rule : b.blocks("security_rule")) {
            securityRule(b, rule, b.address() + ".security_rule[" + n++ + "]");
          }
        }
        case "azurerm_network_security_rule" -> securityRule(b, b, b.address());
        case "azurerm_role_definition" -> customRole(b);
        case "azurerm_kubernetes_cluster" -> aksRbac(b);
        default -> { }
      }
    }
  }

  private void report(Rule rule, Tf.Block b, Tf.Attr attr, Tf.Value v, String message,
      String key, Severity severity) {
    int line;
    int column;
    if (v != null && attr != null && Tf.writtenIn(attr.value(), v) && file.holds(v)) {
      line = file.line(v);
      column = file.column(v);
    } else if (attr != null) {
      line = attr.line();
      column = attr.column();
    } else {
      line = b.line();
      column = b.column();
    }
    Finding f = rule.at(source.location(Math.max(1, line), Math.max(1, column)), message)
        .withKey(key);
    sink.report(severity == null || severity == rule.severity() ? f : f.withSeverity(severity));
  }

  private String literal(Tf.Block b, String name) {
    Tf.Value v = resolve.apply(b.value(name));
    return v == null || v.literal() == null ? null : v.literal().trim();
  }

  // ---- network security groups ----

  private void securityRule(Tf.Block owner, Tf.Block rule, String key) {
    String direction = literal(rule, "direction");
    String access = literal(rule, "access");
    String protocol = literal(rule, "protocol");
    if (direction == null || !direction.equalsIgnoreCase("Inbound") || access == null
        || !access.equalsIgnoreCase("Allow")
        || protocol != null && protocol.toLowerCase(Locale.ROOT).startsWith("icmp")) {
      return;
    }
    Tf.Attr sourceAttr = null;
    Tf.Value open = null;
    for (String name : List.of("source_address_prefix", "source_address_prefixes")) {
      Tf.Attr a = rule.attr(name);
      Tf.Value v = a == null ? null : resolve.apply(a.value());
      for (Tf.Value item : v instanceof Tf.Tuple t ? t.items() : v == null ? List.<Tf.Value>of()
          : List.of(v)) {
        if (item.literal() != null
            && ANYONE.contains(item.literal().trim().toLowerCase(Locale.ROOT))) {
          sourceAttr = a;
          open = item;
          break;
        }
      }
      if (open != null) {
        break;
      }
    }
    if (open == null) {
      return;
    }
    List<String> ports = new ArrayList<>();
    String single = literal(rule, "destination_port_range");
    if (single != null) {
      ports.add(single);
    }
    ports.addAll(Tf.literals(resolve.apply(rule.value("destination_port_ranges"))));
    boolean all = false;
    List<String> admin = new ArrayList<>();
    for (String p : ports) {
      String t = p.trim();
      if (t.equals("*") || t.equals("0-65535") || t.equals("1-65535")) {
        all = true;
      } else {
        for (int port : new int[] {22, 3389}) {
          if (covers(t, port) && !admin.contains(Integer.toString(port))) {
            admin.add(Integer.toString(port));
          }
        }
      }
    }
    if (!all && admin.isEmpty()) {
      return;
    }
    String from = open.literal().trim();
    String what = all ? "every port" : "port " + String.join(" and ", admin)
        + (admin.size() == 2 ? " (SSH and RDP)" : admin.get(0).equals("22") ? " (SSH)" : " (RDP)");
    report(AzureRules.NSG_ADMIN_OPEN, owner, sourceAttr, open, owner.address()
        + (rule == owner ? "" : " security_rule '" + String.valueOf(literal(rule, "name")) + "'")
        + " allows " + what + " from '" + from + "'", key, all ? Severity.CRITICAL : null);
  }

  private static boolean covers(String range, int port) {
    int dash = range.indexOf('-');
    try {
      int from = Integer.parseInt(dash < 0 ? range : range.substring(0, dash).trim());
      int to = dash < 0 ? from : Integer.parseInt(range.substring(dash + 1).trim());
      return from <= port && port <= to;
    } catch (NumberFormatException e) {
      return false;
    }
  }

  // ---- custom roles ----

  private void customRole(Tf.Block b) {
    for (Tf.Block p : b.blocks("permissions")) {
      Tf.Attr actions = p.attr("actions");
      Tf.Value v = actions == null ? null : resolve.apply(actions.value());
      for (Tf.Value item : v instanceof Tf.Tuple t ? t.items() : List.<Tf.Value>of()) {
        if ("*".equals(item.literal() == null ? null : item.literal().trim())) {
          report(AzureRules.CUSTOM_ROLE_ALL_ACTIONS, b, actions, item, b.address()
              + " defines role '" + String.valueOf(literal(b, "name"))
              + "' with actions = [\"*\"]", b.address() + ".permissions.actions", null);
          return;
        }
      }
    }
  }

  // ---- AKS ----

  private void aksRbac(Tf.Block b) {
    Tf.Attr enabled = b.attr("role_based_access_control_enabled");
    Tf.Value v = enabled == null ? null : resolve.apply(enabled.value());
    if (v != null && "false".equals(v.literal())) {
      report(AzureRules.AKS_RBAC_DISABLED, b, enabled, v, b.address()
          + " sets role_based_access_control_enabled = false", b.address() + ".rbac", null);
      return;
    }
    for (Tf.Block rbac : b.blocks("role_based_access_control")) {
      Tf.Attr a = rbac.attr("enabled");
      Tf.Value e = a == null ? null : resolve.apply(a.value());
      if (e != null && "false".equals(e.literal())) {
        report(AzureRules.AKS_RBAC_DISABLED, b, a, e, b.address()
            + " sets role_based_access_control { enabled = false }", b.address() + ".rbac",
            null);
      }
    }
  }
}
