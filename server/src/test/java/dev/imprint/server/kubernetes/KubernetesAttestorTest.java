package dev.imprint.server.kubernetes;

import static dev.imprint.server.kubernetes.KubeEstate.digest;
import static dev.imprint.server.kubernetes.KubeEstate.review;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import dev.imprint.server.audit.AuditLog;
import dev.imprint.server.auth.Caller;
import dev.imprint.server.auth.Role;
import dev.imprint.server.auth.TokenService;
import dev.imprint.server.identity.IdentityService;
import dev.imprint.server.image.Image;
import dev.imprint.server.image.ImagePolicy;
import dev.imprint.server.image.ImageService;
import dev.imprint.server.store.Database;
import dev.imprint.server.svid.SvidException;
import dev.imprint.server.svid.SvidRequest;
import dev.imprint.server.testing.AuditActions;
import dev.imprint.server.testing.MovableClock;
import dev.imprint.server.testing.Stores;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kubernetes attestation against pods admitted by the validating webhook, on both stores: the
 * happy path and each refusal, every one audited.
 */
class KubernetesAttestorTest {
  static final String API = "spiffe://imprint.local/payments/api";
  static final String MESH = "spiffe://imprint.local/platform/mesh";
  static final String D_API = digest("api 1.4.2");
  static final String D_MIGRATE = digest("migrate 1.4.2");
  static final String D_PROXY = digest("proxy 2.0");
  static final String POD_UID = "f1e2d3c4-b5a6-4978-8a9b-0c1d2e3f4a5b";
  static final String ADMIN = "token:admin";
  static final TestIssuer.Pod POD = new TestIssuer.Pod("payments", "api-7d9f5c6b8-xk2p9",
      POD_UID, "payments-api", "a087d5a0-e1dd-43ec-93ac-f13d89cd13af");

  @TempDir Path dir;
  final MovableClock clock = new MovableClock(Instant.parse("2026-12-05T09:00:00Z"));
  final TestIssuer cluster = TestIssuer.rsa("https://kubernetes.default.svc");
  Database db;
  TokenService tokens;
  IdentityService identities;
  ImageService images;
  ClusterService clusters;
  AdmissionService admission;
  Caller webhook;

  void open(Stores.Kind kind) {
    db = Stores.open(kind, dir);
    AuditLog audit = new AuditLog(db, clock);
    tokens = new TokenService(db, audit, clock, Duration.ofSeconds(30));
    identities = new IdentityService(db, audit, clock, "imprint.local");
    images = new ImageService(db, audit, clock, identities, ImagePolicy.defaults());
    clusters = new ClusterService(db, audit, clock, tokens, identities);
    admission = new AdmissionService(db, audit, clock, clusters);
    for (String id : List.of(API, MESH)) {
      identities.create(new IdentityService.NewIdentity(id, "workload", "team", "prod", null,
          null), ADMIN);
    }
    image("registry.example/payments/api", D_API, API);
    image("registry.example/payments/migrate", D_MIGRATE, API);
    image("registry.example/platform/proxy", D_PROXY, MESH);
    clusters.add("prod-eu", cluster.issuer, cluster.jwks(), null, ADMIN);
    webhook = new Caller(clusters.admissionToken("prod-eu", null, ADMIN).token().id(),
        Role.ADMISSION);
  }

  void image(String repo, String d, String identity) {
    images.register(new ImageService.Registration(repo, "1.0", d, identity,
        new Image.Provenance("github.com/acme/pay", "3f9a1c2", "run-7", "ci"), null, null),
        new Caller("pipeline", Role.PIPELINE, IdentityService.idOf(identity), identity));
    images.approve(d, "ok", false, ADMIN);
  }

  @AfterEach
  void close() {
    if (db != null) {
      tokens.close();
      db.close();
    }
  }

  static List<Stores.Kind> stores() {
    return List.of(Stores.Kind.SQLITE, Stores.Kind.POSTGRESQL);
  }

  /** Admits the fixture's pod through the validating webhook; returns the answer. */
  JsonNode admit(String fixture) {
    JsonNode res = admission.validate(KubeEstate.JSON.valueToTree(parse(review(fixture, Map.of(
        "INIT_IMAGE", "registry.example/payments/migrate@" + D_MIGRATE,
        "API_IMAGE", "registry.example/payments/api:1.0@" + D_API,
        "SIDECAR_IMAGE", "registry.example/platform/proxy@" + D_PROXY)))), webhook, null);
    assertThat(res.at("/response/allowed").asBoolean()).as(res.toString()).isTrue();
    return res;
  }

  static JsonNode parse(String s) {
    try {
      return KubeEstate.JSON.readTree(s);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  KubernetesAttestor.Attested attest(RecordingIssuer issuer, String token, String identity) {
    return new KubernetesAttestor(db, new AuditLog(db, clock), clock, clusters, issuer)
        .attest(new KubernetesAttestor.Request(token, null, identity,
            new SvidRequest("payments-db", null, null, null)));
  }

  String refusal(String token, String identity) {
    RecordingIssuer issuer = new RecordingIssuer();
    KubernetesException e = catchThrowableOfType(KubernetesException.class,
        () -> attest(issuer, token, identity));
    assertThat(e).as("refused").isNotNull();
    assertThat(issuer.asked).as("nothing issued").isEmpty();
    List<JsonNode> refused = refusals();
    assertThat(refused).isNotEmpty();
    assertThat(refused.get(refused.size() - 1).at("/details/reason").asText())
        .isEqualTo(e.code());
    assertThat(refused.get(refused.size() - 1).at("/details/method").asText())
        .isEqualTo("k8s_psat");
    return e.code();
  }

  List<JsonNode> refusals() {
    return AuditActions.entries(db).stream()
        .filter(a -> a.get("action").asText().equals("attestation.refused")).toList();
  }

  String token() {
    return cluster.token(POD, clock.instant());
  }

  @ParameterizedTest
  @MethodSource("stores")
  void anAdmittedPodAttestsAsTheIdentityOfItsImage(Stores.Kind kind) {
    open(kind);
    admit("pod-create.json");
    RecordingIssuer issuer = new RecordingIssuer();
    KubernetesAttestor.Attested a = attest(issuer, token(), API);
    assertThat(a.spiffeId()).isEqualTo(API);
    assertThat(a.imageDigest()).as("the regular container's, not the init one's").isEqualTo(D_API);
    assertThat(a.podUid()).isEqualTo(POD_UID);
    assertThat(issuer.asked).singleElement().satisfies(w -> {
      assertThat(w.spiffeId()).isEqualTo(API);
      assertThat(w.imageDigest()).isEqualTo(D_API);
      assertThat(w.attestation().method()).isEqualTo("k8s_psat");
      assertThat(w.attestation().facts()).containsEntry("cluster", "prod-eu")
          .containsEntry("namespace", "payments").containsEntry("podUid", POD_UID)
          .containsEntry("serviceAccount", "payments-api");
    });
    assertThat(a.svids().jwt()).isPresent();
    JsonNode entry = AuditActions.entries(db).stream()
        .filter(e -> e.get("action").asText().equals("attestation.accepted")).findFirst()
        .orElseThrow();
    assertThat(entry.get("subject").asText()).isEqualTo(API);
    assertThat(entry.get("actor").asText()).isEqualTo("k8s:prod-eu/payments/payments-api");
    assertThat(entry.at("/details/method").asText()).isEqualTo("k8s_psat");
    assertThat(entry.at("/details/image").asText()).isEqualTo(D_API);
    assertThat(entry.at("/details/pod").asText()).isEqualTo("api-7d9f5c6b8-xk2p9");
    assertThat(entry.at("/details/jwtSvidJti").asText()).isEqualTo("jti-1");
    assertThat(entry.toString()).doesNotContain(token()).doesNotContain("session-secret");
    assertThat(attest(new RecordingIssuer(), token(), MESH).imageDigest()).isEqualTo(D_PROXY);
  }

  @ParameterizedTest
  @MethodSource("stores")
  void aPodWhoseImagesCarrySeveralIdentitiesMustNameOneOfThem(Stores.Kind kind) {
    open(kind);
    admit("pod-create.json");
    assertThat(refusal(token(), null)).isEqualTo("attest.identity_ambiguous");
    assertThat(refusal(token(), "spiffe://imprint.local/other")).isEqualTo(
        "attest.identity_not_in_pod");
  }

  @ParameterizedTest
  @MethodSource("stores")
  void aPodWithoutAdmissionRecordIsRefused(Stores.Kind kind) {
    open(kind);
    assertThat(refusal(token(), API)).isEqualTo("attest.pod_unknown");
  }

  @ParameterizedTest
  @MethodSource("stores")
  void aTokenWhosePodDiffersFromTheRecordIsRefused(Stores.Kind kind) {
    open(kind);
    admit("pod-create.json");
    TestIssuer.Pod other = new TestIssuer.Pod("payments", POD.name(), POD_UID, "payments-admin",
        POD.serviceAccountUid());
    assertThat(refusal(cluster.token(other, clock.instant()), API))
        .isEqualTo("attest.pod_mismatch");
  }

  @ParameterizedTest
  @MethodSource("stores")
  void aPodRunningAnImageRetiredSinceItsAdmissionIsRefused(Stores.Kind kind) {
    open(kind);
    admit("pod-create.json");
    images.retire(D_PROXY, "CVE-2026-1234", ADMIN);
    assertThat(refusal(token(), API)).as("the sidecar can read the pod's token too")
        .isEqualTo("attest.image_not_approved");
  }

  @ParameterizedTest
  @MethodSource("stores")
  void aDeletedPodIsRefused(Stores.Kind kind) {
    open(kind);
    admit("pod-create.json");
    admit("pod-delete.json");
    assertThat(refusal(token(), API)).isEqualTo("attest.pod_deleted");
  }

  @ParameterizedTest
  @MethodSource("stores")
  void serviceAccountBindingsNarrowWhichPodsMayActAsAnIdentity(Stores.Kind kind) {
    open(kind);
    admit("pod-create.json");
    clusters.bind("prod-eu", API, "payments", "payments-batch", ADMIN);
    assertThat(refusal(token(), API)).isEqualTo("attest.service_account_not_bound");
    clusters.bind("prod-eu", API, "payments", "payments-api", ADMIN);
    assertThat(attest(new RecordingIssuer(), token(), API).spiffeId()).isEqualTo(API);
  }

  @ParameterizedTest
  @MethodSource("stores")
  void aDisabledIdentityIsRefused(Stores.Kind kind) {
    open(kind);
    admit("pod-create.json");
    identities.disable(API, "incident", ADMIN);
    assertThat(refusal(token(), API)).isEqualTo("attest.identity_inactive");
  }

  @ParameterizedTest
  @MethodSource("stores")
  void aPodAdmittedWithoutUidIsClaimedOnceByItsName(Stores.Kind kind) {
    open(kind);
    admit("pod-create-mutating.json");
    TestIssuer.Pod generated = new TestIssuer.Pod("payments", "api-7d9f5c6b8-b2x9q",
        "0b1c2d3e-4f50-4617-8829-3a4b5c6d7e8f", "payments-api", POD.serviceAccountUid());
    assertThat(attest(new RecordingIssuer(), cluster.token(generated, clock.instant()), API)
        .podUid()).isEqualTo(generated.uid());
    // the record now belongs to that pod: another pod of the same generateName is unknown
    TestIssuer.Pod sibling = new TestIssuer.Pod("payments", "api-7d9f5c6b8-zz9zz",
        "9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a", "payments-api", POD.serviceAccountUid());
    assertThat(refusal(cluster.token(sibling, clock.instant()), API))
        .isEqualTo("attest.pod_unknown");
    assertThat(attest(new RecordingIssuer(), cluster.token(generated, clock.instant()), API)
        .spiffeId()).as("the claiming pod again").isEqualTo(API);
    TestIssuer.Pod wrongName = new TestIssuer.Pod("payments", "api-7d9f5c6b8-toolong",
        "1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d", "payments-api", POD.serviceAccountUid());
    assertThat(refusal(cluster.token(wrongName, clock.instant()), API))
        .isEqualTo("attest.pod_unknown");
  }

  @ParameterizedTest
  @MethodSource("stores")
  void aPodWithAnUnpinnedContainerIsRefused(Stores.Kind kind) {
    open(kind);
    // a pod older than the webhook: its label update records the tag it still runs
    JsonNode res = admission.validate(parse(review("pod-update.json", Map.of(
        "INIT_IMAGE", "registry.example/payments/migrate@" + D_MIGRATE,
        "API_IMAGE", "registry.example/payments/api:1.0",
        "SIDECAR_IMAGE", "registry.example/platform/proxy@" + D_PROXY,
        "NEW_SIDECAR_IMAGE", "registry.example/platform/proxy@" + D_PROXY))), webhook, null);
    assertThat(res.at("/response/allowed").asBoolean()).isTrue();
    assertThat(refusal(token(), API)).isEqualTo("attest.image_unpinned");
  }

  @ParameterizedTest
  @MethodSource("stores")
  void aTokenThatDoesNotVerifyIsRefusedWithoutAnAuditEntry(Stores.Kind kind) {
    open(kind);
    admit("pod-create.json");
    TestIssuer stranger = TestIssuer.rsa(cluster.issuer);
    String forged = stranger.sign(cluster.claims(POD, clock.instant(), Duration.ofHours(1))
        .build(), new com.nimbusds.jose.JWSHeader.Builder(com.nimbusds.jose.JWSAlgorithm.RS256)
            .keyID(cluster.key.getKeyID()).build());
    KubernetesException e = catchThrowableOfType(KubernetesException.class,
        () -> attest(new RecordingIssuer(), forged, API));
    assertThat(e.code()).isEqualTo("attest.signature_invalid");
    assertThat(e.kind()).isEqualTo(KubernetesException.Kind.UNAUTHENTICATED);
    assertThat(refusals()).as("anyone can send a forged token; none costs an audit entry")
        .isEmpty();
  }

  @ParameterizedTest
  @MethodSource("stores")
  void anExpiredTokenOfTheClusterIsRefusedAndAuditedWithoutTheToken(Stores.Kind kind) {
    open(kind);
    admit("pod-create.json");
    String token = token();
    clock.advance(Duration.ofHours(2));
    assertThat(refusal(token, API)).isEqualTo("attest.token_expired");
    JsonNode entry = refusals().get(0);
    assertThat(entry.get("actor").asText())
        .isEqualTo("k8s:prod-eu/system:serviceaccount:payments:payments-api");
    assertThat(entry.toString()).doesNotContain(token);
  }

  @ParameterizedTest
  @MethodSource("stores")
  void theIssuersRefusalIsAuditedAsTheAttestationsOutcome(Stores.Kind kind) {
    open(kind);
    admit("pod-create.json");
    RecordingIssuer refusing = new RecordingIssuer(new SvidException(
        SvidException.Kind.CONFLICT, "svid.image_not_approved", "image retired a moment ago"));
    SvidException e = catchThrowableOfType(SvidException.class,
        () -> attest(refusing, token(), API));
    assertThat(e.code()).isEqualTo("svid.image_not_approved");
    assertThat(refusals()).singleElement().satisfies(a -> {
      assertThat(a.get("subject").asText()).isEqualTo(API);
      assertThat(a.at("/details/reason").asText()).isEqualTo("svid.image_not_approved");
      assertThat(a.at("/details/image").asText()).isEqualTo(D_API);
    });
  }
}
