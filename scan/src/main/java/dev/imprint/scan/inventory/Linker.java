package dev.imprint.scan.inventory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Draws the links no single-file check sees: which IAM user a static key held by a pipeline or
 * baked into a file most likely belongs to, which roles a workflow assumes through GitHub OIDC,
 * and one credential written in several files.
 */
final class Linker {
  private static final int MAX_PATTERN = 300;

  private Linker() {}

  /** One identity per distinct embedded credential (by fingerprint), with every place. */
  static List<Identity> embedded(Iterable<Facts.Embedded> found) {
    Map<String, List<Facts.Embedded>> byPrint = new LinkedHashMap<>();
    List<Facts.Embedded> all = new ArrayList<>();
    found.forEach(all::add);
    all.sort((a, b) -> a.path().equals(b.path()) ? Integer.compare(a.line(), b.line())
        : a.path().compareTo(b.path()));
    for (Facts.Embedded e : all) {
      byPrint.computeIfAbsent(e.evidence().fingerprint(), k -> new ArrayList<>()).add(e);
    }
    List<Identity> out = new ArrayList<>();
    for (Map.Entry<String, List<Facts.Embedded>> e : byPrint.entrySet()) {
      List<Facts.Embedded> places = e.getValue();
      Facts.Embedded first = places.get(0);
      Set<String> files = new LinkedHashSet<>();
      List<String> where = new ArrayList<>();
      for (Facts.Embedded p : places) {
        files.add(p.path());
        where.add(p.path() + ":" + p.line());
      }
      List<String> flags = new ArrayList<>();
      if (files.size() > 1) {
        flags.add("reused-across-files");
      }
      if (files.stream().anyMatch(Linker::isImageFile)) {
        flags.add("baked-into-image");
      }
      out.add(new Identity("secret:" + e.getKey(), Inventory.KIND_EMBEDDED,
          first.kind() + " " + first.evidence().redacted(), new Place(first.path(),
              first.line()), Access.UNKNOWN, List.of(), "embedded", List.of(), where, flags,
          List.of("fingerprint " + e.getKey(), "kind " + first.kind())));
    }
    return out;
  }

  static boolean isImageFile(String path) {
    String n = path.substring(path.lastIndexOf('/') + 1).toLowerCase(Locale.ROOT);
    return n.equals("dockerfile") || n.endsWith(".dockerfile") || n.startsWith("dockerfile.")
        || n.equals("containerfile");
  }

  /** Whether an embedded credential's name says it is part of a static AWS key. */
  static boolean isAwsKey(Identity embedded) {
    String n = embedded.name().toLowerCase(Locale.ROOT);
    return n.startsWith("aws access key") || n.startsWith("aws secret access key");
  }

  /** Every link between pipelines, embedded credentials and Terraform-defined identities. */
  static List<Link> link(AwsIdentities.Result aws, List<Facts.Pipeline> pipelines,
      List<Identity> embedded, String repository) {
    List<Link> out = new ArrayList<>();
    for (Facts.Pipeline p : pipelines) {
      staticKey(p, aws, out);
      oidc(p, aws.githubRoles(), repository != null ? repository : p.repository(), out);
    }
    for (Identity e : embedded) {
      if (isAwsKey(e)) {
        for (AwsIdentities.KeyUser ku : aws.keyUsers()) {
          out.add(new Link(Inventory.LINK_STATIC_KEY, e.id(), ku.key().id(), e.location(),
              ku.key().location(), "this " + e.name() + " is a static AWS key written into "
                  + e.location().path() + candidate(aws) + ": "
                  + ku.key().name() + " of IAM user " + ku.user().name() + ", which may do: "
                  + can(ku.user())));
        }
      }
      reuse(e, out);
    }
    return out;
  }

  private static String candidate(AwsIdentities.Result aws) {
    int n = aws.keyUsers().size();
    return n == 1 ? ", most likely the only access key Terraform creates here"
        : ", maybe one of the " + n + " access keys Terraform creates here";
  }

  private static void staticKey(Facts.Pipeline p, AwsIdentities.Result aws, List<Link> out) {
    if (p.staticAws().isEmpty()) {
      return;
    }
    Set<String> linked = new LinkedHashSet<>();
    for (Facts.StaticKey k : p.staticAws()) {
      for (AwsIdentities.CiSecret s : aws.ciSecrets()) {
        if (k.secret() != null && k.secret().equals(s.name()) && linked.add(s.key().id())) {
          out.add(new Link(Inventory.LINK_STATIC_KEY, p.identity().id(), s.key().id(),
              k.place(), s.place(), "this pipeline reads " + k.variable() + " from secret "
                  + s.name() + ", which Terraform fills with access key " + s.key().name()
                  + " (" + s.key().location() + "), so it acts as that key's IAM user, which"
                  + " may do: " + s.key().access() + rights(s.key())));
        }
      }
    }
    if (!linked.isEmpty()) {
      return;
    }
    Facts.StaticKey first = p.staticAws().get(0);
    for (AwsIdentities.KeyUser ku : aws.keyUsers()) {
      out.add(new Link(Inventory.LINK_STATIC_KEY, p.identity().id(), ku.key().id(),
          first.place(), ku.key().location(), "this pipeline holds a static AWS key ("
              + first.variable() + ")" + candidate(aws) + ": " + ku.key().name()
              + " of IAM user " + ku.user().name() + ", which may do: " + can(ku.user())));
    }
  }

  private static void oidc(Facts.Pipeline p, List<AwsIdentities.OidcRole> roles,
      String repository, List<Link> out) {
    if (!p.githubOidc()) {
      return;
    }
    for (AwsIdentities.OidcRole r : roles) {
      Facts.RoleRef named = p.awsRoles().stream().filter(ref -> names(ref.value(), r.role()))
          .findFirst().orElse(null);
      boolean unresolved = p.awsRoles().stream().anyMatch(ref -> ref.value().contains("${{"));
      boolean anyRepo = r.subs().isEmpty();
      Boolean repoMatches = repository == null ? null
          : r.subs().stream().anyMatch(s -> subMatches(s, repository));
      String trust = anyRepo ? " (its trust has no sub condition: any repository can)"
          : " (trust limited to sub " + String.join(", ", r.subs()) + ")";
      String reason;
      Place from;
      if (named != null) {
        if (!anyRepo && Boolean.FALSE.equals(repoMatches)) {
          continue;
        }
        from = named.place();
        reason = "this workflow assumes " + r.role().name() + " through GitHub OIDC"
            + " (role-to-assume " + named.value() + ")" + trust;
      } else if (anyRepo) {
        from = p.awsRoles().isEmpty() ? p.identity().location() : p.awsRoles().get(0).place();
        reason = "this workflow can request a GitHub OIDC token and " + r.role().name()
            + " trusts GitHub OIDC without a sub condition, so it can assume it";
      } else if (unresolved && Boolean.TRUE.equals(repoMatches)) {
        from = p.awsRoles().get(0).place();
        reason = "this workflow's role-to-assume is not a literal and " + r.role().name()
            + " trusts this repository (" + repository + ")" + trust;
      } else {
        continue;
      }
      out.add(new Link(Inventory.LINK_OIDC, p.identity().id(), r.role().id(), from,
          r.role().location(), reason + ", which may do: " + can(r.role())));
    }
  }

  private static void reuse(Identity e, List<Link> out) {
    Map<String, Place> files = new LinkedHashMap<>();
    for (String w : e.usedBy()) {
      int colon = w.lastIndexOf(':');
      files.putIfAbsent(w.substring(0, colon), new Place(w.substring(0, colon),
          Integer.parseInt(w.substring(colon + 1))));
    }
    if (files.size() < 2) {
      return;
    }
    for (Place other : files.values()) {
      if (other.path().equals(e.location().path())) {
        continue;
      }
      out.add(new Link(Inventory.LINK_SECRET_REUSE, e.id(), "file:" + other.path(),
          e.location(), other, "the same " + e.name() + " (same fingerprint) is written in "
              + files.size() + " files: " + String.join(", ", files.keySet())
              + "; one leak exposes every place that uses it"));
    }
  }

  /** Whether a {@code role-to-assume} value names a role (its name or ARN). */
  static boolean names(String roleRef, Identity role) {
    String r = roleRef.trim();
    String n = role.name();
    return r.equals(n) || r.endsWith(":role/" + n) || r.endsWith("/" + n) && r.contains(":role/");
  }

  /**
   * Whether a GitHub OIDC {@code sub} pattern (StringLike, {@code *} and {@code ?}) can match
   * tokens of {@code repository} ({@code owner/name}).
   */
  static boolean subMatches(String pattern, String repository) {
    String p = pattern.trim().toLowerCase(Locale.ROOT);
    if (p.length() > MAX_PATTERN) {
      return false;
    }
    if (!p.startsWith("repo:")) {
      return p.startsWith("*");
    }
    String rest = p.substring(5);
    int colon = rest.indexOf(':');
    String repoPart = colon < 0 ? rest : rest.substring(0, colon);
    StringBuilder re = new StringBuilder();
    for (char c : repoPart.toCharArray()) {
      re.append(c == '*' ? "[^:]*" : c == '?' ? "[^:]" : Pattern.quote(String.valueOf(c)));
    }
    if (colon < 0 && repoPart.endsWith("*")) {
      return Pattern.matches(re.toString(), repository.toLowerCase(Locale.ROOT))
          || Pattern.matches(re.toString().replace("[^:]*", ".*"),
              repository.toLowerCase(Locale.ROOT));
    }
    return Pattern.matches(re.toString(), repository.toLowerCase(Locale.ROOT));
  }

  static String can(Identity i) {
    return i.access() + rights(i);
  }

  private static String rights(Identity i) {
    return i.permissions().isEmpty() ? "" : " (" + String.join("; ", i.permissions()) + ")";
  }
}
