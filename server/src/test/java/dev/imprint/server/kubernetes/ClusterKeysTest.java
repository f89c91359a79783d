package dev.imprint.server.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imprint.server.testing.MovableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The JWKS cache against a JWKS served on loopback, with a clock the test moves. */
class ClusterKeysTest {
  final JwksServer endpoint = new JwksServer();
  final MovableClock clock = new MovableClock(Instant.parse("2026-12-05T09:00:00Z"));
  final List<String> changes = new ArrayList<>();
  final ClusterKeys keys = new ClusterKeys(clock, Duration.ofSeconds(30),
      (c, jwks) -> changes.add(jwks));
  final TestIssuer first = TestIssuer.rsa("https://kubernetes.default.svc");
  final TestIssuer second = TestIssuer.ec("https://kubernetes.default.svc");

  @AfterEach
  void stop() {
    endpoint.close();
  }

  Cluster cluster(String storedJwks) {
    Instant t = clock.instant();
    return new Cluster("prod-eu", first.issuer, endpoint.url(), storedJwks, t, "test", t);
  }

  @Test
  void fetchedKeysAreCachedForTheResponsesMaxAge() {
    endpoint.serve(first.jwks(), "public, max-age=3600");
    Cluster c = cluster(first.jwks());
    assertThat(keys.key(c, first.key.getKeyID())).isNotNull();
    assertThat(endpoint.requests()).isEqualTo(1);
    clock.advance(Duration.ofMinutes(59));
    assertThat(keys.key(c, first.key.getKeyID())).isNotNull();
    assertThat(endpoint.requests()).isEqualTo(1);
    clock.advance(Duration.ofMinutes(2));
    assertThat(keys.key(c, first.key.getKeyID())).isNotNull();
    assertThat(endpoint.requests()).isEqualTo(2);
  }

  @Test
  void anUnknownKeyIdFetchesAgainAtMostOncePerInterval() {
    endpoint.serve(first.jwks(), "max-age=3600");
    Cluster c = cluster(first.jwks());
    keys.key(c, first.key.getKeyID());
    assertThat(endpoint.requests()).isEqualTo(1);
    // the cluster rotates: the issuer now publishes both keys
    endpoint.serve("{\"keys\":[" + first.key.toPublicJWK().toJSONString() + ","
        + second.key.toPublicJWK().toJSONString() + "]}", "max-age=3600");
    clock.advance(Duration.ofSeconds(31));
    assertThat(keys.key(c, second.key.getKeyID())).isNotNull();
    assertThat(endpoint.requests()).isEqualTo(2);
    assertThat(changes).hasSize(1);
    // a flood of tokens naming keys nobody has costs one fetch per interval
    for (int i = 0; i < 50; i++) {
      assertThat(keys.key(c, "forged-" + i)).isNull();
    }
    assertThat(endpoint.requests()).isEqualTo(2);
    clock.advance(Duration.ofSeconds(30));
    assertThat(keys.key(c, "forged-x")).isNull();
    assertThat(endpoint.requests()).isEqualTo(3);
  }

  @Test
  void aFailedFetchKeepsTheKeysAlreadyHeld() {
    endpoint.serve(first.jwks(), "max-age=60").fail(503);
    Cluster c = cluster(first.jwks());
    assertThat(keys.key(c, first.key.getKeyID())).as("the stored JWKS").isNotNull();
    assertThat(endpoint.requests()).isEqualTo(1);
    endpoint.serve("not json", null);
    clock.advance(Duration.ofSeconds(31));
    assertThat(keys.key(c, first.key.getKeyID())).isNotNull();
    assertThat(endpoint.requests()).isEqualTo(2);
    assertThat(changes).isEmpty();
  }

  @Test
  void aDocumentJwksIsNeverFetched() {
    Instant t = clock.instant();
    Cluster c = new Cluster("file", first.issuer, null, first.jwks(), t, "test", t);
    assertThat(keys.key(c, first.key.getKeyID())).isNotNull();
    assertThat(keys.key(c, "other")).isNull();
    assertThat(endpoint.requests()).isZero();
    Cluster updated = new Cluster("file", first.issuer, null, second.jwks(), t, "test",
        t.plusSeconds(1));
    assertThat(keys.key(updated, second.key.getKeyID())).isNotNull();
    assertThat(keys.key(updated, first.key.getKeyID())).isNull();
  }

  @Test
  void maxAgeIsReadFromCacheControlAndBounded() {
    assertThat(ClusterKeys.maxAge(null)).isEqualTo(ClusterKeys.DEFAULT_MAX_AGE);
    assertThat(ClusterKeys.maxAge("public, max-age=3600")).isEqualTo(Duration.ofHours(1));
    assertThat(ClusterKeys.maxAge("max-age=1")).isEqualTo(ClusterKeys.MIN_MAX_AGE);
    assertThat(ClusterKeys.maxAge("max-age=99999999")).isEqualTo(ClusterKeys.MAX_MAX_AGE);
    assertThat(ClusterKeys.maxAge("no-store")).isEqualTo(ClusterKeys.MIN_MAX_AGE);
    assertThat(ClusterKeys.maxAge("private")).isEqualTo(ClusterKeys.DEFAULT_MAX_AGE);
  }

  @Test
  void aJwksUrlMustBeHttpsUnlessOnLoopback() {
    assertThat(ClusterKeys.checkUrl("https://oidc.example/keys").getHost())
        .isEqualTo("oidc.example");
    assertThat(ClusterKeys.checkUrl("http://127.0.0.1:8080/keys")).isNotNull();
    assertThat(ClusterKeys.checkUrl("http://[::1]:8080/keys")).isNotNull();
    for (String bad : List.of("http://oidc.example/keys", "http://10.0.0.1/keys")) {
      assertThat(org.assertj.core.api.Assertions.catchThrowableOfType(
          KubernetesException.class, () -> ClusterKeys.checkUrl(bad)).code())
          .isEqualTo("cluster.jwks_url_insecure");
    }
    for (String bad : List.of("ftp://x/keys", "https://user:pw@x/keys", "not a url",
        "file:///etc/keys")) {
      assertThat(org.assertj.core.api.Assertions.catchThrowableOfType(
          KubernetesException.class, () -> ClusterKeys.checkUrl(bad)).code())
          .isEqualTo("cluster.jwks_url_invalid");
    }
  }
}
