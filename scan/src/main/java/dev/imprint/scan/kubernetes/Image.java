package dev.imprint.scan.kubernetes;

import java.util.List;
import java.util.Locale;

/** A container image reference split into registry, repository, tag and digest. */
record Image(String text, String registry, String repository, String tag, boolean digest) {

  static Image parse(String raw) {
    String t = raw.trim();
    boolean digest = t.contains("@sha256:") || t.contains("@sha512:");
    String rest = t.contains("@") ? t.substring(0, t.indexOf('@')) : t;
    String tag = null;
    int slash = rest.lastIndexOf('/');
    int colon = rest.lastIndexOf(':');
    if (colon > slash) {
      tag = rest.substring(colon + 1);
      rest = rest.substring(0, colon);
    }
    String registry = "docker.io";
    int first = rest.indexOf('/');
    if (first > 0) {
      String head = rest.substring(0, first);
      if (head.contains(".") || head.contains(":") || head.equals("localhost")) {
        registry = head;
        rest = rest.substring(first + 1);
      }
    }
    return new Image(t, registry.toLowerCase(Locale.ROOT), rest, tag, digest);
  }

  boolean templated() {
    return text.contains("{{") || text.contains("${") || text.contains("$(") || text.isEmpty();
  }

  boolean latest() {
    return "latest".equals(tag);
  }

  boolean untagged() {
    return tag == null && !digest;
  }

  /** Whether the image comes from one of the trusted registries (prefix match). */
  boolean trustedBy(List<String> trusted) {
    String full = registry + "/" + repository;
    for (String r : trusted) {
      String p = r.trim().toLowerCase(Locale.ROOT);
      while (p.endsWith("/")) {
        p = p.substring(0, p.length() - 1);
      }
      if (!p.isEmpty() && (registry.equals(p) || full.startsWith(p + "/") || full.equals(p))) {
        return true;
      }
    }
    return false;
  }
}
