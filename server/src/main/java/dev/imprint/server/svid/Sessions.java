package dev.imprint.server.svid;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.imprint.server.keys.KeyPurpose;
import dev.imprint.server.keys.KeyRing;
import dev.imprint.server.keys.SigningKey;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Workload sessions: the renewal credential an attestation returns, an HMAC-signed JWT (RFC
 * 7519) of type {@code imprint-session+jwt} bound to one SPIFFE ID and image digest, verified
 * only by Imprint (its key is never published, and JWT-SVID validation refuses HMAC anyway).
 * It is self-contained, so renewing costs no store read; the image's and identity's state are
 * checked on every renewal through {@link WorkloadStates}.
 */
final class Sessions {
  /** How long a session lasts; every renewal returns a new one. */
  static final Duration TTL = Duration.ofHours(1);
  static final JOSEObjectType TYPE = new JOSEObjectType("imprint-session+jwt");

  private final KeyRing keys;
  private final Clock clock;
  private final Supplier<String> issuer;

  Sessions(KeyRing keys, Clock clock, Supplier<String> issuer) {
    this.keys = keys;
    this.clock = clock;
    this.issuer = issuer;
  }

  /** A new session for {@code w}. */
  IssuedSvids.Session create(AttestedWorkload w) {
    SigningKey k = keys.active(KeyPurpose.SESSION);
    Instant now = clock.instant();
    Instant exp = now.plus(TTL);
    String id = Ids.random();
    String attestedBy = w.attestation().facts().getOrDefault("attested_by",
        w.attestation().method());
    JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer(issuer.get()).subject(w.spiffeId())
        .audience(Audiences.SESSION).issueTime(Date.from(now)).expirationTime(Date.from(exp))
        .jwtID(id).claim("image_digest", w.imageDigest()).claim("attested_by", attestedBy)
        .build();
    SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(k.kid())
        .type(TYPE).build(), claims);
    try {
      jwt.sign(new MACSigner(k.secret()));
    } catch (JOSEException e) {
      throw new IllegalStateException("cannot sign a workload session", e);
    }
    return new IssuedSvids.Session(jwt.serialize(), id, exp);
  }

  /** A verified session: the workload it stands for, and the session itself. */
  record Verified(AttestedWorkload workload, IssuedSvids.Session session) {}

  /**
   * The workload a session token stands for, if it is one of ours, unexpired and intact; the
   * attestation method is {@code session}, with the session id and the original method as facts.
   */
  Optional<AttestedWorkload> verify(String token) {
    return verified(token).map(Verified::workload);
  }

  /** Like {@link #verify}, with the session's id and expiry. */
  Optional<Verified> verified(String token) {
    if (token == null || token.length() > 4096) {
      return Optional.empty();
    }
    try {
      SignedJWT jwt = SignedJWT.parse(token);
      JWSHeader h = jwt.getHeader();
      if (!JWSAlgorithm.HS256.equals(h.getAlgorithm()) || !TYPE.equals(h.getType())
          || h.getKeyID() == null) {
        return Optional.empty();
      }
      Optional<SigningKey> k = keys.published(h.getKeyID())
          .filter(x -> x.purpose() == KeyPurpose.SESSION);
      if (k.isEmpty() || !jwt.verify(new MACVerifier(k.get().secret()))) {
        return Optional.empty();
      }
      JWTClaimsSet c = jwt.getJWTClaimsSet();
      Date exp = c.getExpirationTime();
      if (exp == null || !exp.toInstant().isAfter(clock.instant())
          || !c.getAudience().contains(Audiences.SESSION) || c.getSubject() == null
          || c.getStringClaim("image_digest") == null) {
        return Optional.empty();
      }
      String by = c.getStringClaim("attested_by");
      return Optional.of(new Verified(new AttestedWorkload(c.getSubject(),
          c.getStringClaim("image_digest"), new AttestedWorkload.Attestation("session",
              Map.of("session", c.getJWTID(), "attested_by", by == null ? "unknown" : by))),
          new IssuedSvids.Session(token, c.getJWTID(), exp.toInstant())));
    } catch (ParseException | JOSEException e) {
      return Optional.empty();
    }
  }
}
