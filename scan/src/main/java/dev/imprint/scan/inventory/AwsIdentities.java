package dev.imprint.scan.inventory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imprint.scan.aws.PolicyDocument;
import dev.imprint.scan.aws.PolicyIssue;
import dev.imprint.scan.aws.PolicyReview;
import dev.imprint.scan.aws.PolicyStatement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * AWS IAM users, roles and access keys of the Terraform of one scan, with their trust and the
 * effective permissions of their inline and attached policies.
 */
final class AwsIdentities {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String GITHUB_ISSUER = "token.actions.githubusercontent.com";

  /** A resource block with its address and file. */
  record Res(String address, String type, String name, String path, Hcl.Block block) {
    String location() {
      return path + ":" + block.line();
    }
  }

  /** What the AWS model adds to the inventory, plus what the linker needs. */
  record Result(List<Identity> identities, List<String> usersWithKeys,
      Map<String, List<String>> githubTrust) {}

  /** A principal's permissions as they accumulate. */
  private static final class Grants {
    String access = "none";
    final Set<String> rights = new LinkedHashSet<>();
    final List<String> sources = new ArrayList<>();

    void raise(String level) {
      if (GithubExtractor.rank(level) > GithubExtractor.rank(access)) {
        access = level;
      }
    }
  }

  private AwsIdentities() {}

  static Result build(Iterable<Facts.TfFile> files) {
    Map<String, Map<String, Res>> modules = new LinkedHashMap<>();
    for (Facts.TfFile f : files) {
      Map<String, Res> m = modules.computeIfAbsent(f.dir(), d -> new LinkedHashMap<>());
      for (Hcl.Block b : f.blocks()) {
        if (b.labels().size() == 2 && ("resource".equals(b.type()) || "data".equals(b.type()))) {
          String prefix = "data".equals(b.type()) ? "data." : "";
          String addr = prefix + b.labels().get(0) + "." + b.labels().get(1);
          m.putIfAbsent(addr, new Res(addr, b.labels().get(0), b.labels().get(1), f.path(), b));
        }
      }
    }
    List<Identity> out = new ArrayList<>();
    List<String> usersWithKeys = new ArrayList<>();
    Map<String, List<String>> githubTrust = new LinkedHashMap<>();
    for (Map.Entry<String, Map<String, Res>> e : modules.entrySet()) {
      new Module(e.getKey(), e.getValue()).build(out, usersWithKeys, githubTrust);
    }
    return new Result(out, usersWithKeys, githubTrust);
  }

  static String id(String dir, String address) {
    return "aws:" + (dir.isEmpty() ? "" : dir + "/") + address;
  }

  /** One Terraform module (the files of one directory). */
  private static final class Module {
    private final String dir;
    private final Map<String, Res> res;

    Module(String dir, Map<String, Res> res) {
      this.dir = dir;
      this.res = res;
    }

    void build(List<Identity> out, List<String> usersWithKeys,
        Map<String, List<String>> githubTrust) {
      Map<String, Grants> grants = new LinkedHashMap<>();
      for (Res r : res.values()) {
        switch (r.type()) {
          case "aws_iam_user_policy" -> grant(grants, target(r.block().value("user"),
              "aws_iam_user"), policy(r.block().value("policy")), r);
          case "aws_iam_role_policy" -> grant(grants, target(r.block().value("role"),
              "aws_iam_role"), policy(r.block().value("policy")), r);
          case "aws_iam_user_policy_attachment" -> attach(grants,
              target(r.block().value("user"), "aws_iam_user"), r.block().value("policy_arn"), r);
          case "aws_iam_role_policy_attachment" -> attach(grants,
              target(r.block().value("role"), "aws_iam_role"), r.block().value("policy_arn"), r);
          case "aws_iam_policy_attachment" -> {
            for (Object u : list(r.block().value("users"))) {
              attach(grants, target(u, "aws_iam_user"), r.block().value("policy_arn"), r);
            }
            for (Object u : list(r.block().value("roles"))) {
              attach(grants, target(u, "aws_iam_role"), r.block().value("policy_arn"), r);
            }
          }
          case "aws_iam_role" -> {
            for (Object arn : list(r.block().value("managed_policy_arns"))) {
              attach(grants, r.address(), arn, r);
            }
            for (Hcl.Block inline : r.block().children("inline_policy")) {
              grant(grants, r.address(), policy(inline.value("policy")), r);
            }
          }
          default -> { }
        }
      }
      Map<String, List<Res>> keys = new LinkedHashMap<>();
      Map<String, List<Res>> logins = new LinkedHashMap<>();
      for (Res r : res.values()) {
        if ("aws_iam_access_key".equals(r.type())) {
          keys.computeIfAbsent(target(r.block().value("user"), "aws_iam_user"),
              k -> new ArrayList<>()).add(r);
        } else if ("aws_iam_user_login_profile".equals(r.type())) {
          logins.computeIfAbsent(target(r.block().value("user"), "aws_iam_user"),
              k -> new ArrayList<>()).add(r);
        }
      }
      for (Res r : res.values()) {
        if ("aws_iam_user".equals(r.type())) {
          out.add(user(r, grants.getOrDefault(r.address(), new Grants()),
              keys.getOrDefault(r.address(), List.of()),
              logins.getOrDefault(r.address(), List.of())));
          if (keys.containsKey(r.address())) {
            usersWithKeys.add(id(dir, r.address()));
          }
          for (Res k : keys.getOrDefault(r.address(), List.of())) {
            out.add(key(k, r));
          }
        } else if ("aws_iam_role".equals(r.type())) {
          out.add(role(r, grants.getOrDefault(r.address(), new Grants()), githubTrust));
        }
      }
    }

    private Identity user(Res r, Grants g, List<Res> keys, List<Res> logins) {
      List<String> flags = new ArrayList<>();
      List<String> details = new ArrayList<>();
      String credential = "none";
      if (!keys.isEmpty()) {
        credential = "long-lived key";
        flags.add("long-lived-access-key");
        if (keys.size() > 1) {
          flags.add("multiple-access-keys");
        }
        details.add(keys.size() + " access key(s): "
            + String.join(", ", keys.stream().map(k -> k.address() + " (" + k.location() + ")")
                .toList()));
      }
      if (!logins.isEmpty()) {
        flags.add("console-login");
        credential = keys.isEmpty() ? "password" : credential + " + password";
        details.add("console login profile: " + logins.get(0).address());
      }
      addPermissionFlags(g, flags);
      details.addAll(g.sources);
      String name = r.block().str("name");
      return new Identity(id(dir, r.address()), Inventory.KIND_AWS_USER,
          name == null ? r.name() : name, r.location(), g.access, List.copyOf(g.rights),
          credential, List.of(), flags, details);
    }

    private Identity key(Res k, Res user) {
      List<String> flags = new ArrayList<>(List.of("long-lived-access-key"));
      if (k.block().value("pgp_key") == null) {
        flags.add("secret-in-state");
      }
      return new Identity(id(dir, k.address()), Inventory.KIND_AWS_KEY, k.name(), k.location(),
          "unknown", List.of(), "long-lived key", List.of(id(dir, user.address())), flags,
          List.of("access key of " + user.address()));
    }

    private Identity role(Res r, Grants g, Map<String, List<String>> githubTrust) {
      List<String> flags = new ArrayList<>();
      List<String> details = new ArrayList<>();
      PolicyDocument trust = policy(r.block().value("assume_role_policy"));
      List<String> trusted = new ArrayList<>();
      if (trust != null) {
        for (PolicyStatement s : trust.statements()) {
          if (!s.allows()) {
            continue;
          }
          for (Map.Entry<String, List<String>> p : s.principals().byType().entrySet()) {
            for (String who : p.getValue()) {
              trusted.add(p.getKey() + " " + who);
            }
            if ("Federated".equals(p.getKey())
                && p.getValue().stream().anyMatch(v -> v.contains(GITHUB_ISSUER))) {
              List<String> subs = new ArrayList<>();
              for (var c : s.conditions()) {
                if (c.key().endsWith(":sub")) {
                  subs.addAll(c.values());
                }
              }
              githubTrust.put(id(dir, r.address()), subs);
              details.add("GitHub OIDC trust, sub " + (subs.isEmpty() ? "unrestricted"
                  : String.join(", ", subs)));
            }
          }
        }
        for (PolicyIssue i : PolicyReview.trust(trust)) {
          switch (i.kind()) {
            case WILDCARD_PRINCIPAL -> flags.add("trusts-everyone");
            case CROSS_ACCOUNT_UNVERIFIED -> flags.add("cross-account-without-external-id");
            case GITHUB_OIDC_UNRESTRICTED -> flags.add("github-oidc-any-repository");
            default -> { }
          }
        }
      }
      if (!trusted.isEmpty()) {
        details.add(0, "trusted: " + String.join(", ", trusted));
      }
      addPermissionFlags(g, flags);
      details.addAll(g.sources);
      String name = r.block().str("name");
      String credential = trusted.stream().anyMatch(t -> t.startsWith("Federated"))
          ? "federated" : "assumed";
      return new Identity(id(dir, r.address()), Inventory.KIND_AWS_ROLE,
          name == null ? r.name() : name, r.location(), g.access, List.copyOf(g.rights),
          credential, trusted, flags, details);
    }

    private static void addPermissionFlags(Grants g, List<String> flags) {
      if ("admin".equals(g.access)) {
        flags.add("admin");
      }
      if (g.rights.contains("privilege escalation")) {
        flags.add("privilege-escalation");
      }
      if (g.rights.stream().anyMatch(r -> r.startsWith("wildcard"))) {
        flags.add("wildcard-permissions");
      }
    }

    private void grant(Map<String, Grants> grants, String principal, PolicyDocument doc, Res r) {
      if (principal == null) {
        return;
      }
      Grants g = grants.computeIfAbsent(principal, k -> new Grants());
      if (doc == null) {
        g.raise("unknown");
        g.sources.add("policy " + r.address() + " (not resolvable statically)");
        return;
      }
      summarise(doc, g);
      g.sources.add("inline policy " + r.address() + " (" + r.location() + ")");
    }

    private void attach(Map<String, Grants> grants, String principal, Object arn, Res r) {
      if (principal == null) {
        return;
      }
      Grants g = grants.computeIfAbsent(principal, k -> new Grants());
      if (arn instanceof Hcl.Ref ref) {
        String addr = address(ref.text());
        Res p = addr == null ? null : res.get(addr);
        if (p != null && "aws_iam_policy".equals(p.type())) {
          PolicyDocument doc = policy(p.block().value("policy"));
          if (doc != null) {
            summarise(doc, g);
            g.sources.add("policy " + p.address() + " (" + p.location() + ")");
            return;
          }
        }
        g.raise("unknown");
        g.sources.add("attached policy " + ref.text() + " (not resolvable statically)");
        return;
      }
      if (arn instanceof String s) {
        String managed = s.substring(s.lastIndexOf('/') + 1);
        g.raise(managedAccess(managed));
        if ("AdministratorAccess".equals(managed) || "IAMFullAccess".equals(managed)) {
          g.rights.add("privilege escalation");
        }
        g.sources.add("managed policy " + managed + " (" + r.location() + ")");
      }
    }

    /** The module-local address a reference names, e.g. {@code aws_iam_user.x}. */
    private String address(String ref) {
      String[] parts = ref.split("\\.");
      if (parts.length >= 3 && "data".equals(parts[0])) {
        return strip(parts[0] + "." + parts[1] + "." + parts[2]);
      }
      return parts.length >= 2 ? strip(parts[0] + "." + parts[1]) : null;
    }

    private static String strip(String s) {
      int b = s.indexOf('[');
      return b < 0 ? s : s.substring(0, b);
    }

    /** The user or role a value names (a reference or the literal name), or {@code null}. */
    private String target(Object v, String type) {
      if (v instanceof Hcl.Ref ref) {
        String a = address(ref.text());
        return a != null && a.startsWith(type + ".") ? a : null;
      }
      if (v instanceof String s) {
        for (Res r : res.values()) {
          if (r.type().equals(type) && s.equals(r.block().str("name"))) {
            return r.address();
          }
        }
      }
      return null;
    }

    /** A policy document from a JSON string, a {@code jsonencode} object or a data source. */
    private PolicyDocument policy(Object v) {
      try {
        if (v instanceof String s) {
          return PolicyDocument.parse(s);
        }
        if (v instanceof Map<?, ?> m) {
          return PolicyDocument.of(JSON.valueToTree(plain(m, 0)));
        }
        if (v instanceof Hcl.Ref ref) {
          String a = address(ref.text());
          Res d = a == null ? null : res.get(a);
          if (d != null && "aws_iam_policy_document".equals(d.type())) {
            return PolicyDocument.of(JSON.valueToTree(fromDataSource(d.block())));
          }
        }
      } catch (RuntimeException e) {
        return null;
      }
      return null;
    }
  }

  /** The access level an AWS managed policy name gives. */
  static String managedAccess(String name) {
    if ("AdministratorAccess".equals(name)) {
      return "admin";
    }
    if (name.contains("ReadOnly") || name.equals("ViewOnlyAccess")
        || name.equals("SecurityAudit")) {
      return "read";
    }
    if (name.contains("FullAccess") || name.equals("PowerUserAccess")) {
      return "write";
    }
    return "unknown";
  }

  /** Adds a document's access level and notable rights to {@code g}. */
  static void summarise(PolicyDocument doc, Grants g) {
    for (PolicyStatement s : doc.allowStatements()) {
      if (s.notAction()) {
        g.raise("admin");
        g.rights.add("wildcard: NotAction");
        continue;
      }
      for (String a : s.actions()) {
        Set<PolicyIssue.Kind> k = PolicyReview.classify(a);
        if (k.contains(PolicyIssue.Kind.FULL_ADMIN)) {
          g.raise(s.onAllResources() ? "admin" : "write");
          g.rights.add("wildcard: " + a);
        } else if (k.contains(PolicyIssue.Kind.SERVICE_WILDCARD)) {
          g.raise("write");
          g.rights.add("wildcard: " + a);
        } else if (k.contains(PolicyIssue.Kind.UNCONSTRAINED_WRITE)) {
          g.raise("write");
        } else {
          g.raise("read");
        }
        if (k.contains(PolicyIssue.Kind.CREDENTIAL_EXPOSURE)) {
          g.rights.add("credential or secret read");
        }
      }
    }
    for (PolicyIssue i : PolicyReview.permissions(doc)) {
      switch (i.kind()) {
        case PRIVILEGE_ESCALATION -> g.rights.add("privilege escalation");
        case PASS_ANY_ROLE -> g.rights.add("iam:PassRole on any role");
        case ASSUME_ANY_ROLE -> g.rights.add("sts:AssumeRole on any role");
        case PERMISSIONS_MANAGEMENT -> g.rights.add("permissions management");
        case DATA_EXFILTRATION -> g.rights.add("data read on all resources");
        case CREDENTIAL_EXPOSURE -> g.rights.add("credential or secret read");
        default -> { }
      }
    }
  }

  private static List<Object> list(Object v) {
    if (v instanceof List<?> l) {
      return new ArrayList<>(l);
    }
    return v == null ? List.of() : List.of(v);
  }

  /** A value tree with references turned into their text, for JSON. */
  private static Object plain(Object v, int depth) {
    if (depth > 40) {
      return null;
    }
    if (v instanceof Map<?, ?> m) {
      Map<String, Object> out = new LinkedHashMap<>();
      m.forEach((k, x) -> out.put(String.valueOf(k), plain(x, depth + 1)));
      return out;
    }
    if (v instanceof List<?> l) {
      return l.stream().map(x -> plain(x, depth + 1)).toList();
    }
    if (v instanceof Hcl.Ref r) {
      return r.text();
    }
    return v;
  }

  /** A JSON policy from the statements of a {@code data "aws_iam_policy_document"} block. */
  private static Map<String, Object> fromDataSource(Hcl.Block data) {
    List<Object> statements = new ArrayList<>();
    for (Hcl.Block s : data.children("statement")) {
      Map<String, Object> st = new LinkedHashMap<>();
      st.put("Effect", s.str("effect") == null ? "Allow" : s.str("effect"));
      copy(s, "actions", "Action", st);
      copy(s, "not_actions", "NotAction", st);
      copy(s, "resources", "Resource", st);
      copy(s, "not_resources", "NotResource", st);
      Map<String, Object> principals = new LinkedHashMap<>();
      for (Hcl.Block p : s.children("principals")) {
        principals.put(String.valueOf(p.str("type")), plain(list(p.value("identifiers")), 0));
      }
      if (!principals.isEmpty()) {
        st.put("Principal", principals);
      }
      Map<String, Object> conditions = new LinkedHashMap<>();
      for (Hcl.Block c : s.children("condition")) {
        @SuppressWarnings("unchecked")
        Map<String, Object> byKey = (Map<String, Object>) conditions.computeIfAbsent(
            String.valueOf(c.str("test")), t -> new LinkedHashMap<String, Object>());
        byKey.put(String.valueOf(plain(c.value("variable"), 0)),
            plain(list(c.value("values")), 0));
      }
      if (!conditions.isEmpty()) {
        st.put("Condition", conditions);
      }
      statements.add(st);
    }
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("Version", "2012-10-17");
    doc.put("Statement", statements);
    return doc;
  }

  private static void copy(Hcl.Block s, String from, String to, Map<String, Object> st) {
    if (s.value(from) != null) {
      st.put(to, plain(list(s.value(from)), 0));
    }
  }

  static String lower(String s) {
    return s.toLowerCase(Locale.ROOT);
  }
}
