package dev.imprint.scan.secret;

import dev.imprint.scan.SecretEvidence;

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
 */
public record SecretHit(String kind, String detector, int start, int end,
    SecretEvidence evidence, boolean chosen) {

  /** A hit whose value looks generated or has a provider's format. */
  public SecretHit(String kind, String detector, int start, int end, SecretEvidence evidence) {
    this(kind, detector, start, end, evidence, false);
  }
}
