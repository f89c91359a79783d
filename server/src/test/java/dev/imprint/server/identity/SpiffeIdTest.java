package dev.imprint.server.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imprint.server.http.ApiProblem;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class SpiffeIdTest {
  @ParameterizedTest
  @ValueSource(strings = {"spiffe://imprint.local/payments/api",
      "spiffe://imprint.local/ns/prod/sa/Payments_API-v2.1", "spiffe://imprint.local/a"})
  void canonicalIdsInTheTrustDomainAreAccepted(String text) {
    SpiffeId id = SpiffeId.parse(text, "imprint.local");
    assertThat(id.toString()).isEqualTo(text);
    assertThat(id.trustDomain()).isEqualTo("imprint.local");
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiter = '|', value = {
      "SPIFFE://imprint.local/a | scheme",
      "https://imprint.local/a | scheme",
      "spiffe:/imprint.local/a | scheme",
      "spiffe://Imprint.local/a | lower-case letters",
      "spiffe://imprint.local:8443/a | no port",
      "spiffe://user@imprint.local/a | no user info",
      "spiffe://imprint.local/a?x=1 | no query",
      "spiffe://imprint.local/a#frag | no fragment",
      "spiffe://imprint.local | expected a path",
      "spiffe://imprint.local/ | trailing '/'",
      "spiffe://imprint.local/a//b | empty segment",
      "spiffe://imprint.local/a/./b | '.' or '..'",
      "spiffe://imprint.local/a/../b | '.' or '..'",
      "spiffe://imprint.local/a%2Fb | '%'",
      "spiffe://imprint.local/a b | ' '",
      "spiffe:///a | expected a trust domain",
  })
  void eachKindOfMalformedIdIsRefusedWithAPreciseDetail(String text, String detailPart) {
    assertThatThrownBy(() -> SpiffeId.parse(text, "imprint.local"))
        .isInstanceOfSatisfying(ApiProblem.class, p -> {
          assertThat(p.code()).isEqualTo("identity.spiffe_id_invalid");
          assertThat(p.status()).isEqualTo(400);
          assertThat(p.detail()).contains(detailPart);
        });
  }

  @ParameterizedTest
  @ValueSource(ints = {2048, 2049})
  void idsLongerThan2048BytesAreRefused(int length) {
    String prefix = "spiffe://imprint.local/";
    String text = prefix + "a".repeat(length - prefix.length());
    if (length <= SpiffeId.MAX_BYTES) {
      assertThat(SpiffeId.parse(text, "imprint.local").toString()).hasSize(length);
    } else {
      assertThatThrownBy(() -> SpiffeId.parse(text, "imprint.local"))
          .hasMessageContaining("at most 2048 bytes, got 2049");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"spiffe://other.example/payments/api"})
  void anIdOfAnotherTrustDomainIsRefusedNamingBothDomains(String text) {
    assertThatThrownBy(() -> SpiffeId.parse(text, "imprint.local"))
        .isInstanceOfSatisfying(ApiProblem.class, p -> {
          assertThat(p.code()).isEqualTo("identity.trust_domain_mismatch");
          assertThat(p.detail()).contains("'imprint.local'").contains("'other.example'");
        });
  }
}
