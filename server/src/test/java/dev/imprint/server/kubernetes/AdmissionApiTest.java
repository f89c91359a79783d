package dev.imprint.server.kubernetes;

import static dev.imprint.server.kubernetes.KubeEstate.audited;
import static dev.imprint.server.kubernetes.KubeEstate.digest;
import static dev.imprint.server.kubernetes.KubeEstate.json;
import static dev.imprint.server.kubernetes.KubeEstate.ok;
import static dev.imprint.server.kubernetes.KubeEstate.review;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.fge.jsonpatch.JsonPatch;
import dev.imprint.server.testing.Stores;
import dev.imprint.server.testing.TestServer;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The admission webhooks over HTTP with AdmissionReview documents shaped as the API server sends
 * them (Pod create and update with init, regular and ephemeral containers, a Deployment, a
 * Service, a pod's DELETE).
 */
class AdmissionApiTest {
  static final String API = "spiffe://imprint.local/payments/api";
  static final String MESH = "spiffe://imprint.local/platform/mesh";
  static final String D_API = digest("api 1.4.2");
  static final String D_MIGRATE = digest("migrate 1.4.2");
  static final String D_PROXY = digest("proxy 2.0");
  static final String D_OLD = digest("api 1.4.1");
  static final String D_REJECTED = digest("api 1.4.3-rc");
  static final String D_REGISTERED = digest("api 1.5.0");
  static final String D_BUSYBOX = digest("busybox 1.36");
  static final String D_UNKNOWN = digest("never registered");
  static final String POD_UID = "f1e2d3c4-b5a6-4978-8a9b-0c1d2e3f4a5b";

  @TempDir static Path dir;
  static TestServer server;
  static String admission;

  @BeforeAll
  static void start() {
    server = TestServer.start(Stores.Kind.SQLITE, dir);
    KubeEstate.identity(server, API);
    KubeEstate.identity(server, MESH);
    KubeEstate.image(server, "registry.example/payments/api", "1.4.2", D_API, API, "approve",
        "deploy");
    KubeEstate.image(server, "registry.example/payments/migrate", "1.4.2", D_MIGRATE, API,
        "approve");
    KubeEstate.image(server, "registry.example/platform/proxy", "2.0", D_PROXY, MESH,
        "approve", "deploy");
    KubeEstate.image(server, "registry.example/payments/api", "1.4.1", D_OLD, API, "approve",
        "retire");
    KubeEstate.image(server, "registry.example/payments/api", "1.4.3-rc", D_REJECTED, API,
        "reject");
    KubeEstate.image(server, "registry.example/payments/api", "1.5.0", D_REGISTERED, API);
    KubeEstate.image(server, "busybox", "1.36", D_BUSYBOX, MESH, "approve");
    KubeEstate.cluster(server, "prod-eu", TestIssuer.rsa("https://kubernetes.default.svc"));
    KubeEstate.cluster(server, "prod-us", TestIssuer.rsa("https://kubernetes.default.svc"));
    admission = KubeEstate.admissionToken(server, "prod-eu");
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  static String pinned(String repo, String tag, String d) {
    return repo + ":" + tag + "@" + d;
  }

  static final String API_PINNED = pinned("registry.example/payments/api", "1.4.2", D_API);
  static final String MIGRATE_PINNED = "registry.example/payments/migrate@" + D_MIGRATE;
  static final String PROXY_PINNED = pinned("registry.example/platform/proxy", "2.0", D_PROXY);

  /** A fixture with these images and a fresh pod uid (tests share one server). */
  static String pod(String fixture, String podUid, String... images) {
    Map<String, String> v = new HashMap<>();
    String[] names = {"INIT_IMAGE", "API_IMAGE", "SIDECAR_IMAGE", "NEW_SIDECAR_IMAGE",
        "DEBUG_IMAGE"};
    for (int i = 0; i < images.length; i++) {
      v.put(names[i], images[i]);
    }
    return review(fixture, v).replace(POD_UID, podUid);
  }

  static JsonNode validate(String token, String body, String query) {
    return ok(server.send("POST", "/v1/admission/validate" + query, token, body), 200);
  }

  static JsonNode validate(String body) {
    return validate(admission, body, "");
  }

  static JsonNode mutate(String body) {
    return ok(server.send("POST", "/v1/admission/mutate", admission, body), 200);
  }

  /** The recorded pod of {@code uid} in prod-eu: service account, digests, deleted. */
  static Map<String, Object> record(String uid) {
    return server.server().database().read(c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT namespace, name, service_account,"
          + " containers, deleted_at, generate_name FROM k8s_pods WHERE cluster = 'prod-eu'"
          + " AND uid = ?")) {
        ps.setString(1, uid);
        try (ResultSet rs = ps.executeQuery()) {
          if (!rs.next()) {
            return null;
          }
          Map<String, Object> m = new HashMap<>();
          m.put("namespace", rs.getString(1));
          m.put("name", rs.getString(2));
          m.put("serviceAccount", rs.getString(3));
          m.put("containers", parse(rs.getString(4)));
          rs.getLong(5);
          m.put("deleted", !rs.wasNull());
          m.put("generateName", rs.getString(6));
          return m;
        }
      }
    });
  }

  static JsonNode parse(String text) {
    try {
      return KubeEstate.JSON.readTree(text);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static List<String> digests(JsonNode containers) {
    List<String> out = new ArrayList<>();
    containers.forEach(c -> out.add(c.path("kind").asText() + "/" + c.path("name").asText()
        + "=" + c.path("digest").asText()));
    return out;
  }

  @Test
  void aPodWhoseEveryContainerRunsAnApprovedDigestIsAdmittedAndRecorded() {
    String uid = UUID.randomUUID().toString();
    JsonNode res = validate(pod("pod-create.json", uid, MIGRATE_PINNED, API_PINNED,
        PROXY_PINNED));
    assertThat(res.get("apiVersion").asText()).isEqualTo("admission.k8s.io/v1");
    assertThat(res.get("kind").asText()).isEqualTo("AdmissionReview");
    assertThat(res.at("/response/uid").asText()).isEqualTo("3b1c5e0a-8d7f-4c2b-9a61-0f2e4d5c6b7a");
    assertThat(res.at("/response/allowed").asBoolean()).as(res.toString()).isTrue();
    assertThat(res.at("/response/status").isMissingNode()).isTrue();
    Map<String, Object> rec = record(uid);
    assertThat(rec).isNotNull();
    assertThat(rec.get("namespace")).isEqualTo("payments");
    assertThat(rec.get("name")).isEqualTo("api-7d9f5c6b8-xk2p9");
    assertThat(rec.get("serviceAccount")).isEqualTo("payments-api");
    assertThat(digests((JsonNode) rec.get("containers"))).containsExactly(
        "initContainers/migrate=" + D_MIGRATE, "containers/api=" + D_API,
        "containers/sidecar=" + D_PROXY);
    assertThat(audited(server, "k8s.admission_allowed")).anySatisfy(e -> {
      assertThat(e.at("/details/uid").asText()).isEqualTo(uid);
      assertThat(e.at("/details/cluster").asText()).isEqualTo("prod-eu");
      assertThat(e.get("subject").asText())
          .isEqualTo("k8s:prod-eu/Pod/payments/api-7d9f5c6b8-xk2p9");
    });
  }

  @Test
  void aPodIsRefusedNamingEachContainerAndWhy() {
    String uid = UUID.randomUUID().toString();
    JsonNode res = validate(pod("pod-create.json", uid, "registry.example/payments/migrate@"
        + D_REJECTED, "registry.example/payments/api:1.4.2", "registry.example/platform/proxy@"
        + D_UNKNOWN));
    assertThat(res.at("/response/uid").asText()).isEqualTo("3b1c5e0a-8d7f-4c2b-9a61-0f2e4d5c6b7a");
    assertThat(res.at("/response/allowed").asBoolean()).isFalse();
    assertThat(res.at("/response/status/code").asInt()).isEqualTo(403);
    String message = res.at("/response/status/message").asText();
    assertThat(message).contains("Pod payments/api-7d9f5c6b8-xk2p9")
        .contains("initContainers[0] 'migrate': digest " + D_REJECTED.substring(0, 19)
            + "... is rejected")
        .contains("containers[0] 'api': image 'registry.example/payments/api:1.4.2' is not pinned"
            + " by digest (the approved image of that tag is " + D_API)
        .contains("containers[1] 'sidecar': digest " + D_UNKNOWN.substring(0, 19)
            + "... is not a registered image");
    assertThat(record(uid)).isNull();
    assertThat(audited(server, "k8s.admission_refused")).anySatisfy(e -> {
      assertThat(e.at("/details/uid").asText()).isEqualTo(uid);
      assertThat(e.at("/details/reasons")).hasSize(3);
    });
  }

  @Test
  void retiredRegisteredAndUnpinnableImagesAreEachRefused() {
    Map<String, String> why = Map.of(
        "registry.example/payments/api@" + D_OLD, "is retired",
        "registry.example/payments/api@" + D_REGISTERED, "is registered",
        "registry.example/payments/api:9.9.9", "no image is registered as"
            + " registry.example/payments/api:9.9.9",
        "registry.example/payments/api:1.4.3-rc", "registry.example/payments/api:1.4.3-rc"
            + " names " + D_REJECTED.substring(0, 19) + "... (rejected); none is approved",
        "registry.example/payments/api", "(no tag given, so 'latest')",
        "registry.example/payments/api@sha512:" + "ab".repeat(64), "not sha256",
        "${REGISTRY}/api:1.0", "built from variables",
        "Registry.Example/Payments/API:1", "not a valid image reference");
    for (Map.Entry<String, String> e : why.entrySet()) {
      JsonNode res = validate(pod("pod-create.json", UUID.randomUUID().toString(),
          MIGRATE_PINNED, e.getKey(), PROXY_PINNED));
      assertThat(res.at("/response/allowed").asBoolean()).as(e.getKey()).isFalse();
      assertThat(res.at("/response/status/message").asText()).as(e.getKey())
          .contains("containers[0] 'api'").contains(e.getValue())
          .doesNotContain("'migrate'").doesNotContain("'sidecar'");
    }
  }

  @Test
  void mutatePinsEachTagToTheApprovedDigestAndThePatchedPodIsAdmitted() throws Exception {
    String body = review("pod-create-mutating.json", Map.of(
        "INIT_IMAGE", "registry.example/payments/migrate:1.4.2",
        "API_IMAGE", "registry.example/payments/api:1.4.2",
        "SIDECAR_IMAGE", "registry.example/platform/proxy@" + D_PROXY));
    JsonNode res = mutate(body);
    assertThat(res.at("/response/uid").asText()).isEqualTo("9c8b7a6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d");
    assertThat(res.at("/response/allowed").asBoolean()).isTrue();
    assertThat(res.at("/response/patchType").asText()).isEqualTo("JSONPatch");
    JsonNode patch = parse(new String(Base64.getDecoder().decode(res.at("/response/patch")
        .asText()), StandardCharsets.UTF_8));
    assertThat(patch).hasSize(2);
    JsonNode review = parse(body);
    JsonNode patched = JsonPatch.fromJson(patch).apply(review.at("/request/object"));
    assertThat(patched.at("/spec/initContainers/0/image").asText())
        .isEqualTo("registry.example/payments/migrate:1.4.2@" + D_MIGRATE);
    assertThat(patched.at("/spec/containers/0/image").asText()).isEqualTo(API_PINNED);
    assertThat(patched.at("/spec/containers/1/image").asText())
        .isEqualTo("registry.example/platform/proxy@" + D_PROXY);
    // what the API server then sends the validating webhook: the patched pod, named, with a uid
    String uid = UUID.randomUUID().toString();
    ((ObjectNode) review.get("request")).set("object", patched);
    ObjectNode meta = (ObjectNode) review.at("/request/object/metadata");
    meta.put("name", "api-7d9f5c6b8-q8w2z").put("uid", uid);
    JsonNode verdict = validate(review.toString());
    assertThat(verdict.at("/response/allowed").asBoolean()).as(verdict.toString()).isTrue();
    assertThat(record(uid)).isNotNull();
  }

  @Test
  void mutateLeavesATagWithoutAnApprovedImageAndTheValidatingWebhookRefusesIt() {
    String body = review("pod-create-mutating.json", Map.of(
        "INIT_IMAGE", "registry.example/payments/migrate:1.4.2",
        "API_IMAGE", "registry.example/payments/api:1.5.0",
        "SIDECAR_IMAGE", "busybox:1.36"));
    JsonNode res = mutate(body);
    assertThat(res.at("/response/allowed").asBoolean()).isTrue();
    JsonNode patch = parse(new String(Base64.getDecoder().decode(res.at("/response/patch")
        .asText()), StandardCharsets.UTF_8));
    assertThat(patch).extracting(p -> p.get("path").asText()).containsExactly(
        "/spec/initContainers/0/image", "/spec/containers/1/image");
    assertThat(patch.get(1).get("value").asText()).isEqualTo("busybox:1.36@" + D_BUSYBOX);
    assertThat(res.at("/response/warnings").toString()).contains("containers[0] 'api'")
        .contains("(registered); none is approved or deployed");
    JsonNode verdict = validate(pod("pod-create.json", UUID.randomUUID().toString(),
        MIGRATE_PINNED, "registry.example/payments/api:1.5.0", PROXY_PINNED));
    assertThat(verdict.at("/response/allowed").asBoolean()).isFalse();
  }

  @Test
  void mutateWithNothingToPinAnswersWithoutAPatch() {
    JsonNode res = mutate(pod("pod-create.json", UUID.randomUUID().toString(), MIGRATE_PINNED,
        API_PINNED, PROXY_PINNED));
    assertThat(res.at("/response/allowed").asBoolean()).isTrue();
    assertThat(res.at("/response/patch").isMissingNode()).isTrue();
    assertThat(res.at("/response/patchType").isMissingNode()).isTrue();
  }

  @Test
  void anUpdateIsCheckedForTheImagesItChangesOnly() {
    String uid = UUID.randomUUID().toString();
    // a pod admitted before the webhook existed: its api container still runs a tag
    String legacy = "registry.example/payments/api:1.4.2";
    JsonNode labelOnly = validate(pod("pod-update.json", uid, MIGRATE_PINNED, legacy,
        PROXY_PINNED, PROXY_PINNED));
    assertThat(labelOnly.at("/response/allowed").asBoolean()).as(labelOnly.toString()).isTrue();
    assertThat(digests((JsonNode) record(uid).get("containers")))
        .contains("containers/api=null", "containers/sidecar=" + D_PROXY);
    JsonNode badImage = validate(pod("pod-update.json", uid, MIGRATE_PINNED, legacy,
        PROXY_PINNED, "registry.example/platform/proxy@" + D_UNKNOWN));
    assertThat(badImage.at("/response/allowed").asBoolean()).isFalse();
    assertThat(badImage.at("/response/status/message").asText())
        .contains("containers[1] 'sidecar'").doesNotContain("'api'");
    String newProxy = "registry.example/payments/api@" + D_API;
    JsonNode goodImage = validate(pod("pod-update.json", uid, MIGRATE_PINNED, legacy,
        PROXY_PINNED, newProxy));
    assertThat(goodImage.at("/response/allowed").asBoolean()).isTrue();
    assertThat(digests((JsonNode) record(uid).get("containers")))
        .contains("containers/sidecar=" + D_API);
  }

  @Test
  void anEphemeralContainerAddedThroughTheSubresourceIsChecked() {
    String uid = UUID.randomUUID().toString();
    JsonNode refused = validate(pod("pod-ephemeral.json", uid, MIGRATE_PINNED, API_PINNED,
        PROXY_PINNED, PROXY_PINNED, "busybox:1.36"));
    assertThat(refused.at("/response/allowed").asBoolean()).isFalse();
    assertThat(refused.at("/response/status/message").asText())
        .contains("ephemeralContainers[0] 'debugger-x7k2q': image 'busybox:1.36' is not pinned");
    JsonNode res = mutate(pod("pod-ephemeral.json", uid, MIGRATE_PINNED, API_PINNED,
        PROXY_PINNED, PROXY_PINNED, "busybox:1.36"));
    JsonNode patch = parse(new String(Base64.getDecoder().decode(res.at("/response/patch")
        .asText()), StandardCharsets.UTF_8));
    assertThat(patch.toString()).contains("/spec/ephemeralContainers/0/image")
        .contains("busybox:1.36@" + D_BUSYBOX);
    JsonNode admitted = validate(pod("pod-ephemeral.json", uid, MIGRATE_PINNED, API_PINNED,
        PROXY_PINNED, PROXY_PINNED, "busybox:1.36@" + D_BUSYBOX));
    assertThat(admitted.at("/response/allowed").asBoolean()).isTrue();
    assertThat(digests((JsonNode) record(uid).get("containers")))
        .contains("ephemeralContainers/debugger-x7k2q=" + D_BUSYBOX);
  }

  @Test
  void aDryRunIsDecidedButNeitherRecordedNorAudited() {
    String uid = UUID.randomUUID().toString();
    String body = pod("pod-create.json", uid, MIGRATE_PINNED, API_PINNED, PROXY_PINNED)
        .replace("\"dryRun\": false", "\"dryRun\": true");
    long before = audited(server, "k8s.admission_allowed").size();
    JsonNode res = validate(body);
    assertThat(res.at("/response/allowed").asBoolean()).isTrue();
    assertThat(record(uid)).isNull();
    assertThat(audited(server, "k8s.admission_allowed")).hasSize((int) before);
  }

  @Test
  void aPodsDeletionEndsItsRecord() {
    String uid = UUID.randomUUID().toString();
    validate(pod("pod-create.json", uid, MIGRATE_PINNED, API_PINNED, PROXY_PINNED));
    JsonNode res = validate(pod("pod-delete.json", uid, MIGRATE_PINNED, API_PINNED,
        PROXY_PINNED));
    assertThat(res.at("/response/allowed").asBoolean()).isTrue();
    assertThat(res.at("/response/uid").asText()).isEqualTo("2a1b0c9d-8e7f-4a6b-9c5d-4e3f2a1b0c9d");
    assertThat(record(uid).get("deleted")).isEqualTo(true);
    assertThat(audited(server, "k8s.pod_deleted"))
        .anySatisfy(e -> assertThat(e.at("/details/uid").asText()).isEqualTo(uid));
    // the terminating pod's finalizer is removed afterwards: an UPDATE that must not revive it
    validate(pod("pod-update.json", uid, MIGRATE_PINNED, API_PINNED, PROXY_PINNED,
        PROXY_PINNED));
    assertThat(record(uid).get("deleted")).as("still deleted").isEqualTo(true);
  }

  @Test
  void anUpdateOfAPodBeingDeletedEndsItsRecordWithoutTheDeletionWebhook() {
    String uid = UUID.randomUUID().toString();
    validate(pod("pod-create.json", uid, MIGRATE_PINNED, API_PINNED, PROXY_PINNED));
    String terminating = pod("pod-update.json", uid, MIGRATE_PINNED, API_PINNED, PROXY_PINNED,
        PROXY_PINNED).replace("\"creationTimestamp\": \"2026-12-05T09:14:02Z\",",
            "\"creationTimestamp\": \"2026-12-05T09:14:02Z\", \"deletionTimestamp\":"
                + " \"2026-12-05T10:00:00Z\", \"deletionGracePeriodSeconds\": 30,");
    assertThat(terminating).contains("deletionTimestamp");
    assertThat(validate(terminating).at("/response/allowed").asBoolean()).isTrue();
    assertThat(record(uid).get("deleted")).isEqualTo(true);
  }

  @Test
  void aDeploymentsPodTemplateIsCheckedAndNotRecorded() {
    JsonNode refused = validate(review("deployment-create.json", Map.of("INIT_IMAGE",
        MIGRATE_PINNED, "API_IMAGE", "registry.example/payments/api@" + D_OLD, "SIDECAR_IMAGE",
        PROXY_PINNED)));
    assertThat(refused.at("/response/allowed").asBoolean()).isFalse();
    assertThat(refused.at("/response/status/message").asText())
        .startsWith("imprint refused Deployment payments/api: containers[0] 'api': digest")
        .contains("is retired");
    JsonNode res = mutate(review("deployment-create.json", Map.of("INIT_IMAGE",
        MIGRATE_PINNED, "API_IMAGE", "registry.example/payments/api:1.4.2", "SIDECAR_IMAGE",
        PROXY_PINNED)));
    assertThat(new String(Base64.getDecoder().decode(res.at("/response/patch").asText()),
        StandardCharsets.UTF_8)).contains("\"path\":\"/spec/template/spec/containers/0/image\"");
    JsonNode allowed = validate(review("deployment-create.json", Map.of("INIT_IMAGE",
        MIGRATE_PINNED, "API_IMAGE", API_PINNED, "SIDECAR_IMAGE", PROXY_PINNED)));
    assertThat(allowed.at("/response/allowed").asBoolean()).isTrue();
    assertThat(record("b4a39281-7f6e-4d5c-8b4a-3f2e1d0c9b8a")).isNull();
  }

  @Test
  void aKindImprintDoesNotCheckIsAllowedWithAWarning() {
    JsonNode res = validate(review("service-create.json", Map.of()));
    assertThat(res.at("/response/allowed").asBoolean()).isTrue();
    assertThat(res.at("/response/warnings/0").asText()).contains("Service was not checked");
  }

  @Test
  void aCreateWithoutUidIsRecordedByGenerateName() {
    String body = review("pod-create-mutating.json", Map.of("INIT_IMAGE", MIGRATE_PINNED,
        "API_IMAGE", API_PINNED, "SIDECAR_IMAGE", PROXY_PINNED));
    JsonNode res = validate(body);
    assertThat(res.at("/response/allowed").asBoolean()).isTrue();
    int unclaimed = server.server().database().read(c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM k8s_pods WHERE"
          + " uid IS NULL AND name = '' AND generate_name = 'api-7d9f5c6b8-'");
          ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getInt(1);
      }
    });
    assertThat(unclaimed).isPositive();
  }

  @Test
  void aTokenBoundToOneClusterCannotSpeakForAnother() {
    String body = pod("pod-create.json", UUID.randomUUID().toString(), MIGRATE_PINNED,
        API_PINNED, PROXY_PINNED);
    HttpResponse<String> res = server.send("POST", "/v1/admission/validate?cluster=prod-us",
        admission, body);
    assertThat(res.statusCode()).isEqualTo(403);
    assertThat(json(res).get("code").asText()).isEqualTo("admission.cluster_mismatch");
    HttpResponse<String> admin = server.send("POST", "/v1/admission/validate",
        server.adminToken(), body);
    assertThat(admin.statusCode()).isEqualTo(400);
    assertThat(json(admin).get("code").asText()).isEqualTo("admission.cluster_missing");
    String uid = UUID.randomUUID().toString();
    JsonNode named = validate(server.adminToken(), pod("pod-create.json", uid, MIGRATE_PINNED,
        API_PINNED, PROXY_PINNED), "?cluster=prod-us");
    assertThat(named.at("/response/allowed").asBoolean()).isTrue();
    assertThat(record(uid)).as("recorded in prod-us, not prod-eu").isNull();
    HttpResponse<String> unknown = server.send("POST", "/v1/admission/validate?cluster=nowhere",
        server.adminToken(), body);
    assertThat(unknown.statusCode()).isEqualTo(404);
  }

  @Test
  void onlyTheAdmissionAndAdminRolesMayCallTheWebhooks() {
    String body = pod("pod-create.json", UUID.randomUUID().toString(), MIGRATE_PINNED,
        API_PINNED, PROXY_PINNED);
    for (String role : List.of("pipeline", "auditor", "workload")) {
      String token = ok(server.send("POST", "/v1/tokens", server.adminToken(),
          "{\"role\":\"" + role + "\"}"), 201).get("token").asText();
      for (String hook : List.of("validate", "mutate")) {
        HttpResponse<String> res = server.send("POST", "/v1/admission/" + hook, token, body);
        assertThat(res.statusCode()).as(role + " " + hook).isEqualTo(403);
      }
    }
    assertThat(server.send("POST", "/v1/admission/validate", null, body).statusCode())
        .isEqualTo(401);
    String unbound = ok(server.send("POST", "/v1/tokens", server.adminToken(),
        "{\"role\":\"admission\"}"), 201).get("token").asText();
    JsonNode res = validate(unbound, body, "?cluster=prod-eu");
    assertThat(res.at("/response/allowed").asBoolean()).isTrue();
  }

  @Test
  void aDocumentThatIsNotAnAdmissionReviewV1IsAProblem() {
    String good = pod("pod-create.json", UUID.randomUUID().toString(), MIGRATE_PINNED,
        API_PINNED, PROXY_PINNED);
    Map<String, String> cases = Map.of(
        good.replace("admission.k8s.io/v1", "admission.k8s.io/v1beta1"),
        "admission.version_unsupported",
        good.replace("\"uid\": \"3b1c5e0a-8d7f-4c2b-9a61-0f2e4d5c6b7a\",", ""),
        "admission.review_invalid",
        good.replace("\"operation\": \"CREATE\"", "\"operation\": \"PATCH\""),
        "admission.review_invalid",
        "[1, 2]", "admission.review_invalid",
        "{\"apiVersion\": \"admission.k8s.io/v1\", \"kind\": \"AdmissionReview\"}",
        "admission.review_invalid",
        "{\"apiVersion\": ", "request.malformed_json");
    for (Map.Entry<String, String> e : cases.entrySet()) {
      for (String hook : List.of("validate", "mutate")) {
        HttpResponse<String> res = server.send("POST", "/v1/admission/" + hook, admission,
            e.getKey());
        assertThat(res.statusCode()).as(e.getValue()).isEqualTo(400);
        assertThat(json(res).get("code").asText()).isEqualTo(e.getValue());
      }
    }
  }
}
