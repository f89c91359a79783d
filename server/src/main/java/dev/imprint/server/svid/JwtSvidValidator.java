package dev.imprint.server.svid;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import dev.imprint.server.identity.SpiffeId;
import dev.imprint.server.http.ApiProblem;
import dev.imprint.server.keys.KeyPurpose;
import dev.imprint.server.keys.KeyRing;
import dev.imprint.server.keys.Signatures;
import dev.imprint.server.keys.SigningKey;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;

/**
 * Validates a JWT-SVID as a careful verifier does (SPIFFE JWT-SVID section 5, RFC 8725): a JWS
 * with {@code alg} ES256 or RS256 (never {@code none}, never HMAC), a {@code kid} of a published
 * JWT-SVID key of that algorithm (a key of another {@code use} is refused), a valid signature,
 * {@code sub} a SPIFFE ID of this trust domain, the expected audience in {@code aud}, {@code exp}
 * not passed and {@code nbf}/{@code iat} not in the future beyond {@link #SKEW}; then the
 * revocation check: the image in {@code image_digest} still approved or deployed, carrying the
 * subject, and the identity active.
 */
public final class JwtSvidValidator {
  /** Clock skew tolerated for {@code exp}, {@code nbf} and {@code iat}. */
  public static final Duration SKEW = Duration.ofSeconds(30);
  private static final Set<String> ALGS = Set.of("ES256", "RS256");
  private static final int MAX_TOKEN = 8192;

  /** The outcome: valid, or why not (a stable reason code), and the subject when readable. */
  public record Result(boolean valid, String reason, String spiffeId) {
    static Result ok(String sub) {
      return new Result(true, null, sub);
    }

    static Result no(String reason, String sub) {
      return new Result(false, reason, sub);
    }
  }

  private final KeyRing keys;
  private final WorkloadStates states;
  private final Clock clock;
  private final String trustDomain;
  /** Each published key's verifying parameters, by kid, made once per process. */
  private final Map<String, AsymmetricKeyParameter> verifying;

  public JwtSvidValidator(KeyRing keys, WorkloadStates states, Clock clock, String trustDomain) {
    this(keys, states, clock, trustDomain, new ConcurrentHashMap<>());
  }

  /** A validator that keeps the verifying parameters in {@code verifying} (tests). */
  JwtSvidValidator(KeyRing keys, WorkloadStates states, Clock clock, String trustDomain,
      ConcurrentHashMap<String, AsymmetricKeyParameter> verifying) {
    this.keys = keys;
    this.states = states;
    this.clock = clock;
    this.trustDomain = trustDomain;
    this.verifying = verifying;
  }

  /** Validates {@code token} for {@code audience}. */
  public Result validate(String token, String audience) {
    if (token == null || token.isEmpty() || token.length() > MAX_TOKEN) {
      return Result.no("svid.malformed", null);
    }
    String[] parts = token.split("\\.", -1);
    if (parts.length != 3) {
      return Result.no("svid.malformed", null);
    }
    JWSHeader header;
    JWTClaimsSet claims;
    try {
      com.nimbusds.jose.Header h = com.nimbusds.jose.Header.parse(new Base64URL(parts[0]));
      if (!(h instanceof JWSHeader jws)) {
        return Result.no("svid.alg_not_allowed", null); // alg none is a PlainHeader
      }
      header = jws;
      claims = JWTClaimsSet.parse(new String(new Base64URL(parts[1]).decode(),
          StandardCharsets.UTF_8));
    } catch (ParseException | IllegalArgumentException e) {
      return Result.no("svid.malformed", null);
    }
    String sub = claims.getSubject();
    String alg = header.getAlgorithm().getName();
    if (!ALGS.contains(alg)) {
      return Result.no("svid.alg_not_allowed", sub);
    }
    JOSEObjectType typ = header.getType();
    if (typ != null && !typ.getType().equals("JWT") && !typ.getType().equals("JOSE")) {
      return Result.no("svid.typ_not_allowed", sub);
    }
    if (header.getKeyID() == null) {
      return Result.no("svid.kid_missing", sub);
    }
    Optional<SigningKey> key = keys.published(header.getKeyID());
    if (key.isEmpty()) {
      return Result.no("svid.kid_unknown", sub);
    }
    SigningKey k = key.get();
    if (!k.purpose().use().equals("jwt-svid")) {
      return Result.no("svid.key_use_mismatch", sub);
    }
    if (!k.purpose().algorithm().equals(alg)) {
      return Result.no("svid.alg_mismatch", sub);
    }
    byte[] input = (parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII);
    byte[] sig;
    try {
      sig = new Base64URL(parts[2]).decode();
    } catch (IllegalArgumentException e) {
      return Result.no("svid.malformed", sub);
    }
    if (!Signatures.verify(alg, params(k), input, sig)) {
      return Result.no("svid.signature_invalid", sub);
    }
    return checkClaims(claims, sub, audience);
  }

  private Result checkClaims(JWTClaimsSet claims, String sub, String audience) {
    if (sub == null) {
      return Result.no("svid.subject_invalid", null);
    }
    SpiffeId id;
    try {
      id = SpiffeId.parse(sub);
    } catch (ApiProblem e) {
      return Result.no("svid.subject_invalid", sub);
    }
    if (!id.trustDomain().equals(trustDomain)) {
      return Result.no("svid.trust_domain_mismatch", sub);
    }
    if (audience == null || !claims.getAudience().contains(audience)) {
      return Result.no("svid.audience_mismatch", sub);
    }
    Instant now = clock.instant();
    Date exp = claims.getExpirationTime();
    if (exp == null) {
      return Result.no("svid.exp_missing", sub);
    }
    if (!exp.toInstant().plus(SKEW).isAfter(now)) {
      return Result.no("svid.expired", sub);
    }
    Date nbf = claims.getNotBeforeTime();
    Date iat = claims.getIssueTime();
    if (nbf != null && nbf.toInstant().isAfter(now.plus(SKEW))
        || iat != null && iat.toInstant().isAfter(now.plus(SKEW))) {
      return Result.no("svid.not_yet_valid", sub);
    }
    Object digest = claims.getClaim("image_digest");
    String refused = revocation(states, digest instanceof String d ? d : null, sub);
    return refused == null ? Result.ok(sub) : Result.no(refused, sub);
  }

  /**
   * The revocation check shared by both SVID forms: null when the image {@code digest} is known,
   * carries {@code sub}, is approved or deployed and its identity is active; else the reason
   * ({@code svid.image_missing}, {@code svid.image_unknown}, {@code svid.revoked_image_<status>}
   * or {@code svid.revoked_identity_<status>}).
   */
  static String revocation(WorkloadStates states, String digest, String sub) {
    if (digest == null) {
      return "svid.image_missing";
    }
    Optional<WorkloadStates.State> s = states.of(digest);
    if (s.isEmpty() || !s.get().spiffeId().equals(sub)) {
      return "svid.image_unknown";
    }
    if (!s.get().imageLive()) {
      return "svid.revoked_image_" + s.get().imageStatus();
    }
    if (!s.get().identityActive()) {
      return "svid.revoked_identity_" + s.get().identityStatus();
    }
    return null;
  }

  /**
   * The key's parameters: a plain read once made, because computeIfAbsent locks the map's bin
   * whenever the key is not the bin's first node, and every validation would then take one
   * monitor with every other.
   */
  private AsymmetricKeyParameter params(SigningKey k) {
    AsymmetricKeyParameter known = verifying.get(k.kid());
    if (known != null) {
      return known;
    }
    return verifying.computeIfAbsent(k.kid(), x -> {
      try {
        return Signatures.publicParameters(k.publicJwk().isPrivate() ? null
            : k.purpose() == KeyPurpose.JWT_RS256 ? k.publicJwk().toRSAKey().toPublicKey()
                : k.publicJwk().toECKey().toPublicKey());
      } catch (com.nimbusds.jose.JOSEException e) {
        throw new IllegalStateException("a published key is unusable", e);
      }
    });
  }
}
