package dev.imprint.bench.load;

import dev.imprint.server.ImprintServer;
import dev.imprint.server.keys.KeyPurpose;
import dev.imprint.server.keys.Signatures;
import dev.imprint.server.keys.SigningKey;
import dev.imprint.server.svid.JwtSvidValidator;
import dev.imprint.server.svid.SvidService;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;

/**
 * The ceilings issuance is compared with, measured in the same process and run: raw JWS
 * signatures of the server's own key type on all cores (Bouncy Castle, the signer the server
 * uses, over a JWT-sized input), and in-process JWT-SVID validation with the keys cached (what
 * {@code /v1/svid/validate} does inside, without HTTP).
 */
final class SigningCeiling {
  private SigningCeiling() {}

  /** Raw {@code alg} signatures with the server's active key, {@code threads} at once. */
  static LoadGenerator.Result sign(ImprintServer server, String alg, int threads, int seconds)
      throws InterruptedException {
    SigningKey k = server.svids().keys().active(alg.equals("RS256") ? KeyPurpose.JWT_RS256
        : KeyPurpose.JWT_ES256);
    AsymmetricKeyParameter key = Signatures.privateParameters(k.privateKey());
    byte[] input = ("eyJhbGciOiJFUzI1NiIsImtpZCI6IngiLCJ0eXAiOiJKV1QifQ."
        + "x".repeat(300)).getBytes(StandardCharsets.US_ASCII);
    return LoadGenerator.drive("raw " + alg + " signatures (in-process, BC)", threads, seconds,
        (c, i) -> Signatures.sign(alg, key, input).length > 0);
  }

  /** In-process validation of {@code jwt} for {@code audience}. */
  static LoadGenerator.Result validate(ImprintServer server, String jwt, String audience,
      int threads, int seconds) throws InterruptedException {
    SvidService s = server.svids();
    JwtSvidValidator v = new JwtSvidValidator(s.keys(), s.states(), Clock.systemUTC(),
        s.trustDomain());
    if (!v.validate(jwt, audience).valid()) {
      throw new IllegalStateException("the bench JWT-SVID does not validate: "
          + v.validate(jwt, audience));
    }
    return LoadGenerator.drive("JWT-SVID validation (in-process, cached keys)", threads,
        seconds, (c, i) -> v.validate(jwt, audience).valid());
  }
}
