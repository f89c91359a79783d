package dev.imprint.server.kubernetes;

import dev.imprint.scan.image.ImageRef;
import dev.imprint.server.text.FreeText;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A container image reference as a pod spec, a compose file or a Dockerfile names it
 * ({@code registry.example/payments/api:1.4.2}, {@code nginx@sha256:...}), split the way
 * registries read it by the scanner's {@link ImageRef}. Docker Hub names are compared in their
 * canonical form ({@code docker.io/library/nginx}), so {@code nginx} and
 * {@code docker.io/library/nginx} are one repository.
 */
record ContainerImage(String text, ImageRef ref) {
  private static final Pattern SHA256 = Pattern.compile("sha256:[0-9a-f]{64}");
  /** The characters of a reference: no spaces, quotes, variables or control characters. */
  private static final Pattern REFERENCE = Pattern.compile("[A-Za-z0-9._/:@-]{1,512}");

  /** The reference, or empty when {@code text} is not a usable image reference. */
  static Optional<ContainerImage> parse(String text) {
    if (text == null || !REFERENCE.matcher(text).matches() || text.startsWith("/")
        || text.endsWith("/") || text.endsWith(":") || text.endsWith("@")) {
      return Optional.empty();
    }
    ImageRef ref = ImageRef.parse(text);
    if (ref.repository().isEmpty() || !ref.repository().equals(
        ref.repository().toLowerCase(Locale.ROOT)) || ref.repository().contains("//")
        || (ref.tag() != null && (ref.tag().isEmpty() || ref.tag().contains("/")))
        || (ref.digest() != null && ref.digest().isEmpty())) {
      return Optional.empty();
    }
    return Optional.of(new ContainerImage(text, ref));
  }

  /** Why {@code text} is not a usable reference, for messages. */
  static String why(String text) {
    if (text == null || text.isBlank()) {
      return "no image";
    }
    if (text.contains("$") || text.contains("{")) {
      return "image '" + shorten(text) + "' is built from variables, not a reference";
    }
    return "image '" + shorten(text) + "' is not a valid image reference";
  }

  /** Pinned by a SHA-256 content digest: the reference cannot move to other content. */
  boolean pinned() {
    return ref.digest() != null && SHA256.matcher(ref.digest()).matches();
  }

  /** The digest ({@code sha256:...}) when pinned, else null. */
  String digest() {
    return pinned() ? ref.digest() : null;
  }

  /** The tag as written, or {@code latest} when there is none (what a registry serves). */
  String tagOrLatest() {
    return ref.tag() == null ? "latest" : ref.tag();
  }

  /** {@code registry/repository} in canonical form, e.g. {@code docker.io/library/nginx}. */
  String repository() {
    return ref.registry() + "/" + ref.repository();
  }

  /** The canonical form of a repository as registered with Imprint (no tag, no digest). */
  static String canonical(String registeredRepository) {
    ImageRef r = ImageRef.parse(registeredRepository);
    return r.registry() + "/" + r.repository();
  }

  /**
   * Every spelling under which a canonical repository may have been registered (images are
   * registered as the pipeline names them): for Docker Hub {@code nginx},
   * {@code library/nginx}, {@code docker.io/library/nginx} and the like; else the name itself.
   */
  static List<String> spellings(String canonical) {
    List<String> out = new ArrayList<>();
    out.add(canonical);
    if (canonical.startsWith("docker.io/")) {
      String path = canonical.substring("docker.io/".length());
      out.add(path);
      out.add("index.docker.io/" + path);
      out.add("registry-1.docker.io/" + path);
      if (path.startsWith("library/")) {
        String shortName = path.substring("library/".length());
        out.add(shortName);
        out.add("docker.io/" + shortName);
        out.add("index.docker.io/" + shortName);
      }
    }
    return out;
  }

  static String shorten(String s) {
    return FreeText.printable(s);
  }
}
