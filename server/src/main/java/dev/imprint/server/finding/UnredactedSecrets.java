package dev.imprint.server.finding;

import dev.imprint.scan.secret.SecretDetectors;
import dev.imprint.scan.secret.SecretHit;
import dev.imprint.server.http.ApiProblem;

/**
 * Refuses a credential in an upload's free text. The scanner writes a credential only in its
 * redacted form, so a raw one in a finding's message or an inventory's details means a buggy or
 * tampered client; it must not reach the store, nor the refusal's detail. Every text goes
 * through the scanner's own detectors of known credential formats; the generic name-and-entropy
 * heuristic is left out, since it takes the uploads' own fingerprints and ids for secrets.
 */
final class UnredactedSecrets {
  private UnredactedSecrets() {}

  /** A 400 {@code code} naming {@code field} when {@code text} holds a known credential. */
  static void refuse(String text, String field, String code) {
    if (text == null || text.isEmpty()) {
      return;
    }
    for (SecretHit hit : SecretDetectors.find(text)) {
      if (!hit.detector().equals("generic-assignment")) {
        throw ApiProblem.badRequest(code, "expected no credential in " + field + ", found what"
            + " looks like " + hit.kind() + " (not stored, not echoed); the scanner writes"
            + " credentials only in Imprint's redacted form");
      }
    }
  }
}
