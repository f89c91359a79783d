package dev.imprint.scan.inventory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** Draws the links no single-file check sees: key sources, OIDC trust and secret reuse. */
final class Linker {
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
          first.kind() + " " + first.evidence().redacted(), first.path() + ":" + first.line(),
          "unknown", List.of(), "embedded", where, flags,
          List.of("fingerprint " + e.getKey())));
    }
    return out;
  }

  private static boolean isImageFile(String path) {
    String n = path.substring(path.lastIndexOf('/') + 1).toLowerCase(Locale.ROOT);
    return n.equals("dockerfile") || n.endsWith(".dockerfile") || n.startsWith("dockerfile.")
        || n.equals("containerfile");
  }

  static boolean isAwsKind(String kind) {
    return kind.toLowerCase(Locale.ROOT).startsWith("aws access key")
        || kind.toLowerCase(Locale.ROOT).startsWith("aws secret");
  }

  static List<Link> link(List<Identity> ids, AwsIdentities.Result aws,
      List<Facts.Pipeline> pipelines, List<Identity> embedded) {
    Map<String, Identity> byId = new LinkedHashMap<>();
    ids.forEach(i -> byId.put(i.id(), i));
    List<Link> out = new ArrayList<>();
    List<String> holders = new ArrayList<>();
    for (Facts.Pipeline p : pipelines) {
      if (p.staticAws()) {
        holders.add(p.identity().id());
      }
    }
    for (Identity e : embedded) {
      if (isAwsKind(e.name())) {
        holders.add(e.id());
      }
    }
    List<String> users = aws.usersWithKeys();
    for (String h : holders) {
      String what = h.startsWith("secret:") ? "this baked AWS key" : "this pipeline's static AWS key";
      if (users.size() == 1) {
        Identity u = byId.get(users.get(0));
        out.add(new Link("static-key-source", h, u.id(), what + " is most likely "
            + address(u.id()) + "'s key (the only IAM user with an access key here), which may do: "
            + can(u)));
      } else {
        for (String uid : users) {
          Identity u = byId.get(uid);
          out.add(new Link("static-key-source", h, uid, what + " may be " + address(uid)
              + "'s key (one of " + users.size() + " IAM users with access keys here), which may do: "
              + can(u)));
        }
      }
    }
    for (Facts.Pipeline p : pipelines) {
      if (!p.githubOidc()) {
        continue;
      }
      for (Map.Entry<String, List<String>> t : aws.githubTrust().entrySet()) {
        Identity role = byId.get(t.getKey());
        boolean named = p.awsRoles().stream().anyMatch(r -> names(r, role));
        String subs = String.join(", ", t.getValue());
        String reason;
        if (named) {
          reason = "this workflow assumes " + address(role.id()) + " through GitHub OIDC"
              + (t.getValue().isEmpty() ? " (the trust has no sub condition: any repository can)"
                  : " (trust limited to sub " + subs + ")");
        } else if (p.awsRoles().isEmpty() || !t.getValue().isEmpty()) {
          if (t.getValue().isEmpty()) {
            reason = "this workflow can request a GitHub OIDC token and " + address(role.id())
                + " trusts GitHub OIDC without a sub condition: any repository's workflow can"
                + " assume it";
          } else {
            reason = "this workflow could assume " + address(role.id())
                + " if its repository and ref match sub " + subs;
          }
        } else {
          continue;
        }
        out.add(new Link("oidc-trust", p.identity().id(), role.id(), reason + ", which may do: "
            + can(role)));
      }
    }
    for (Identity e : embedded) {
      Set<String> files = new LinkedHashSet<>();
      for (String w : e.usedBy()) {
        files.add(w.substring(0, w.lastIndexOf(':')));
      }
      if (files.size() > 1) {
        for (String f : files) {
          out.add(new Link("secret-reuse", e.id(), "file:" + f, "the same " + e.name()
              + " appears in " + files.size() + " files (one credential reused across places,"
              + " NHI9): " + String.join(", ", files)));
        }
      }
    }
    return out;
  }

  private static boolean names(String roleRef, Identity role) {
    if (role == null) {
      return false;
    }
    String r = roleRef.trim();
    return r.endsWith(":role/" + role.name()) || r.endsWith("/" + role.name())
        || r.equals(role.name());
  }

  private static String address(String id) {
    int slash = id.lastIndexOf('/');
    int colon = id.indexOf(':');
    return id.substring(Math.max(slash, colon) + 1);
  }

  private static String can(Identity i) {
    if (i == null) {
      return "unknown";
    }
    return i.access() + (i.permissions().isEmpty() ? ""
        : " (" + String.join(", ", i.permissions()) + ")");
  }
}
