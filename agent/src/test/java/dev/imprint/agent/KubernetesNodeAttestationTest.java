package dev.imprint.agent;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.spiffe.spiffeid.SpiffeId;
import io.spiffe.workloadapi.DefaultWorkloadApiClient;
import io.spiffe.workloadapi.WorkloadApiClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent attests itself with a Kubernetes projected service-account token: its pod admitted by
 * Imprint's webhook, its token signed by a registered cluster's key, then it serves the Workload
 * API as with a join token.
 */
class KubernetesNodeAttestationTest {
  static final String ISSUER = "https://kubernetes.default.svc";
  static final String POD_UID = "7c1e2d3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f";
  @TempDir Path dir;

  @Test
  void anAdmittedAgentPodAttestsWithItsProjectedTokenAndServesItsCallers() throws Exception {
    RSAKey key = new RSAKeyGenerator(2048).keyID("k8s-1").generate();
    try (ImprintFixture imprint = new ImprintFixture(dir)) {
      imprint.grant();
      imprint.call("POST", "/v1/clusters", imprint.admin, Map.of("name", "prod-eu", "issuer",
          ISSUER, "jwks", ImprintFixture.JSON.readTree(new JWKSet(key.toPublicJWK())
              .toString(true))));
      String admission = imprint.call("POST", "/v1/clusters/prod-eu/admission-tokens",
          imprint.admin, Map.of()).get("token").asText();
      JsonNode verdict = imprint.call("POST", "/v1/admission/validate", admission,
          ImprintFixture.JSON.readTree(review()));
      assertThat(verdict.at("/response/allowed").asBoolean()).as(verdict.toString()).isTrue();
      Path token = dir.resolve("token");
      Files.writeString(token, token(key));

      AgentConfig join = imprint.agentConfig(dir, ImprintFixture.selectorFor(
          ImprintFixture.uid(), ImprintFixture.API, ImprintFixture.API_IMAGE), null);
      AgentConfig k8s = new AgentConfig(join.server(), join.socket(),
          new AgentConfig.KubernetesToken(token, "prod-eu"), join.selectors(), join.procRoot(),
          join.runtimes(), null, null, join.bundleRefresh());
      try (Agent agent = Agent.start(k8s);
          WorkloadApiClient client = DefaultWorkloadApiClient.newClient(
              DefaultWorkloadApiClient.ClientOptions.builder().spiffeSocketPath("unix:"
                  + agent.socket()).build())) {
        assertThat(agent.spiffeId()).isEqualTo(ImprintFixture.NODE);
        assertThat(client.fetchJwtSvid("https://db.example").getSpiffeId())
            .isEqualTo(SpiffeId.parse(ImprintFixture.API));
      }
    }
  }

  static String review() {
    String image = "registry.example/imprint/agent@" + ImprintFixture.NODE_IMAGE;
    return """
        {"kind": "AdmissionReview", "apiVersion": "admission.k8s.io/v1",
         "request": {"uid": "0d6f1c2e-3b4a-4d5c-9e8f-7a6b5c4d3e2f",
          "kind": {"group": "", "version": "v1", "kind": "Pod"},
          "resource": {"group": "", "version": "v1", "resource": "pods"},
          "name": "imprint-agent-x7k2p", "namespace": "imprint", "operation": "CREATE",
          "userInfo": {"username": "system:serviceaccount:kube-system:daemon-set-controller"},
          "object": {"kind": "Pod", "apiVersion": "v1",
           "metadata": {"name": "imprint-agent-x7k2p", "namespace": "imprint", "uid": "%s"},
           "spec": {"serviceAccountName": "imprint-agent", "hostPID": true,
            "containers": [{"name": "agent", "image": "%s"}]}}}}
        """.formatted(POD_UID, image);
  }

  static String token(RSAKey key) throws Exception {
    Instant now = Instant.now();
    JWTClaimsSet claims = new JWTClaimsSet.Builder().audience(List.of("imprint"))
        .issuer(ISSUER).subject("system:serviceaccount:imprint:imprint-agent")
        .issueTime(Date.from(now)).notBeforeTime(Date.from(now))
        .expirationTime(Date.from(now.plus(Duration.ofHours(1))))
        .jwtID(UUID.randomUUID().toString())
        .claim("kubernetes.io", Map.of("namespace", "imprint",
            "pod", Map.of("name", "imprint-agent-x7k2p", "uid", POD_UID),
            "serviceaccount", Map.of("name", "imprint-agent",
                "uid", "2b3c4d5e-6f70-4812-9a3b-4c5d6e7f8091")))
        .build();
    SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256)
        .keyID(key.getKeyID()).build(), claims);
    jwt.sign(new RSASSASigner(key));
    return jwt.serialize();
  }
}
