package dev.imprint.bench.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

/**
 * Workload identity over HTTP: a workload attested once renews SVIDs with its session, the
 * issuance path of every SVID after the first (the session is verified, the image's and
 * identity's state checked, the SVID signed, a new session signed, the issuance recorded for the
 * batched audit entry), and services ask {@code /v1/svid/validate}.
 */
final class SvidScenarios {
  static final String SPIFFE_ID = "spiffe://imprint.local/bench/api";
  /** The audience the bench server signs with RS256. */
  static final String RS256_AUDIENCE = "api://bench-rs256";
  private static final ObjectMapper JSON = new ObjectMapper();

  private SvidScenarios() {}

  /** An approved image of a workload identity, attested once: its answer (session, SVIDs). */
  static JsonNode attested(Target t, String audience) throws Exception {
    send(t.postJson("/v1/identities", t.adminToken(), "{\"spiffeId\":\"" + SPIFFE_ID
        + "\",\"kind\":\"workload\",\"owner\":\"bench\",\"environment\":\"bench\"}"), 201, 409);
    String digest = ImageRegistration.digest("svid-bench");
    // registered by the pipeline bound to the identity: the default policy trusts its reports
    String pipeline = send(t.postJson("/v1/tokens", t.adminToken(), "{\"role\":\"pipeline\","
        + "\"identity\":\"" + SPIFFE_ID + "\"}"), 201).get("token").asText();
    send(t.postJson("/v1/images", pipeline, "{\"repository\":\"registry.example/bench\","
        + "\"digest\":\"" + digest + "\",\"identity\":\"" + SPIFFE_ID + "\",\"provenance\":"
        + "{\"sourceRepository\":\"github.com/acme/bench\",\"commit\":\"3f9a1c2\"}}"), 201, 200);
    send(t.postJson("/v1/images/" + digest + "/approve", t.adminToken(), "{\"reason\":\"ok\"}"),
        200, 409);
    String jt = send(t.postJson("/v1/join-tokens", t.adminToken(), "{\"image\":\"" + digest
        + "\",\"identity\":\"" + SPIFFE_ID + "\"}"), 201).get("token").asText();
    return send(t.postJson("/v1/attest/join-token", null, "{\"join_token\":\"" + jt
        + "\",\"audience\":\"" + audience + "\"}"), 200);
  }

  static JsonNode send(HttpRequest r, int... ok) throws Exception {
    HttpResponse<String> res = LoadGenerator.HTTP.send(r, HttpResponse.BodyHandlers.ofString());
    for (int s : ok) {
      if (res.statusCode() == s) {
        return JSON.readTree(res.body());
      }
    }
    throw new IllegalStateException("bench set-up: " + r.uri() + " answered "
        + res.statusCode() + ": " + res.body());
  }

  static HttpRequest renew(Target t, String session, String body) {
    return HttpRequest.newBuilder(java.net.URI.create(t.url() + "/v1/svid/renew"))
        .header("Authorization", "Bearer " + session).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build();
  }

  static String csr() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    KeyPair k = g.generateKeyPair();
    byte[] der = new JcaPKCS10CertificationRequestBuilder(new X500Name(new RDN[0]),
        k.getPublic()).build(new JcaContentSignerBuilder("SHA256withECDSA")
            .build(k.getPrivate())).getEncoded();
    return "-----BEGIN CERTIFICATE REQUEST-----\\n" + Base64.getEncoder().encodeToString(der)
        + "\\n-----END CERTIFICATE REQUEST-----\\n";
  }

  /** {@code POST /v1/svid/renew} for a JWT-SVID of an audience signed with ES256 or RS256. */
  static final class JwtIssue implements Scenario {
    private final String name;
    private final String audience;
    // built once: a request is immutable and may be sent any number of times, so the timed
    // loop does not parse the URI and copy the headers again for every call
    private HttpRequest request;

    JwtIssue(String name, String audience) {
      this.name = name;
      this.audience = audience;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public void setUp(Target t) throws Exception {
      String session = attested(t, audience).at("/session/token").asText();
      request = renew(t, session, "{\"audience\":\"" + audience + "\"}");
    }

    @Override
    public HttpRequest request(Target t, int client, long i) {
      return request;
    }

    @Override
    public int expectedStatus() {
      return 200;
    }
  }

  /** {@code POST /v1/svid/renew} for an X.509-SVID from a CSR (verified on every request). */
  static final class X509Issue implements Scenario {
    private HttpRequest request;

    @Override
    public String name() {
      return "x509-svid-issue";
    }

    @Override
    public void setUp(Target t) throws Exception {
      String session = attested(t, "bench").at("/session/token").asText();
      request = renew(t, session, "{\"csr\":\"" + csr() + "\"}");
    }

    @Override
    public HttpRequest request(Target t, int client, long i) {
      return request;
    }

    @Override
    public int expectedStatus() {
      return 200;
    }
  }

  /** {@code POST /v1/svid/validate} of one JWT-SVID (signature, claims, revocation check). */
  static final class Validate implements Scenario {
    // built once, like the issuance scenarios' request: the body is the same on every call, and
    // a JDK request built per call (and prepared anew by LoadClient, whose cache it missed) cost
    // the clients, which share the server's cores, 4.7 KiB of allocation per request (15.4 KiB
    // before, 10.7 after: --alloc, 4 clients, SQLite)
    private HttpRequest request;

    @Override
    public String name() {
      return "svid-validate";
    }

    @Override
    public void setUp(Target t) throws Exception {
      JsonNode a = attested(t, "bench");
      // a JWT-SVID of the longest lifetime, so that it outlives the run
      String jwt = send(renew(t, a.at("/session/token").asText(),
          "{\"audience\":\"bench\",\"jwt_ttl\":\"1h\"}"), 200).at("/jwt_svid/token").asText();
      request = t.postJson("/v1/svid/validate", t.adminToken(), "{\"token\":\"" + jwt
          + "\",\"audience\":\"bench\"}");
    }

    @Override
    public HttpRequest request(Target t, int client, long i) {
      return request;
    }

    @Override
    public int expectedStatus() {
      return 200;
    }
  }
}
