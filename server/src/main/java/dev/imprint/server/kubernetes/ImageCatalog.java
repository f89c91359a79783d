package dev.imprint.server.kubernetes;

import dev.imprint.server.identity.Identity;
import dev.imprint.server.image.Image;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Read-only questions the webhooks, attestation and {@code imprint pin} ask about registered
 * images: what is known of these digests, and which approved image a repository and tag name.
 */
final class ImageCatalog {
  /** An image as the Kubernetes capability sees it, with its identity's state. */
  record Known(String digest, String repository, String tag, Image.Status status,
      String identityId, String spiffeId, Identity.Status identityStatus, long registeredAt) {
    /** Approved or deployed: a pod may run it and attest with it. */
    boolean runnable() {
      return status == Image.Status.APPROVED || status == Image.Status.DEPLOYED;
    }
  }

  private static final String SELECT = "SELECT m.digest, m.repository, m.tag, m.status,"
      + " m.identity_id, d.spiffe_id, d.status, m.registered_at FROM images m"
      + " JOIN identities d ON d.id = m.identity_id";
  /** Largest IN list per statement (a pod has few containers; this only bounds the SQL). */
  private static final int CHUNK = 100;

  private ImageCatalog() {}

  /** What is registered for each of {@code digests} (absent keys: not registered). */
  static Map<String, Known> byDigest(Connection c, Collection<String> digests)
      throws SQLException {
    Map<String, Known> out = new LinkedHashMap<>();
    List<String> all = new ArrayList<>(new java.util.LinkedHashSet<>(digests));
    for (int from = 0; from < all.size(); from += CHUNK) {
      List<String> part = all.subList(from, Math.min(all.size(), from + CHUNK));
      String marks = String.join(", ", Collections.nCopies(part.size(), "?"));
      try (PreparedStatement ps = c.prepareStatement(SELECT + " WHERE m.digest IN (" + marks
          + ")")) {
        for (int i = 0; i < part.size(); i++) {
          ps.setString(i + 1, part.get(i));
        }
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            Known k = row(rs);
            out.put(k.digest(), k);
          }
        }
      }
    }
    return out;
  }

  /**
   * Every image registered with the canonical repository {@code canonical} and {@code tag},
   * in any state, the most recently registered first.
   */
  static List<Known> byTag(Connection c, String canonical, String tag) throws SQLException {
    List<String> names = ContainerImage.spellings(canonical);
    String marks = String.join(", ", Collections.nCopies(names.size(), "?"));
    List<Known> out = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(SELECT + " WHERE m.repository IN (" + marks
        + ") AND m.tag = ? ORDER BY m.registered_at DESC, m.digest DESC")) {
      int i = 1;
      for (String n : names) {
        ps.setString(i++, n);
      }
      ps.setString(i, tag);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(row(rs));
        }
      }
    }
    return out;
  }

  /**
   * The image a tag resolves to: the most recently registered approved or deployed image with
   * that repository and tag (a tag pushed again names the newer build; rolling one back retires
   * it, and the tag then names the one before).
   */
  static Optional<Known> approved(List<Known> sameTag) {
    return sameTag.stream().filter(Known::runnable).findFirst();
  }

  private static Known row(ResultSet rs) throws SQLException {
    return new Known(rs.getString(1), rs.getString(2), rs.getString(3),
        Image.Status.valueOf(rs.getString(4).toUpperCase(Locale.ROOT)), rs.getString(5),
        rs.getString(6), Identity.Status.valueOf(rs.getString(7).toUpperCase(Locale.ROOT)),
        rs.getLong(8));
  }
}
