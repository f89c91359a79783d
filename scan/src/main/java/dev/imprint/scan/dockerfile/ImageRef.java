package dev.imprint.scan.dockerfile;

import java.util.List;
import java.util.Locale;

/**
 * An image reference split the way registries read it; Docker Hub names get registry
 * {@code docker.io} and single names the {@code library/} namespace.
 *
 * @param registry registry host (with port), e.g. {@code docker.io}, {@code ghcr.io}
 * @param repository path inside the registry, e.g. {@code library/ubuntu}
 * @param tag the tag, or {@code null}
 * @param digest the digest such as {@code sha256:...}, or {@code null}
 */
public record ImageRef(String registry, String repository, String tag, String digest) {

  /** Splits a reference such as {@code ghcr.io/acme/app:1.2@sha256:...}. */
  public static ImageRef parse(String image) {
    String rest = image;
    String digest = null;
    int at = rest.indexOf('@');
    if (at >= 0) {
      digest = rest.substring(at + 1);
      rest = rest.substring(0, at);
    }
    String tag = null;
    int colon = rest.lastIndexOf(':');
    if (colon > rest.lastIndexOf('/')) {
      tag = rest.substring(colon + 1);
      rest = rest.substring(0, colon);
    }
    String registry = "docker.io";
    int slash = rest.indexOf('/');
    if (slash > 0) {
      String first = rest.substring(0, slash);
      if (first.contains(".") || first.contains(":") || first.equals("localhost")) {
        registry = first.toLowerCase(Locale.ROOT);
        rest = rest.substring(slash + 1);
      }
    }
    if (registry.equals("index.docker.io") || registry.equals("registry-1.docker.io")) {
      registry = "docker.io";
    }
    if (registry.equals("docker.io") && !rest.contains("/")) {
      rest = "library/" + rest;
    }
    return new ImageRef(registry, rest, tag, digest);
  }

  /** Whether a trusted entry (a host, or a host with a path prefix) covers this image. */
  public boolean trustedBy(List<String> trusted) {
    String full = registry + "/" + repository;
    for (String t : trusted) {
      String e = t.toLowerCase(Locale.ROOT).replaceAll("/+$", "");
      if (e.equals(registry) || full.startsWith(e + "/")) {
        return true;
      }
    }
    return false;
  }
}
