package dev.imprint.server.kubernetes;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.SignedJWT;
import dev.imprint.server.store.Database;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Verifies a pod's projected service-account token (a JWT the kube-apiserver signs) against the
 * JWKS of the cluster whose issuer it names: the signature (RS256/ES256 and their larger
 * siblings; never {@code none}, HMAC or PSS), {@code iss}, {@code aud} (must hold
 * {@link #AUDIENCE}), {@code exp}, {@code nbf} and {@code iat} with {@link #SKEW} of clock skew,
 * a lifetime of at most {@link #MAX_LIFETIME}, and the pod-bound {@code kubernetes.io} claims
 * (namespace, pod name and uid, service account name and uid) with a matching {@code sub}.
 */
final class ServiceAccountTokens {
  /** The audience a pod's projected token for Imprint carries. */
  static final String AUDIENCE = "imprint";
  static final Duration SKEW = Duration.ofSeconds(60);
  /** Longer-lived tokens are refused: a stolen one would be a long-lived credential. */
  static final Duration MAX_LIFETIME = Duration.ofHours(48);
  static final int MAX_TOKEN_CHARS = 16 * 1024;

  /** What a verified token says about the pod that holds it. */
  record PodIdentity(Cluster cluster, String namespace, String podName, String podUid,
      String serviceAccount, String serviceAccountUid, String nodeName, String jti,
      Instant expiresAt) {
    /** {@code namespace/pod}, for messages. */
    String label() {
      return namespace + "/" + podName;
    }
  }

  private final Database db;
  private final ClusterService clusters;
  private final Clock clock;

  ServiceAccountTokens(Database db, ClusterService clusters, Clock clock) {
    this.db = db;
    this.clusters = clusters;
    this.clock = clock;
  }

  /**
   * Verifies {@code token}; {@code clusterName} (null: any) narrows the clusters tried to one,
   * for clusters that share an issuer and a key id.
   *
   * @throws KubernetesException {@code UNAUTHENTICATED} with a stable {@code attest.*} code
   */
  PodIdentity verify(String token, String clusterName) {
    return check(signed(token, clusterName));
  }

  /** A token whose signature verified with the key of {@code cluster}; claims not yet checked. */
  record Signed(Cluster cluster, JWTClaimsSet claims) {
    /** The unchecked {@code sub}, for the audit log. */
    String subject() {
      return claims.getSubject() == null ? "" : ContainerImage.shorten(claims.getSubject());
    }
  }

  /**
   * Checks the claims of a token whose signature verified: times, audience and the pod-bound
   * claims.
   */
  PodIdentity check(Signed s) {
    checkTimes(s.claims());
    if (s.claims().getAudience() == null || !s.claims().getAudience().contains(AUDIENCE)) {
      throw refused("attest.audience_mismatch", "expected audience '" + AUDIENCE + "' (the"
          + " projected volume's serviceAccountToken.audience), got "
          + s.claims().getAudience());
    }
    return podClaims(s.cluster(), s.claims());
  }

  /**
   * Finds the cluster and key a token names and verifies its signature; nothing the token says
   * is trusted before this succeeds.
   */
  Signed signed(String token, String clusterName) {
    SignedJWT jwt = parse(token);
    JWSAlgorithm alg = jwt.getHeader().getAlgorithm();
    if (!Jwks.ALGORITHMS.contains(alg)) {
      throw refused("attest.token_algorithm", "expected a token signed with RS256 or ES256 (as"
          + " Kubernetes signs them), got alg " + alg);
    }
    JWTClaimsSet claims = claims(jwt);
    String iss = claims.getIssuer();
    if (iss == null) {
      throw refused("attest.token_claims_invalid", "the token has no 'iss'");
    }
    String kid = jwt.getHeader().getKeyID();
    if (kid == null || kid.isEmpty()) {
      throw refused("attest.token_kid_missing", "the token header has no 'kid'; Kubernetes"
          + " names the key it signs with");
    }
    List<Cluster> candidates = db.read(c -> clusters.byIssuer(c, iss)).stream()
        .filter(c -> clusterName == null || c.name().equals(clusterName)).toList();
    if (candidates.isEmpty()) {
      throw refused("attest.issuer_unknown", "no registered cluster has issuer '"
          + ContainerImage.shorten(iss) + "'" + (clusterName == null ? ""
              : " and name '" + ContainerImage.shorten(clusterName) + "'")
          + " (imprint cluster add NAME --issuer URL --jwks FILE|URL)");
    }
    List<Map.Entry<Cluster, JWK>> keys = new ArrayList<>();
    for (Cluster c : candidates) {
      JWK key = clusters.keys().key(c, kid);
      if (key != null) {
        keys.add(Map.entry(c, key));
      }
    }
    if (keys.isEmpty()) {
      throw refused("attest.key_unknown", "no key with id '" + ContainerImage.shorten(kid)
          + "' in the JWKS of cluster " + candidates.stream().map(Cluster::name)
              .collect(Collectors.joining(", ")));
    }
    if (keys.size() > 1) {
      throw refused("attest.cluster_ambiguous", "clusters " + keys.stream()
          .map(e -> e.getKey().name()).collect(Collectors.joining(", ")) + " share issuer and"
          + " key id; name the cluster in the request ('cluster')");
    }
    Cluster cluster = keys.get(0).getKey();
    JWK key = keys.get(0).getValue();
    if (!Jwks.fits(key, alg) || !verifies(jwt, key)) {
      throw refused("attest.signature_invalid", "the token's signature does not verify with"
          + " key '" + ContainerImage.shorten(kid) + "' of cluster " + cluster.name());
    }
    return new Signed(cluster, claims);
  }

  private static SignedJWT parse(String token) {
    if (token == null || token.isBlank()) {
      throw refused("attest.token_missing", "expected 'token', the pod's projected"
          + " service-account token, got none");
    }
    if (token.length() > MAX_TOKEN_CHARS) {
      throw refused("attest.token_invalid", "the token is longer than " + MAX_TOKEN_CHARS
          + " characters");
    }
    JWT jwt;
    try {
      jwt = JWTParser.parse(token.trim());
    } catch (ParseException e) {
      throw refused("attest.token_invalid", "expected a signed JWT (header.payload.signature),"
          + " got something else");
    }
    if (!(jwt instanceof SignedJWT signed)) {
      throw refused("attest.token_algorithm", "expected a signed JWT; an unsecured (alg none)"
          + " or encrypted token proves nothing here");
    }
    return signed;
  }

  private static JWTClaimsSet claims(SignedJWT jwt) {
    try {
      return jwt.getJWTClaimsSet();
    } catch (ParseException e) {
      throw refused("attest.token_claims_invalid", "the token's claims are not a JSON object");
    }
  }

  private static boolean verifies(SignedJWT jwt, JWK key) {
    try {
      JWSVerifier v = key instanceof RSAKey rsa ? new RSASSAVerifier(rsa)
          : new ECDSAVerifier((ECKey) key);
      return jwt.verify(v);
    } catch (JOSEException | ClassCastException e) {
      return false;
    }
  }

  private void checkTimes(JWTClaimsSet claims) {
    Instant now = clock.instant();
    Date exp = claims.getExpirationTime();
    if (exp == null) {
      throw refused("attest.token_claims_invalid", "the token has no 'exp'");
    }
    if (now.isAfter(exp.toInstant().plus(SKEW))) {
      throw refused("attest.token_expired", "the token expired at " + exp.toInstant()
          + " (the kubelet refreshes a projected token; read the file again)");
    }
    Date nbf = claims.getNotBeforeTime();
    if (nbf != null && nbf.toInstant().isAfter(now.plus(SKEW))) {
      throw refused("attest.token_not_yet_valid", "the token is valid from " + nbf.toInstant()
          + " only");
    }
    Date iat = claims.getIssueTime();
    if (iat != null && iat.toInstant().isAfter(now.plus(SKEW))) {
      throw refused("attest.token_not_yet_valid", "the token was issued in the future ("
          + iat.toInstant() + ")");
    }
    Instant from = iat != null ? iat.toInstant() : now;
    if (Duration.between(from, exp.toInstant()).compareTo(MAX_LIFETIME) > 0) {
      throw refused("attest.token_lifetime_too_long", "the token lives from " + from + " to "
          + exp.toInstant() + "; at most " + MAX_LIFETIME.toHours() + " hours are accepted (set"
          + " the projected volume's expirationSeconds, e.g. 3600)");
    }
  }

  private static PodIdentity podClaims(Cluster cluster, JWTClaimsSet claims) {
    Object k8s = claims.getClaim("kubernetes.io");
    if (!(k8s instanceof Map<?, ?> m)) {
      throw refused("attest.token_not_pod_bound", "the token has no 'kubernetes.io' claim:"
          + " it is not a Kubernetes service-account token");
    }
    Object pod = m.get("pod");
    if (!(pod instanceof Map<?, ?> p)) {
      throw refused("attest.token_not_pod_bound", "the token is not bound to a pod (no"
          + " kubernetes.io.pod claim): use the pod's projected service-account token");
    }
    String ns = text(m.get("namespace"), "kubernetes.io.namespace");
    String podName = text(p.get("name"), "kubernetes.io.pod.name");
    String podUid = text(p.get("uid"), "kubernetes.io.pod.uid");
    if (!(m.get("serviceaccount") instanceof Map<?, ?> sa)) {
      throw refused("attest.token_claims_invalid", "the token has no"
          + " kubernetes.io.serviceaccount claim");
    }
    String saName = text(sa.get("name"), "kubernetes.io.serviceaccount.name");
    String saUid = text(sa.get("uid"), "kubernetes.io.serviceaccount.uid");
    String expected = "system:serviceaccount:" + ns + ":" + saName;
    if (!expected.equals(claims.getSubject())) {
      throw refused("attest.token_claims_invalid", "expected 'sub' " + expected + " to match"
          + " the kubernetes.io claims, got '" + ContainerImage.shorten(
              String.valueOf(claims.getSubject())) + "'");
    }
    String node = m.get("node") instanceof Map<?, ?> n && n.get("name") instanceof String s
        ? s : null;
    return new PodIdentity(cluster, ns, podName, podUid, saName, saUid, node,
        claims.getJWTID(), claims.getExpirationTime().toInstant());
  }

  private static String text(Object v, String claim) {
    if (!(v instanceof String s) || s.isEmpty() || s.length() > 253) {
      throw refused("attest.token_claims_invalid", "expected claim " + claim
          + " (a non-empty string)");
    }
    return s;
  }

  static KubernetesException refused(String code, String detail) {
    return KubernetesException.unauthenticated(code, detail);
  }
}
