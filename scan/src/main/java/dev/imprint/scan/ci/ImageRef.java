package dev.imprint.scan.ci;

import java.util.Locale;

/** What an image reference pins: a digest, a tag, {@code latest} or nothing. */
record ImageRef(String text, String tag, boolean digest, boolean templated) {

  static ImageRef parse(String text) {
    String t = text == null ? "" : text.trim();
    boolean templated = t.contains("${") || t.contains("{{") || t.startsWith("$");
    boolean digest = t.contains("@sha256:") || t.contains("@sha512:");
    String name = digest ? t.substring(0, t.indexOf('@')) : t;
    int slash = name.lastIndexOf('/');
    int colon = name.lastIndexOf(':');
    String tag = colon > slash ? name.substring(colon + 1) : null;
    return new ImageRef(t, tag, digest, templated);
  }

  boolean latest() {
    return tag != null && tag.toLowerCase(Locale.ROOT).equals("latest");
  }

  boolean untagged() {
    return tag == null && !digest;
  }
}
