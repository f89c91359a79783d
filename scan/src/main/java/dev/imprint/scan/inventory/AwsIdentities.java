package dev.imprint.scan.inventory;

import dev.imprint.scan.aws.PolicyCondition;
import dev.imprint.scan.aws.PolicyDocument;
import dev.imprint.scan.aws.PolicyIssue;
import dev.imprint.scan.aws.PolicyReview;
import dev.imprint.scan.aws.PolicySources;
import dev.imprint.scan.aws.PolicyStatement;
import dev.imprint.scan.terraform.Tf;
import dev.imprint.scan.terraform.TfModule;
import dev.imprint.scan.terraform.TfModule.Located;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * AWS IAM users, roles and access keys of the Terraform of one scan, with their trust and the
 * effective permissions of their inline, managed, attached and group policies. Terraform is read
 * by the shared {@code terraform} reader and policies by the {@code aws} package.
 */
final class AwsIdentities {
  static final String GITHUB_ISSUER = "token.actions.githubusercontent.com";
  /** CI secret resources whose value Terraform fills from another resource. */
  private static final Map<String, String[]> CI_SECRETS = Map.of(
      "github_actions_secret", new String[] {"secret_name", "plaintext_value"},
      "github_actions_environment_secret", new String[] {"secret_name", "plaintext_value"},
      "github_actions_organization_secret", new String[] {"secret_name", "plaintext_value"},
      "gitlab_project_variable", new String[] {"key", "value"},
      "gitlab_group_variable", new String[] {"key", "value"});

  /** An IAM user with an access key: what a static key found elsewhere may be. */
  record KeyUser(Identity user, Identity key) {}

  /** A role that trusts GitHub OIDC, with the {@code sub} patterns of its trust. */
  record OidcRole(Identity role, List<String> subs) {}

  /** A CI secret that Terraform fills with an access key, by the secret's name. */
  record CiSecret(String name, Place place, Identity key) {}

  /** What the AWS model adds to the inventory, plus what the linker needs. */
  record Result(List<Identity> identities, List<Link> links, List<KeyUser> keyUsers,
      List<OidcRole> githubRoles, List<CiSecret> ciSecrets) {}

  private AwsIdentities() {}

  static Result build(Iterable<Facts.TfFile> files) {
    Map<String, List<Tf.File>> modules = new java.util.TreeMap<>();
    List<Facts.TfFile> sorted = new ArrayList<>();
    files.forEach(sorted::add);
    sorted.sort((a, b) -> a.file().source().path().compareTo(b.file().source().path()));
    for (Facts.TfFile f : sorted) {
      modules.computeIfAbsent(f.dir(), d -> new ArrayList<>()).add(f.file());
    }
    Result out = new Result(new ArrayList<>(), new ArrayList<>(), new ArrayList<>(),
        new ArrayList<>(), new ArrayList<>());
    for (Map.Entry<String, List<Tf.File>> e : modules.entrySet()) {
      new AwsModule(e.getKey(), new TfModule(e.getValue()), out).build();
    }
    return out;
  }

  static Place place(Located l) {
    return new Place(l.file().source().path(), l.block().line());
  }

  /** One Terraform module (the files of one directory). */
  private static final class AwsModule {
    private final String dir;
    private final TfModule module;
    private final Result out;
    private final Map<String, AwsPermissions> grants = new LinkedHashMap<>();

    AwsModule(String dir, TfModule module, Result out) {
      this.dir = dir;
      this.module = module;
      this.out = out;
    }

    String id(String address) {
      return "aws:" + (dir.isEmpty() ? "" : dir + "/") + address;
    }

    void build() {
      collectGrants();
      Map<String, Identity> keysById = new LinkedHashMap<>();
      for (Located u : module.resources("aws_iam_user")) {
        List<Located> keys = owned("aws_iam_access_key", u);
        List<Located> logins = owned("aws_iam_user_login_profile", u);
        Identity user = user(u, keys, logins);
        out.identities().add(user);
        for (Located k : keys) {
          Identity key = key(k, user);
          out.identities().add(key);
          keysById.put(k.block().address(), key);
          out.keyUsers().add(new KeyUser(user, key));
          out.links().add(new Link(Inventory.LINK_KEY_OF, key.id(), user.id(), place(k),
              user.location(), "aws_iam_access_key " + k.block().label(1)
                  + " is a long-lived access key of IAM user " + user.name()
                  + ", so whoever holds it may do what " + user.name() + " may do: "
                  + Linker.can(user)));
        }
      }
      for (Located r : module.resources("aws_iam_role")) {
        out.identities().add(role(r));
      }
      for (Map.Entry<String, String[]> e : CI_SECRETS.entrySet()) {
        for (Located s : module.resources(e.getKey())) {
          String name = literal(s.block().value(e.getValue()[0]));
          for (Located t : module.targets(s.block().value(e.getValue()[1]))) {
            Identity key = keysById.get(t.block().address());
            if (name != null && key != null) {
              out.ciSecrets().add(new CiSecret(name, place(s), key));
            }
          }
        }
      }
    }

    /** The resources of a type whose {@code user} names this user. */
    private List<Located> owned(String type, Located user) {
      return module.resources(type).stream()
          .filter(l -> names(l.block().value("user"), user)).toList();
    }

    /** Whether a value names a resource: a reference to it or its literal {@code name}. */
    private boolean names(Tf.Value v, Located target) {
      if (v == null) {
        return false;
      }
      if (module.targets(v).stream().anyMatch(t -> t.block() == target.block())) {
        return true;
      }
      String literal = literal(v);
      return literal != null && literal.equals(literal(target.block().value("name")));
    }

    /** The literal a value has once the module's variables and locals are resolved, or null. */
    private String literal(Tf.Value v) {
      Tf.Value resolved = module.resolve(v);
      return resolved == null ? null : resolved.literal();
    }

    private List<Located> targets(Tf.Value v, String type) {
      List<Located> found = new ArrayList<>();
      List<Tf.Value> values = v instanceof Tf.Tuple t ? t.items()
          : v == null ? List.of() : List.of(v);
      for (Tf.Value one : values) {
        for (Located r : module.resources(type)) {
          if (names(one, r) && !found.contains(r)) {
            found.add(r);
          }
        }
      }
      return found;
    }

    private AwsPermissions grants(Located principal) {
      return grants.computeIfAbsent(principal.block().address(), k -> new AwsPermissions());
    }

    private void collectGrants() {
      inline("aws_iam_user_policy", "user", "aws_iam_user");
      inline("aws_iam_role_policy", "role", "aws_iam_role");
      inline("aws_iam_group_policy", "group", "aws_iam_group");
      attached("aws_iam_user_policy_attachment", "user", "aws_iam_user");
      attached("aws_iam_role_policy_attachment", "role", "aws_iam_role");
      attached("aws_iam_group_policy_attachment", "group", "aws_iam_group");
      for (Located a : module.resources("aws_iam_policy_attachment")) {
        for (String[] p : new String[][] {{"users", "aws_iam_user"}, {"roles", "aws_iam_role"},
            {"groups", "aws_iam_group"}}) {
          for (Located t : targets(a.block().value(p[0]), p[1])) {
            attach(grants(t), a.block().value("policy_arn"), a);
          }
        }
      }
      for (Located r : module.resources("aws_iam_role")) {
        Tf.Value managed = module.resolve(r.block().value("managed_policy_arns"));
        if (managed instanceof Tf.Tuple t) {
          t.items().forEach(arn -> attach(grants(r), arn, r));
        }
        for (Tf.Block inline : r.block().blocks("inline_policy")) {
          policy(grants(r), inline.value("policy"), "inline_policy of " + r.block().address()
              + " (" + r.file().source().path() + ":" + inline.line() + ")");
        }
      }
      for (Located m : module.resources("aws_iam_user_group_membership")) {
        for (Located u : targets(m.block().value("user"), "aws_iam_user")) {
          for (Located g : targets(m.block().value("groups"), "aws_iam_group")) {
            grants(u).addAll(grants(g), "group " + g.block().address());
          }
        }
      }
      for (Located m : module.resources("aws_iam_group_membership")) {
        for (Located g : targets(m.block().value("group"), "aws_iam_group")) {
          for (Located u : targets(m.block().value("users"), "aws_iam_user")) {
            grants(u).addAll(grants(g), "group " + g.block().address());
          }
        }
      }
    }

    private void inline(String type, String attr, String principalType) {
      for (Located p : module.resources(type)) {
        for (Located t : targets(p.block().value(attr), principalType)) {
          policy(grants(t), p.block().value("policy"), "inline policy " + p.block().address()
              + " (" + place(p) + ")");
        }
      }
    }

    private void attached(String type, String attr, String principalType) {
      for (Located a : module.resources(type)) {
        for (Located t : targets(a.block().value(attr), principalType)) {
          attach(grants(t), a.block().value("policy_arn"), a);
        }
      }
    }

    private void policy(AwsPermissions g, Tf.Value v, String source) {
      PolicyDocument doc = v == null ? null : PolicySources.read(v, module);
      if (doc == null) {
        g.addUnresolved(source);
      } else {
        g.add(doc, source);
      }
    }

    private void attach(AwsPermissions g, Tf.Value written, Located at) {
      if (written == null) {
        return;
      }
      Tf.Value arn = module.resolve(written);
      String literal = arn.literal();
      if (literal != null) {
        String name = literal.substring(literal.lastIndexOf('/') + 1);
        g.addManaged(name, "managed policy " + name + " (" + place(at) + ")");
        return;
      }
      for (Located p : module.targets(arn)) {
        if (p.block().isResource("aws_iam_policy")) {
          policy(g, p.block().value("policy"), "policy " + p.block().address() + " ("
              + place(p) + ")");
          return;
        }
      }
      g.addUnresolved("attached policy " + Tf.text(arn) + " (" + place(at) + ")");
    }

    private String name(Located r) {
      String name = literal(r.block().value("name"));
      return name != null ? name : r.block().label(1);
    }

    private Identity user(Located u, List<Located> keys, List<Located> logins) {
      List<String> flags = new ArrayList<>();
      List<String> details = new ArrayList<>();
      String credential = "none";
      if (!keys.isEmpty()) {
        credential = "long-lived key";
        flags.add("long-lived-access-key");
        if (keys.size() > 1) {
          flags.add("multiple-access-keys");
        }
        details.add("access keys: " + String.join(", ", keys.stream()
            .map(k -> k.block().address() + " (" + place(k) + ")").toList()));
      }
      if (!logins.isEmpty()) {
        flags.add("console-login");
        credential = keys.isEmpty() ? "password" : credential + " + password";
        details.add("console login profile: " + logins.get(0).block().address());
      }
      AwsPermissions.Summary s = grants(u).summary();
      permissionFlags(s, flags);
      details.addAll(s.grants());
      details.addAll(s.sources());
      return new Identity(id(u.block().address()), Inventory.KIND_AWS_USER, name(u), place(u),
          s.access(), s.rights(), credential, List.of(), List.of(), flags, details);
    }

    private Identity key(Located k, Identity user) {
      List<String> flags = new ArrayList<>(List.of("long-lived-access-key"));
      if (k.block().value("pgp_key") == null) {
        flags.add("secret-in-state");
      }
      if ("Inactive".equals(k.block().literal("status"))) {
        flags.add("inactive");
      }
      return new Identity(id(k.block().address()), Inventory.KIND_AWS_KEY, k.block().label(1),
          place(k), user.access(), user.permissions(), "long-lived key", List.of(),
          List.of(), flags, List.of("access key of IAM user " + user.name() + " ("
              + user.location() + ")"));
    }

    private Identity role(Located r) {
      List<String> flags = new ArrayList<>();
      List<String> details = new ArrayList<>();
      List<String> trusted = new ArrayList<>();
      Tf.Value trustValue = r.block().value("assume_role_policy");
      PolicyDocument trust = trustValue == null ? null : PolicySources.read(trustValue, module);
      List<String> subs = null;
      boolean federated = false;
      if (trust == null) {
        details.add("trust policy not resolvable statically");
      } else {
        for (PolicyStatement s : trust.statements()) {
          if (!s.allows()) {
            continue;
          }
          boolean unconditioned = s.conditions().isEmpty();
          for (Map.Entry<String, List<String>> p : s.principals().byType().entrySet()) {
            for (String who : p.getValue()) {
              trusted.add(p.getKey() + " " + who + (unconditioned ? ""
                  : " (if " + conditions(s) + ")"));
              if (unconditioned && !p.getKey().equals("Service") && !flags.contains(
                  "trust-without-condition")) {
                flags.add("trust-without-condition");
              }
            }
            federated |= p.getKey().equals("Federated");
          }
          if (githubOidc(s)) {
            subs = subs == null ? new ArrayList<>() : subs;
            for (PolicyCondition c : s.conditionsOn(GITHUB_ISSUER + ":sub")) {
              if (!c.negative()) {
                subs.addAll(c.values());
              }
            }
          }
        }
        for (PolicyIssue i : PolicyReview.trust(trust)) {
          String flag = switch (i.kind()) {
            case WILDCARD_PRINCIPAL -> "trusts-everyone";
            case CROSS_ACCOUNT_UNVERIFIED -> "cross-account-without-external-id";
            case GITHUB_OIDC_UNRESTRICTED -> "github-oidc-any-repository";
            case OIDC_UNRESTRICTED -> "oidc-any-subject";
            case OIDC_TENANT_WIDE -> "oidc-tenant-wide";
            default -> null;
          };
          if (flag != null && !flags.contains(flag)) {
            flags.add(flag);
            details.add("trust: " + i.detail());
          }
        }
      }
      if (subs != null) {
        details.add("GitHub OIDC trust, sub " + (subs.isEmpty() ? "unrestricted"
            : String.join(", ", subs)));
      }
      AwsPermissions.Summary s = grants(r).summary();
      permissionFlags(s, flags);
      details.addAll(s.grants());
      details.addAll(s.sources());
      Identity role = new Identity(id(r.block().address()), Inventory.KIND_AWS_ROLE, name(r),
          place(r), s.access(), s.rights(), federated ? "federated" : "assumed", trusted,
          List.of(), flags, details);
      if (subs != null) {
        out.githubRoles().add(new OidcRole(role, List.copyOf(subs)));
      }
      return role;
    }

    /**
     * Whether a trust statement lets GitHub Actions OIDC in: the issuer named in the principal,
     * a reference to an {@code aws_iam_openid_connect_provider} for it, or its claims in the
     * conditions.
     */
    private boolean githubOidc(PolicyStatement s) {
      if (s.principals().mentions("Federated", GITHUB_ISSUER)
          || s.conditions().stream().anyMatch(c -> c.key().startsWith(GITHUB_ISSUER + ":"))) {
        return true;
      }
      for (String who : s.principals().of("Federated")) {
        if (who.startsWith("${") && who.endsWith("}")) {
          Located p = module.target(who.substring(2, who.length() - 1));
          String url = p == null ? null : p.block().literal("url");
          if (url != null && url.contains(GITHUB_ISSUER)) {
            return true;
          }
        }
      }
      return false;
    }

    private static String conditions(PolicyStatement s) {
      List<String> parts = new ArrayList<>();
      for (PolicyCondition c : s.conditions()) {
        parts.add(c.key() + " " + c.operator() + " " + String.join("|", c.values()));
      }
      return String.join(" and ", parts);
    }

    private static void permissionFlags(AwsPermissions.Summary s, List<String> flags) {
      if (Access.ADMIN.equals(s.access())) {
        flags.add("admin");
      }
      if (s.rights().stream().anyMatch(r -> r.startsWith("privilege escalation"))) {
        flags.add("privilege-escalation");
      }
      if (s.rights().stream().anyMatch(r -> r.startsWith("wildcard"))) {
        flags.add("wildcard-permissions");
      }
    }
  }
}
