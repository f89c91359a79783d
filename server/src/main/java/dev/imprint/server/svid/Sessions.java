package dev.imprint.server.svid;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.imprint.server.digest.Sha256;
import dev.imprint.server.keys.KeyPurpose;
import dev.imprint.server.keys.KeyRing;
import dev.imprint.server.keys.SigningKey;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Workload sessions: the renewal credential an attestation returns, an HMAC-signed JWT (RFC
 * 7519) of type {@code imprint-session+jwt} bound to one SPIFFE ID and image digest, verified
 * only by Imprint (its key is never published, and JWT-SVID validation refuses HMAC anyway).
 * It is self-contained, so renewing costs no store read; the image's and identity's state are
 * checked on every renewal through {@link WorkloadStates}. A session once verified is remembered
 * by its digest until it expires or its key is no longer published, so that a renewal does not
 * parse and check it again; remembering it grants nothing the state check would refuse.
 */
final class Sessions {
  /** How long a session lasts; every renewal returns a new one. */
  static final Duration TTL = Duration.ofHours(1);
  static final JOSEObjectType TYPE = new JOSEObjectType("imprint-session+jwt");

  /**
   * How many verified sessions are remembered at most (one per workload that renews: a renewal
   * then skips parsing the token and checking its HMAC; state is checked on every renewal
   * anyway). Past it, expired ones are dropped, then all.
   */
  static final int MAX_KNOWN = 100_000;

  private final KeyRing keys;
  private final Clock clock;
  private final Supplier<String> issuer;
  private final Map<String, Known> known = new ConcurrentHashMap<>();

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

  /** A verified session: the workload it stands for, the session itself and its key's id. */
  record Verified(AttestedWorkload workload, IssuedSvids.Session session, String kid) {}

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
    String key = digest(token);
    Known known = this.known.get(key);
    if (known != null) {
      // a session already verified: still unexpired, and its key still published (a key that
      // stopped being published no longer vouches for anything it signed)
      if (known.expiresAt().isAfter(clock.instant()) && keys.published(known.kid())
          .filter(x -> x.purpose() == KeyPurpose.SESSION).isPresent()) {
        return Optional.of(new Verified(known.workload(),
            new IssuedSvids.Session(token, known.id(), known.expiresAt()), known.kid()));
      }
      this.known.remove(key);
      return Optional.empty();
    }
    Optional<Verified> v = parseAndVerify(token);
    v.ifPresent(x -> remember(key, x));
    return v;
  }

  /**
   * A verified session as remembered: never the token itself, which is found by its SHA-256
   * digest, so the cache holds nothing a caller could present.
   */
  private record Known(AttestedWorkload workload, String id, Instant expiresAt, String kid) {}

  private void remember(String key, Verified v) {
    if (known.size() >= MAX_KNOWN) {
      Instant now = clock.instant();
      known.values().removeIf(k -> !k.expiresAt().isAfter(now));
      if (known.size() >= MAX_KNOWN) {
        known.clear();
      }
    }
    known.put(key, new Known(v.workload(), v.session().id(), v.session().expiresAt(), v.kid()));
  }

  /** How many sessions are remembered now (tests). */
  int remembered() {
    return known.size();
  }

  private static String digest(String token) {
    return Base64.getEncoder().encodeToString(Sha256.of(
        token.getBytes(StandardCharsets.US_ASCII)));
  }

  private Optional<Verified> parseAndVerify(String token) {
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
          new IssuedSvids.Session(token, c.getJWTID(), exp.toInstant()), h.getKeyID()));
    } catch (ParseException | JOSEException e) {
      return Optional.empty();
    }
  }
}
