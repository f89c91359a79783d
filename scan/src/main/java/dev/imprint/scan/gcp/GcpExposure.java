package dev.imprint.scan.gcp;

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
 * The Google Cloud exposure and immutability rules over one Terraform file, with values resolved
 * through the module's variables and locals: firewalls open to the internet, Cloud SQL
 * authorized networks of 0.0.0.0/0, public Cloud Storage ACLs and BigQuery dataset access, GKE
 * legacy ABAC and control planes authorized for everyone, and Docker repositories without
 * immutable tags. A finding points at the offending value's line where this file holds it.
 */
final class GcpExposure {
  private static final Set<String> OPEN = Set.of("0.0.0.0/0", "::/0");
  private static final Set<String> PUBLIC = Set.of("allusers", "allauthenticatedusers");
  private static final int[] ADMIN_PORTS = {20, 21, 22, 23, 25, 135, 139, 445, 1433, 1521, 2049,
      2375, 2376, 2379, 3306, 3389, 5432, 5601, 5900, 5984, 6379, 8080, 9042, 9092, 9200, 9300,
      10250, 11211, 27017};
  private static final Set<String> ACL_RESOURCES = Set.of("google_storage_bucket_acl",
      "google_storage_object_acl", "google_storage_default_object_acl");
  private static final Set<String> ACCESS_CONTROLS = Set.of(
      "google_storage_bucket_access_control", "google_storage_object_access_control",
      "google_storage_default_object_access_control");

  private final Tf.File file;
  private final SourceFile source;
  private final Sink sink;
  private final UnaryOperator<Tf.Value> resolve;

  GcpExposure(Tf.File file, Sink sink, UnaryOperator<Tf.Value> resolve) {
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
      String type = b.label(0);
      switch (type) {
        case "google_compute_firewall" -> firewall(b);
        case "google_sql_database_instance" -> sql(b);
        case "google_container_cluster" -> gke(b);
        case "google_artifact_registry_repository" -> registry(b);
        case "google_bigquery_dataset" -> b.blocks("access").forEach(a -> datasetAccess(b, a));
        case "google_bigquery_dataset_access" -> datasetAccess(b, b);
        default -> {
          if (ACL_RESOURCES.contains(type)) {
            acl(b);
          } else if (ACCESS_CONTROLS.contains(type)) {
            accessControl(b);
          }
        }
      }
    }
  }

  // ---- reporting ----

  private void report(Rule rule, int line, int column, String message, String key,
      Severity severity) {
    Finding f = rule.at(source.location(Math.max(1, line), Math.max(1, column)), message)
        .withKey(key);
    sink.report(severity == null || severity == rule.severity() ? f : f.withSeverity(severity));
  }

  /** Reports at a value's line where this file holds it, else at its attribute or block. */
  private void reportAt(Rule rule, Tf.Block b, Tf.Attr attr, Tf.Value v, String message,
      String key, Severity severity) {
    if (v != null && attr != null && Tf.writtenIn(attr.value(), v) && file.holds(v)) {
      report(rule, file.line(v), file.column(v), message, key, severity);
    } else if (attr != null) {
      report(rule, attr.line(), attr.column(), message, key, severity);
    } else {
      report(rule, b.line(), b.column(), message, key, severity);
    }
  }

  private Tf.Value value(Tf.Block b, String name) {
    return resolve.apply(b.value(name));
  }

  private String literal(Tf.Block b, String name) {
    Tf.Value v = value(b, name);
    return v == null ? null : v.literal();
  }

  private static List<Tf.Value> items(Tf.Value v) {
    return v instanceof Tf.Tuple t ? t.items() : v == null ? List.of() : List.of(v);
  }

  // ---- firewalls ----

  private void firewall(Tf.Block b) {
    String direction = literal(b, "direction");
    String disabled = literal(b, "disabled");
    if (direction != null && !direction.equalsIgnoreCase("INGRESS")
        || "true".equalsIgnoreCase(disabled) || b.blocks("allow").isEmpty()) {
      return;
    }
    Tf.Attr ranges = b.attr("source_ranges");
    Tf.Value open = null;
    String cidr = null;
    if (ranges == null) {
      if (b.attr("source_tags") != null || b.attr("source_service_accounts") != null) {
        return;
      }
      cidr = "0.0.0.0/0 (no source_ranges, source_tags or source_service_accounts)";
    } else {
      for (Tf.Value item : items(resolve.apply(ranges.value()))) {
        if (item.literal() != null && OPEN.contains(item.literal().trim())) {
          open = item;
          cidr = item.literal().trim();
          break;
        }
      }
      if (cidr == null) {
        return;
      }
    }
    String ports = null;
    Severity severity = Severity.LOW;
    for (Tf.Block allow : b.blocks("allow")) {
      String protocol = String.valueOf(literal(allow, "protocol")).toLowerCase(Locale.ROOT);
      if (!protocol.equals("all") && !protocol.equals("tcp") && !protocol.equals("udp")
          && !protocol.equals("sctp") && !protocol.equals("null")) {
        continue;
      }
      List<String> listed = Tf.literals(value(allow, "ports"));
      boolean unknown = allow.attr("ports") != null && listed.isEmpty();
      if (protocol.equals("all") || allow.attr("ports") == null) {
        ports = "all " + (protocol.equals("all") ? "protocols and ports" : protocol + " ports");
        severity = Severity.CRITICAL;
        break;
      }
      if (unknown) {
        ports = ports == null ? "ports not known statically" : ports;
        continue;
      }
      for (String p : listed) {
        Severity s = portSeverity(p);
        if (ports == null || ports.startsWith("ports not") || s.compareTo(severity) > 0) {
          severity = s.compareTo(severity) > 0 ? s : severity;
          ports = protocol + " " + p;
        }
      }
    }
    if (ports == null) {
      return;
    }
    reportAt(GcpRules.FIREWALL_OPEN, b, ranges, open, b.address() + " allows " + ports
        + " from " + cidr, b.address() + ".source_ranges", severity);
  }

  /** High for SSH, RDP and database or admin ports (or a range holding one), else low. */
  private static Severity portSeverity(String ports) {
    String p = ports.trim();
    int dash = p.indexOf('-');
    int from;
    int to;
    try {
      from = Integer.parseInt(dash < 0 ? p : p.substring(0, dash).trim());
      to = dash < 0 ? from : Integer.parseInt(p.substring(dash + 1).trim());
    } catch (NumberFormatException e) {
      return Severity.LOW;
    }
    if (from <= 1 && to >= 65535) {
      return Severity.CRITICAL;
    }
    for (int admin : ADMIN_PORTS) {
      if (from <= admin && admin <= to) {
        return Severity.HIGH;
      }
    }
    return Severity.LOW;
  }

  // ---- Cloud SQL ----

  private void sql(Tf.Block b) {
    for (Tf.Block settings : b.blocks("settings")) {
      for (Tf.Block ip : settings.blocks("ip_configuration")) {
        List<Tf.Block> networks = new ArrayList<>(ip.blocks("authorized_networks"));
        for (Tf.Block d : ip.blocks("dynamic")) {
          if (d.label(0).equals("authorized_networks") && d.block("content") != null) {
            networks.add(d.block("content"));
          }
        }
        for (Tf.Block n : networks) {
          Tf.Value v = value(n, "value");
          if (v != null && v.literal() != null && OPEN.contains(v.literal().trim())) {
            reportAt(GcpRules.SQL_OPEN, b, n.attr("value"), v, b.address()
                + " authorizes " + v.literal().trim() + " to connect to its public IP",
                b.address() + ".authorized_networks", null);
          }
        }
      }
    }
  }

  // ---- GKE ----

  private void gke(Tf.Block b) {
    Tf.Value abac = value(b, "enable_legacy_abac");
    if (abac != null && "true".equals(abac.literal())) {
      reportAt(GcpRules.GKE_LEGACY_ABAC, b, b.attr("enable_legacy_abac"), abac, b.address()
          + " sets enable_legacy_abac = true", b.address() + ".enable_legacy_abac", null);
    }
    for (Tf.Block config : b.blocks("master_authorized_networks_config")) {
      List<Tf.Block> blocks = new ArrayList<>(config.blocks("cidr_blocks"));
      for (Tf.Block d : config.blocks("dynamic")) {
        if (d.label(0).equals("cidr_blocks") && d.block("content") != null) {
          blocks.add(d.block("content"));
        }
      }
      for (Tf.Block c : blocks) {
        Tf.Value v = value(c, "cidr_block");
        if (v != null && v.literal() != null && OPEN.contains(v.literal().trim())) {
          reportAt(GcpRules.GKE_CONTROL_PLANE_OPEN, b, c.attr("cidr_block"), v, b.address()
              + " authorizes " + v.literal().trim() + " to reach the control plane",
              b.address() + ".master_authorized_networks_config", null);
        }
      }
    }
  }

  // ---- Artifact Registry ----

  private void registry(Tf.Block b) {
    String format = literal(b, "format");
    String mode = literal(b, "mode");
    if (format == null || !format.equalsIgnoreCase("DOCKER")
        || mode != null && !mode.equalsIgnoreCase("STANDARD_REPOSITORY")) {
      return;
    }
    Tf.Block docker = b.block("docker_config");
    Tf.Value immutable = docker == null ? null : value(docker, "immutable_tags");
    if (docker == null || immutable == null) {
      Tf.Block at = docker == null ? b : docker;
      report(GcpRules.REGISTRY_MUTABLE, at.line(), at.column(), b.address() + " does not set "
          + "docker_config.immutable_tags = true, so a pushed tag can be moved to another image",
          b.address() + ".docker_config.immutable_tags", null);
    } else if ("false".equals(immutable.literal())) {
      reportAt(GcpRules.REGISTRY_MUTABLE, b, docker.attr("immutable_tags"), immutable,
          b.address() + " sets docker_config.immutable_tags = false, so a pushed tag can be "
              + "moved to another image", b.address() + ".docker_config.immutable_tags", null);
    }
  }

  // ---- public ACLs and dataset access ----

  private void acl(Tf.Block b) {
    Tf.Value predefined = value(b, "predefined_acl");
    String p = predefined == null ? null : predefined.literal();
    if (p != null && (p.equalsIgnoreCase("publicRead") || p.equalsIgnoreCase("publicReadWrite"))) {
      reportAt(GcpRules.PUBLIC_MEMBER, b, b.attr("predefined_acl"), predefined, b.address()
          + " sets predefined_acl = " + p + ", which grants allUsers", b.address()
          + ".predefined_acl", null);
    }
    for (Tf.Value entry : items(value(b, "role_entity"))) {
      String e = entry.literal();
      int colon = e == null ? -1 : e.indexOf(':');
      if (colon > 0 && PUBLIC.contains(e.substring(colon + 1).trim().toLowerCase(Locale.ROOT))) {
        reportAt(GcpRules.PUBLIC_MEMBER, b, b.attr("role_entity"), entry, b.address()
            + " grants " + e.substring(0, colon) + " to " + e.substring(colon + 1).trim()
            + " in role_entity", b.address() + ".role_entity." + e, null);
      }
    }
  }

  private void accessControl(Tf.Block b) {
    Tf.Value entity = value(b, "entity");
    String e = entity == null ? null : entity.literal();
    if (e != null && PUBLIC.contains(e.trim().toLowerCase(Locale.ROOT))) {
      reportAt(GcpRules.PUBLIC_MEMBER, b, b.attr("entity"), entity, b.address() + " grants "
          + String.valueOf(literal(b, "role")) + " to " + e.trim(), b.address() + ".entity",
          null);
    }
  }

  private void datasetAccess(Tf.Block owner, Tf.Block access) {
    for (String name : List.of("special_group", "iam_member")) {
      Tf.Value v = value(access, name);
      String text = v == null ? null : v.literal();
      if (text != null && PUBLIC.contains(text.trim().toLowerCase(Locale.ROOT))) {
        reportAt(GcpRules.PUBLIC_MEMBER, owner, access.attr(name), v, owner.address()
            + " gives dataset access " + String.valueOf(literal(access, "role")) + " to "
            + text.trim(), owner.address() + ".access." + text.trim(), null);
      }
    }
  }
}
