package dev.imprint.agent;

import static dev.imprint.agent.ImprintFixture.API;
import static dev.imprint.agent.ImprintFixture.API_IMAGE;
import static dev.imprint.agent.ImprintFixture.OTHER;
import static dev.imprint.agent.ImprintFixture.OTHER_IMAGE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.spiffe.bundle.jwtbundle.JwtBundleSet;
import io.spiffe.bundle.x509bundle.X509Bundle;
import io.spiffe.bundle.x509bundle.X509BundleSet;
import io.spiffe.exception.JwtSvidException;
import io.spiffe.exception.X509ContextException;
import io.spiffe.spiffeid.SpiffeId;
import io.spiffe.spiffeid.TrustDomain;
import io.spiffe.svid.jwtsvid.JwtSvid;
import io.spiffe.svid.x509svid.X509Svid;
import io.spiffe.svid.x509svid.X509SvidValidator;
import io.spiffe.workloadapi.DefaultWorkloadApiClient;
import io.spiffe.workloadapi.Watcher;
import io.spiffe.workloadapi.WorkloadApiClient;
import io.spiffe.workloadapi.X509Context;
import java.nio.file.Path;
import java.security.Signature;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SPIFFE project's Java client against a real agent on a real Unix socket, backed by a real
 * server: the test process is attested by its uid through the selector map.
 */
class WorkloadApiTest {
  static final TrustDomain TD = TrustDomain.parse("imprint.local");
  @TempDir Path dir;
  ImprintFixture imprint;
  Agent agent;
  WorkloadApiClient client;

  @BeforeEach
  void start() {
    imprint = new ImprintFixture(dir);
  }

  @AfterEach
  void stop() throws Exception {
    if (client != null) {
      client.close();
    }
    if (agent != null) {
      agent.close();
    }
    imprint.close();
  }

  void startAgent(String selectors, Duration x509Ttl) throws Exception {
    agent = Agent.start(imprint.agentConfig(dir, selectors, x509Ttl));
    client = DefaultWorkloadApiClient.newClient(DefaultWorkloadApiClient.ClientOptions
        .builder().spiffeSocketPath("unix:" + agent.socket()).build());
  }

  @Test
  void fetchesX509AndJwtSvidsForTheTestProcessAttestedByItsUidAndValidates() throws Exception {
    imprint.grant();
    startAgent(ImprintFixture.selectorFor(ImprintFixture.uid(), API, API_IMAGE), null);
    assertThat(agent.spiffeId()).isEqualTo(ImprintFixture.NODE);

    X509Context x509 = client.fetchX509Context();
    X509Svid svid = x509.getDefaultSvid();
    assertThat(svid.getSpiffeId()).isEqualTo(SpiffeId.parse(API));
    X509Bundle bundle = x509.getX509BundleSet().getBundleForTrustDomain(TD);
    X509SvidValidator.verifyChain(svid.getChain(), x -> bundle);
    Signature s = Signature.getInstance("SHA256withECDSA");
    s.initSign(svid.getPrivateKey());
    s.update(new byte[] {1, 2, 3});
    byte[] sig = s.sign();
    s.initVerify(svid.getLeaf().getPublicKey());
    s.update(new byte[] {1, 2, 3});
    assertThat(s.verify(sig)).as("the key matches the leaf").isTrue();

    JwtSvid jwt = client.fetchJwtSvid("https://db.example");
    assertThat(jwt.getSpiffeId()).isEqualTo(SpiffeId.parse(API));
    assertThat(jwt.getAudience()).containsExactly("https://db.example");
    JwtBundleSet jwtBundles = client.fetchJwtBundles();
    JwtSvid.parseAndValidate(jwt.getToken(), jwtBundles, Set.of("https://db.example"));

    JwtSvid valid = client.validateJwtSvid(jwt.getToken(), "https://db.example");
    assertThat(valid.getSpiffeId()).isEqualTo(SpiffeId.parse(API));
    assertThat(valid.getClaims()).containsEntry("image_digest", API_IMAGE);
    assertThatThrownBy(() -> client.validateJwtSvid(jwt.getToken(), "https://other.example"))
        .isInstanceOf(JwtSvidException.class).hasStackTraceContaining("svid.audience_mismatch");
    String forged = jwt.getToken().substring(0, jwt.getToken().length() - 4) + "AAAA";
    assertThatThrownBy(() -> client.validateJwtSvid(forged, "https://db.example"))
        .isInstanceOf(JwtSvidException.class).hasStackTraceContaining("svid.signature_invalid");

    X509BundleSet x509Bundles = client.fetchX509Bundles();
    assertThat(x509Bundles.getBundleForTrustDomain(TD).getX509Authorities())
        .isEqualTo(bundle.getX509Authorities());
  }

  @Test
  void theX509SvidIsRotatedHalfWayThroughItsLife() throws Exception {
    imprint.grant();
    startAgent(ImprintFixture.selectorFor(ImprintFixture.uid(), API, API_IMAGE),
        Duration.ofSeconds(30));
    BlockingQueue<X509Svid> updates = new LinkedBlockingQueue<>();
    client.watchX509Context(watcher(c -> updates.add(c.getDefaultSvid())));
    X509Svid first = updates.poll(20, TimeUnit.SECONDS);
    assertThat(first).isNotNull();
    long life = first.getLeaf().getNotAfter().getTime() - System.currentTimeMillis();
    assertThat(life).as("a 30 s SVID").isLessThanOrEqualTo(31_000);
    X509Svid second = updates.poll(40, TimeUnit.SECONDS);
    assertThat(second).as("pushed before the first expired").isNotNull();
    assertThat(second.getLeaf().getSerialNumber()).isNotEqualTo(first.getLeaf()
        .getSerialNumber());
    assertThat(second.getLeaf().getNotAfter()).isAfter(first.getLeaf().getNotAfter());
    assertThat(first.getLeaf().getNotAfter().getTime()).as("rotated before expiry")
        .isGreaterThan(System.currentTimeMillis());
    assertThat(second.getPrivateKey().getEncoded()).as("a new key")
        .isNotEqualTo(first.getPrivateKey().getEncoded());
  }

  @Test
  void aKeyRotationOnTheServerIsPushedToBundleWatchers() throws Exception {
    imprint.grant();
    startAgent(ImprintFixture.selectorFor(ImprintFixture.uid(), API, API_IMAGE), null);
    BlockingQueue<JwtBundleSet> jwt = new LinkedBlockingQueue<>();
    client.watchJwtBundles(watcher(jwt::add));
    JwtBundleSet before = jwt.poll(20, TimeUnit.SECONDS);
    assertThat(before).isNotNull();
    Set<String> kids = before.getBundleForTrustDomain(TD).getJwtAuthorities().keySet();

    imprint.call("POST", "/v1/keys/rotate", imprint.admin, Map.of("activate_in", "10m"));

    JwtBundleSet after = jwt.poll(20, TimeUnit.SECONDS);
    assertThat(after).as("an update pushed after the rotation").isNotNull();
    assertThat(after.getBundleForTrustDomain(TD).getJwtAuthorities().keySet())
        .containsAll(kids).hasSizeGreaterThan(kids.size());
  }

  @Test
  void aCallerNoSelectorMatchesGetsNoIdentity() throws Exception {
    imprint.grant();
    startAgent(ImprintFixture.selectorFor(ImprintFixture.uid() + 4242, API, API_IMAGE), null);
    assertThatThrownBy(() -> client.fetchX509Context()).isInstanceOf(X509ContextException.class)
        .hasStackTraceContaining("PERMISSION_DENIED");
    assertThatThrownBy(() -> client.fetchJwtSvid("a")).isInstanceOf(JwtSvidException.class)
        .hasStackTraceContaining("PERMISSION_DENIED");
  }

  @Test
  void anIdentityTheAgentIsNotGrantedIsRefusedByTheServer() throws Exception {
    imprint.grant();
    startAgent(ImprintFixture.selectorFor(ImprintFixture.uid(), OTHER, OTHER_IMAGE), null);
    assertThatThrownBy(() -> client.fetchJwtSvid("a")).isInstanceOf(JwtSvidException.class)
        .hasStackTraceContaining("agent.not_authorized");
  }

  @Test
  void aRetiredImageEndsTheX509StreamAtTheNextRotation() throws Exception {
    imprint.grant();
    startAgent(ImprintFixture.selectorFor(ImprintFixture.uid(), API, API_IMAGE),
        Duration.ofSeconds(30));
    BlockingQueue<Object> events = new LinkedBlockingQueue<>();
    client.watchX509Context(new Watcher<>() {
      @Override
      public void onUpdate(X509Context c) {
        events.add(c.getDefaultSvid());
      }

      @Override
      public void onError(Throwable t) {
        events.add(t);
      }
    });
    Object first = events.poll(20, TimeUnit.SECONDS);
    assertThat(first).isInstanceOf(X509Svid.class);
    imprint.call("POST", "/v1/images/" + API_IMAGE + "/retire", imprint.admin,
        Map.of("reason", "CVE-2026-1234"));
    long halfLife = ((X509Svid) first).getLeaf().getNotBefore().getTime() + 10_000 + 15_000;
    while (System.currentTimeMillis() < halfLife + 3_000) {
      Object next = events.poll(1, TimeUnit.SECONDS);
      assertThat(next instanceof X509Svid).as("no new SVID for a retired image").isFalse();
    }
    assertThatThrownBy(() -> client.fetchX509Context()).isInstanceOf(X509ContextException.class)
        .hasStackTraceContaining("PERMISSION_DENIED");
  }

  static <T> Watcher<T> watcher(java.util.function.Consumer<T> update) {
    return new Watcher<>() {
      @Override
      public void onUpdate(T t) {
        update.accept(t);
      }

      @Override
      public void onError(Throwable t) {
        // the tests that expect errors install their own watcher
      }
    };
  }
}
