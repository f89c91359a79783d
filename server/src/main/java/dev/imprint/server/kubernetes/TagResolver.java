package dev.imprint.server.kubernetes;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Resolves an image reference by tag to the digest of the approved image registered with that
 * repository and tag (see {@link ImageCatalog#approved}); the rule the mutating webhook and
 * {@code imprint pin} share.
 */
final class TagResolver {
  /**
   * The answer for one reference: {@code image} when it resolves (or, for a pinned reference,
   * the image of its digest when registered), else a stable {@code code} and a {@code detail}.
   */
  record Resolution(String reference, ContainerImage parsed, ImageCatalog.Known image,
      String code, String detail) {
    boolean resolved() {
      return code == null;
    }
  }

  private TagResolver() {}

  static Resolution resolve(Connection c, String reference) throws SQLException {
    ContainerImage img = ContainerImage.parse(reference).orElse(null);
    if (img == null) {
      return new Resolution(reference, null, null, "image_ref.invalid",
          ContainerImage.why(reference));
    }
    if (img.pinned()) {
      Map<String, ImageCatalog.Known> known = ImageCatalog.byDigest(c, List.of(img.digest()));
      return new Resolution(reference, img, known.get(img.digest()), null, null);
    }
    if (img.ref().digest() != null) {
      return new Resolution(reference, img, null, "image_ref.invalid", "image '"
          + ContainerImage.shorten(reference) + "' is pinned by a digest that is not sha256");
    }
    List<ImageCatalog.Known> sameTag = ImageCatalog.byTag(c, img.repository(),
        img.tagOrLatest());
    ImageCatalog.Known approved = ImageCatalog.approved(sameTag).orElse(null);
    if (approved != null) {
      return new Resolution(reference, img, approved, null, null);
    }
    String name = img.repository() + ":" + img.tagOrLatest();
    if (sameTag.isEmpty()) {
      return new Resolution(reference, img, null, "image_ref.unknown", "no image is registered"
          + " as " + name + (img.ref().tag() == null ? " (no tag given, so 'latest')" : ""));
    }
    return new Resolution(reference, img, null, "image_ref.not_approved", name + " names "
        + sameTag.stream().map(k -> abbreviate(k.digest()) + " (" + k.status().wire() + ")")
            .collect(Collectors.joining(", ")) + "; none is approved or deployed");
  }

  /** {@code sha256:} and the first 12 hex digits, for messages. */
  static String abbreviate(String digest) {
    return digest.length() > 19 ? digest.substring(0, 19) + "..." : digest;
  }
}
