package dev.imprint.scan.gcp;

import dev.imprint.scan.terraform.Tf;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

/**
 * The IAM grants a Terraform file makes: one role for one member, from {@code *_iam_member},
 * {@code *_iam_binding}, {@code *_iam_policy} (with a {@code jsonencode} policy) resources and
 * the bindings of {@code google_iam_policy} data sources.
 */
final class GcpGrants {
  private static final Pattern IAM_RESOURCE =
      Pattern.compile("google_[a-z0-9_]{1,80}_iam_(member|binding|policy)");

  private GcpGrants() {}

  /** Where a grant applies. */
  enum Scope {
    PROJECT, FOLDER, ORGANIZATION, POLICY_DOCUMENT, RESOURCE;

    /** Whether the grant covers every resource of a project, folder or organization. */
    boolean broad() {
      return this == PROJECT || this == FOLDER || this == ORGANIZATION;
    }

    String shown() {
      return name().toLowerCase(Locale.ROOT).replace('_', ' ');
    }
  }

  /**
   * One role granted to one member.
   *
   * @param block the resource or data source that grants it
   * @param attr the attribute to report at (the member, the members or the role)
   * @param role the role as written, or as the module's variables and locals resolve it
   * @param member the member as written (references shown as {@code ${ref}})
   * @param scope where it applies
   * @param line the 1-based line of the member where it is written in this file, else of the
   *     attribute
   * @param column the column that goes with {@code line}
   */
  record Grant(Tf.Block block, Tf.Attr attr, String role, String member, Scope scope, int line,
      int column) {
    boolean serviceAccountMember() {
      return member.startsWith("serviceAccount:");
    }

    boolean publicMember() {
      return member.equals("allUsers") || member.equals("allAuthenticatedUsers");
    }

    boolean domainMember() {
      return member.startsWith("domain:");
    }
  }

  /**
   * The grants of a file, with roles and members as {@code resolve} gives them (the module's
   * variables and locals resolved where they are known).
   */
  static List<Grant> of(Tf.File file, UnaryOperator<Tf.Value> resolve) {
    Map<String, Scope> documentScopes = documentScopes(file);
    List<Grant> out = new ArrayList<>();
    for (Tf.Block b : file.blocks()) {
      if (b.type().equals("resource") && IAM_RESOURCE.matcher(b.label(0)).matches()) {
        resource(file, b, resolve, out);
      } else if (b.isData("google_iam_policy")) {
        Scope scope = documentScopes.getOrDefault(b.address(), Scope.POLICY_DOCUMENT);
        for (Tf.Block binding : b.blocks("binding")) {
          members(file, b, binding.attr("members"),
              Tf.text(resolve.apply(binding.value("role"))), scope, resolve, out);
        }
      }
    }
    return out;
  }

  /** A grant of one member value, at the member's line where this file holds it. */
  private static Grant grant(Tf.File file, Tf.Block b, Tf.Attr attr, String role,
      Tf.Value member, Scope scope) {
    boolean here = Tf.writtenIn(attr.value(), member) && file.holds(member);
    return new Grant(b, attr, role, Tf.text(member), scope,
        here ? file.line(member) : attr.line(), here ? file.column(member) : attr.column());
  }

  /** Where each google_iam_policy document of the file is applied, when this file says so. */
  private static Map<String, Scope> documentScopes(Tf.File file) {
    Map<String, Scope> out = new java.util.HashMap<>();
    for (Tf.Block b : file.blocks()) {
      if (b.type().equals("resource") && b.label(0).endsWith("_iam_policy")
          && b.value("policy_data") != null) {
        for (String ref : b.value("policy_data").refs()) {
          String[] parts = ref.split("\\.");
          if (parts.length >= 3 && parts[0].equals("data")
              && parts[1].equals("google_iam_policy")) {
            out.put("data.google_iam_policy." + parts[2], scopeOf(b.label(0)));
          }
        }
      }
    }
    return out;
  }

  private static Scope scopeOf(String type) {
    return type.startsWith("google_project_iam_") ? Scope.PROJECT
        : type.startsWith("google_folder_iam_") ? Scope.FOLDER
        : type.startsWith("google_organization_iam_") ? Scope.ORGANIZATION : Scope.RESOURCE;
  }

  private static void resource(Tf.File file, Tf.Block b, UnaryOperator<Tf.Value> resolve,
      List<Grant> out) {
    String type = b.label(0);
    Scope scope = scopeOf(type);
    String role = Tf.text(resolve.apply(b.value("role")));
    if (type.endsWith("_iam_member")) {
      Tf.Attr member = b.attr("member");
      if (member != null) {
        out.add(grant(file, b, member, role, resolve.apply(member.value()), scope));
      }
    } else if (type.endsWith("_iam_binding")) {
      members(file, b, b.attr("members"), role, scope, resolve, out);
    } else {
      policyData(file, b, scope, resolve, out);
    }
  }

  private static void members(Tf.File file, Tf.Block b, Tf.Attr members, String role,
      Scope scope, UnaryOperator<Tf.Value> resolve, List<Grant> out) {
    if (members == null) {
      return;
    }
    if (resolve.apply(members.value()) instanceof Tf.Tuple t) {
      for (Tf.Value m : t.items()) {
        out.add(grant(file, b, members, role, m, scope));
      }
    }
  }

  /** Bindings of {@code policy_data = jsonencode({ bindings = [{ role, members }] })}. */
  private static void policyData(Tf.File file, Tf.Block b, Scope scope,
      UnaryOperator<Tf.Value> resolve, List<Grant> out) {
    Tf.Attr data = b.attr("policy_data");
    if (data == null || !(resolve.apply(data.value()) instanceof Tf.Call c)
        || !c.name().equals("jsonencode")
        || c.args().size() != 1 || !(c.args().get(0) instanceof Tf.Obj doc)) {
      return;
    }
    if (!(doc.entries().get("bindings") instanceof Tf.Tuple bindings)) {
      return;
    }
    for (Tf.Value v : bindings.items()) {
      if (v instanceof Tf.Obj binding) {
        Map<String, Tf.Value> e = binding.entries();
        String role = Tf.text(e.get("role"));
        if (e.get("members") instanceof Tf.Tuple t) {
          for (Tf.Value m : t.items()) {
            out.add(grant(file, b, data, role, m, scope));
          }
        }
      }
    }
  }
}
