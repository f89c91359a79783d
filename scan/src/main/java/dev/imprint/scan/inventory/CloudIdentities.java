package dev.imprint.scan.inventory;

import dev.imprint.scan.terraform.Tf;
import dev.imprint.scan.terraform.TfModule;
import dev.imprint.scan.terraform.TfModule.Located;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * GCP service accounts and their keys, and Azure AD applications and service principals with
 * their secrets, from the Terraform of one scan; with the project or subscription roles granted
 * to them when the grant is in the same module.
 */
final class CloudIdentities {
  private static final List<String> GCP_GRANTS = List.of("google_project_iam_member",
      "google_project_iam_binding", "google_organization_iam_member",
      "google_folder_iam_member", "google_service_account_iam_member");
  private static final List<String> AZURE_SECRETS = List.of("azuread_application_password",
      "azuread_service_principal_password", "azuread_application_certificate",
      "azuread_service_principal_certificate");

  private CloudIdentities() {}

  /** Identities and key links of every module. */
  static void build(Iterable<Facts.TfFile> files, List<Identity> ids, List<Link> links) {
    Map<String, List<Tf.File>> modules = new TreeMap<>();
    for (Facts.TfFile f : files) {
      modules.computeIfAbsent(f.dir(), d -> new ArrayList<>()).add(f.file());
    }
    for (Map.Entry<String, List<Tf.File>> e : modules.entrySet()) {
      List<Tf.File> sorted = new ArrayList<>(e.getValue());
      sorted.sort((a, b) -> a.source().path().compareTo(b.source().path()));
      TfModule m = new TfModule(sorted);
      String prefix = e.getKey().isEmpty() ? "" : e.getKey() + "/";
      gcp(m, prefix, ids, links);
      azure(m, prefix, ids);
    }
  }

  /** The literal a value has once the module's variables and locals are resolved, or null. */
  private static String literal(TfModule m, Tf.Value v) {
    Tf.Value resolved = m.resolve(v);
    return resolved == null ? null : resolved.literal();
  }

  private static boolean refers(TfModule m, Tf.Value v, Located target) {
    return v != null && m.targets(v).stream().anyMatch(t -> t.block() == target.block());
  }

  private static void gcp(TfModule m, String prefix, List<Identity> ids, List<Link> links) {
    for (Located sa : m.resources("google_service_account")) {
      List<String> flags = new ArrayList<>();
      List<String> details = new ArrayList<>();
      List<String> rights = new ArrayList<>();
      String access = Access.NONE;
      for (String type : GCP_GRANTS) {
        for (Located g : m.resources(type)) {
          List<Tf.Value> members = new ArrayList<>();
          if (g.block().value("member") != null) {
            members.add(g.block().value("member"));
          }
          if (g.block().value("members") instanceof Tf.Tuple t) {
            members.addAll(t.items());
          }
          if (members.stream().noneMatch(v -> refers(m, v, sa))) {
            continue;
          }
          String role = String.valueOf(literal(m, g.block().value("role")));
          access = Access.max(access, gcpAccess(role));
          rights.add(role + " (" + type + ")");
          details.add("granted " + role + " by " + g.block().address() + " ("
              + AwsIdentities.place(g) + ")");
          if (role.equals("roles/iam.serviceAccountTokenCreator")
              || role.equals("roles/iam.serviceAccountKeyAdmin")
              || role.equals("roles/iam.serviceAccountUser")) {
            flags.add("privilege-escalation");
          }
        }
      }
      if (Access.ADMIN.equals(access)) {
        flags.add(0, "admin");
      }
      List<Located> keys = m.resources("google_service_account_key").stream()
          .filter(k -> refers(m, k.block().value("service_account_id"), sa)).toList();
      if (!keys.isEmpty()) {
        flags.add(0, "long-lived-key");
      }
      String name = literal(m, sa.block().value("account_id"));
      Identity id = new Identity("gcp:" + prefix + sa.block().address(), Inventory.KIND_GCP_SA,
          name == null ? sa.block().label(1) : name, AwsIdentities.place(sa), access, rights,
          keys.isEmpty() ? "none" : "long-lived key", List.of(), List.of(), flags, details);
      ids.add(id);
      for (Located k : keys) {
        Identity key = new Identity("gcp:" + prefix + k.block().address(),
            Inventory.KIND_GCP_KEY, k.block().label(1), AwsIdentities.place(k), access, rights,
            "long-lived key", List.of(), List.of(), List.of("long-lived-key", "secret-in-state"),
            List.of("key of service account " + id.name() + " (" + id.location() + ")"));
        ids.add(key);
        links.add(new Link(Inventory.LINK_KEY_OF, key.id(), id.id(), key.location(),
            id.location(), "google_service_account_key " + k.block().label(1)
                + " is a long-lived key of service account " + id.name()
                + ", so whoever holds it may do: " + Linker.can(id)));
      }
    }
  }

  static String gcpAccess(String role) {
    return switch (role) {
      case "roles/owner", "roles/iam.securityAdmin", "roles/resourcemanager.organizationAdmin"
          -> Access.ADMIN;
      case "roles/editor" -> Access.WRITE;
      case "roles/viewer", "roles/browser" -> Access.READ;
      default -> role.endsWith(".admin") || role.endsWith("Admin") ? Access.WRITE
          : role.endsWith(".viewer") || role.endsWith("Viewer") ? Access.READ : Access.UNKNOWN;
    };
  }

  private static void azure(TfModule m, String prefix, List<Identity> ids) {
    for (Located app : m.resources("azuread_application")) {
      List<Located> principals = m.resources("azuread_service_principal").stream()
          .filter(sp -> refers(m, sp.block().value("client_id"), app)
              || refers(m, sp.block().value("application_id"), app)).toList();
      List<Located> secrets = new ArrayList<>();
      for (String type : AZURE_SECRETS) {
        for (Located s : m.resources(type)) {
          boolean ofApp = refers(m, s.block().value("application_object_id"), app)
              || refers(m, s.block().value("application_id"), app);
          boolean ofSp = principals.stream().anyMatch(
              sp -> refers(m, s.block().value("service_principal_id"), sp));
          if (ofApp || ofSp) {
            secrets.add(s);
          }
        }
      }
      String access = Access.NONE;
      List<String> rights = new ArrayList<>();
      List<String> details = new ArrayList<>();
      for (Located ra : m.resources("azurerm_role_assignment")) {
        if (principals.stream().noneMatch(sp -> refers(m, ra.block().value("principal_id"),
            sp))) {
          continue;
        }
        String role = String.valueOf(literal(m, ra.block().value("role_definition_name")));
        access = Access.max(access, switch (role) {
          case "Owner", "User Access Administrator" -> Access.ADMIN;
          case "Contributor" -> Access.WRITE;
          case "Reader" -> Access.READ;
          default -> Access.UNKNOWN;
        });
        rights.add(role + " on " + Tf.text(ra.block().value("scope")));
        details.add("role assignment " + ra.block().address() + " ("
            + AwsIdentities.place(ra) + ")");
      }
      List<String> flags = new ArrayList<>();
      if (!secrets.isEmpty()) {
        flags.add("long-lived-secret");
        details.add(0, "client secrets: " + String.join(", ", secrets.stream()
            .map(s -> s.block().address() + " (" + AwsIdentities.place(s) + ")").toList()));
        if (secrets.stream().anyMatch(s -> s.block().value("end_date") == null
            && s.block().value("end_date_relative") == null)) {
          flags.add("secret-without-expiry");
        }
      }
      if (Access.ADMIN.equals(access)) {
        flags.add("admin");
      }
      String name = literal(m, app.block().value("display_name"));
      ids.add(new Identity("azure:" + prefix + app.block().address(), Inventory.KIND_AZURE_APP,
          name == null ? app.block().label(1) : name, AwsIdentities.place(app), access, rights,
          secrets.isEmpty() ? "none" : "long-lived secret", List.of(), principals.stream()
              .map(sp -> "service principal " + sp.block().address() + " ("
                  + AwsIdentities.place(sp) + ")").toList(), flags, details));
    }
  }
}
