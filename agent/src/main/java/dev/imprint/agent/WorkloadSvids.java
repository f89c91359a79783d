package dev.imprint.agent;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

/**
 * Obtains callers' SVIDs from the server ({@code POST /v1/agent/svid} with the agent's session)
 * and keeps each until half its life is spent, so callers asking again share one. X.509 keys are
 * generated here (P-256) and only the CSR leaves the agent.
 */
final class WorkloadSvids {
  /** An X.509-SVID with its key: the chain and key in DER, as the Workload API sends them. */
  record X509(String spiffeId, byte[] chainDer, byte[] keyPkcs8, Instant issuedAt,
      Instant expiresAt) {
    @Override
    public String toString() {
      return "X509[" + spiffeId + ", expires " + expiresAt + ", key [redacted]]";
    }
  }

  /** A JWT-SVID. */
  record Jwt(String spiffeId, String token, Instant issuedAt, Instant expiresAt) {
    @Override
    public String toString() {
      return "Jwt[" + spiffeId + ", expires " + expiresAt + ", token [redacted]]";
    }
  }

  private final ServerApi api;
  private final NodeCredential node;
  private final Clock clock;
  private final Duration x509Ttl;
  private final Duration jwtTtl;
  private final Map<String, X509> x509s = new ConcurrentHashMap<>();
  private final Map<String, Jwt> jwts = new ConcurrentHashMap<>();

  WorkloadSvids(ServerApi api, NodeCredential node, Clock clock, Duration x509Ttl,
      Duration jwtTtl) {
    this.api = api;
    this.node = node;
    this.clock = clock;
    this.x509Ttl = x509Ttl;
    this.jwtTtl = jwtTtl;
  }

  /** The caller's X.509-SVID: the cached one while half its life is left, else a new one. */
  X509 x509(CallerAttestor.Caller caller) {
    return x509(caller, null);
  }

  /**
   * The caller's X.509-SVID to replace {@code old}: never {@code old} itself (a rotation at
   * half life must not send the same SVID again), but another caller's newer one if cached.
   */
  X509 x509(CallerAttestor.Caller caller, X509 old) {
    X509 c = x509s.get(caller.key());
    if (c != null && c != old && fresh(c.issuedAt(), c.expiresAt())) {
      return c;
    }
    X509 n = newX509(caller);
    x509s.put(caller.key(), n);
    return n;
  }

  /** The caller's JWT-SVID for {@code audience}, cached like X.509-SVIDs. */
  Jwt jwt(CallerAttestor.Caller caller, String audience) {
    String key = caller.key() + " " + audience;
    Jwt c = jwts.get(key);
    if (c != null && fresh(c.issuedAt(), c.expiresAt())) {
      return c;
    }
    Map<String, Object> body = body(caller);
    body.put("audience", audience);
    if (jwtTtl != null) {
      body.put("jwt_ttl", jwtTtl.toSeconds() + "s");
    }
    JsonNode r = api.post("/v1/agent/svid", body, node.current().session());
    Jwt n = new Jwt(r.path("spiffe_id").asText(), r.path("jwt_svid").path("token").asText(),
        clock.instant(), Instant.parse(r.path("jwt_svid").path("expires_at").asText()));
    if (jwts.size() > 10_000) {
      jwts.clear();
    }
    jwts.put(key, n);
    return n;
  }

  /** When the next X.509-SVID should replace {@code s}: half way through its life. */
  static Instant rotateAt(X509 s) {
    return s.issuedAt().plus(Duration.between(s.issuedAt(), s.expiresAt()).dividedBy(2));
  }

  private boolean fresh(Instant issued, Instant expires) {
    return clock.instant().isBefore(issued.plus(Duration.between(issued, expires)
        .dividedBy(2)));
  }

  private X509 newX509(CallerAttestor.Caller caller) {
    KeyPair kp = keyPair();
    Map<String, Object> body = body(caller);
    body.put("csr", csr(kp));
    if (x509Ttl != null) {
      body.put("x509_ttl", x509Ttl.toSeconds() + "s");
    }
    JsonNode r = api.post("/v1/agent/svid", body, node.current().session());
    List<X509Certificate> chain = Bundles.parsePem(r.path("x509_svid").path("certificates")
        .asText());
    ByteArrayOutputStream der = new ByteArrayOutputStream();
    try {
      for (X509Certificate c : chain) {
        der.writeBytes(c.getEncoded());
      }
    } catch (CertificateEncodingException e) {
      throw new IllegalStateException("a parsed certificate does not encode", e);
    }
    return new X509(r.path("spiffe_id").asText(), der.toByteArray(), kp.getPrivate()
        .getEncoded(), clock.instant(), chain.get(0).getNotAfter().toInstant());
  }

  private static Map<String, Object> body(CallerAttestor.Caller caller) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("image", caller.image());
    caller.spiffeId().ifPresent(id -> body.put("identity", id));
    body.put("caller", caller.facts());
    return body;
  }

  private static KeyPair keyPair() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp256r1"));
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK always has P-256", e);
    }
  }

  /** A PKCS#10 request with an empty subject: the server sets the SPIFFE ID. */
  private static String csr(KeyPair kp) {
    try {
      byte[] der = new JcaPKCS10CertificationRequestBuilder(new X500Name(new org.bouncycastle
          .asn1.x500.RDN[0]), kp.getPublic()).build(new JcaContentSignerBuilder(
              "SHA256withECDSA").build(kp.getPrivate())).getEncoded();
      return "-----BEGIN CERTIFICATE REQUEST-----\n"
          + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
          + "\n-----END CERTIFICATE REQUEST-----\n";
    } catch (OperatorCreationException | IOException e) {
      throw new IllegalStateException("cannot build a certificate request", e);
    }
  }
}
