package dev.imprint.scan.secret;

import dev.imprint.scan.SecretEvidence;
import java.util.List;

/**
 * A secret found in text: what kind it is, where it is (offsets into the text searched), and
 * its redacted form and fingerprint. The raw value is not kept.
 *
 * @param kind human name such as {@code AWS access key id} or {@code password}
 * @param detector id of the detector, used to pick the rule that reports it
 * @param start offset of the first character of the secret
 * @param end offset just past the secret
 * @param evidence redacted form and fingerprint
 * @param chosen whether the value is a password someone chose rather than one that looks
 *     generated ({@link Secrets#looksLikeChosenPassword}): in test code such a value is a
 *     fixture the tests log in with, so it is not reported there
 * @param aliases the identities ({@code detector:kind}) of the hits of the same secret at the
 *     same place that other detectors made and this one won over
 *     ({@link SecretDetectors#find(String, String)}): a baseline that accepted the secret under
 *     one of them still accepts it
 */
public record SecretHit(String kind, String detector, int start, int end,
    SecretEvidence evidence, boolean chosen, List<String> aliases) {

  public SecretHit {
    aliases = aliases == null ? List.of() : List.copyOf(aliases);
  }

  /** A hit no other detector made. */
  public SecretHit(String kind, String detector, int start, int end, SecretEvidence evidence,
      boolean chosen) {
    this(kind, detector, start, end, evidence, chosen, List.of());
  }

  /** A hit whose value looks generated or has a provider's format. */
  public SecretHit(String kind, String detector, int start, int end, SecretEvidence evidence) {
    this(kind, detector, start, end, evidence, false);
  }

  /** The identity this hit's finding has: its detector and kind. */
  public String identity() {
    return detector + ":" + kind;
  }

  /** This hit, also standing for {@code other}, a hit of the same secret it won over. */
  SecretHit absorbing(SecretHit other) {
    if (other.identity().equals(identity()) || aliases.contains(other.identity())) {
      return this;
    }
    List<String> all = new java.util.ArrayList<>(aliases);
    all.add(other.identity());
    for (String a : other.aliases()) {
      if (!all.contains(a) && !a.equals(identity())) {
        all.add(a);
      }
    }
    return new SecretHit(kind, detector, start, end, evidence, chosen, all);
  }
}
