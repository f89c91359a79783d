package dev.imprint.server.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.imprint.server.http.Json;
import dev.imprint.server.testing.FuzzText;

/**
 * Fuzzes what the admission webhooks read from an untrusted body: any JSON is an
 * AdmissionReview request whose containers, service account and image references can be walked,
 * or an {@code admission.*} refusal; never another exception. Seeds: the AdmissionReview
 * fixtures of the admission tests.
 */
class AdmissionReviewFuzzTest {
  @FuzzTest(maxDuration = "1m")
  void anyDocumentIsAReviewToWalkOrAnAdmissionRefusal(byte[] data) {
    JsonNode doc;
    try {
      doc = Json.MAPPER.readTree(FuzzText.of(data));
    } catch (JsonProcessingException e) {
      return; // the HTTP layer answers request.malformed_json
    }
    AdmissionRequest r;
    try {
      r = AdmissionRequest.parse(doc);
    } catch (KubernetesException e) {
      assertThat(e.code()).startsWith("admission.");
      assertThat(e.detail()).isNotBlank();
      return;
    }
    assertThat(r.uid()).isNotEmpty();
    Workload w = r.workload().orElse(null);
    if (w == null) {
      return;
    }
    for (JsonNode object : new JsonNode[] {r.object(), r.oldObject()}) {
      AdmissionRequest.serviceAccount(object, w);
      for (AdmissionRequest.Container c : AdmissionRequest.containers(object, w)) {
        assertThat(c.pointer()).startsWith(w.specPointer() + "/").endsWith("/image");
        ContainerImage.parse(c.image()).ifPresentOrElse(img -> {
          assertThat(img.repository()).contains("/");
          assertThat(img.tagOrLatest()).isNotEmpty();
          if (img.pinned()) {
            assertThat(img.digest()).matches("sha256:[0-9a-f]{64}");
          }
        }, () -> assertThat(ContainerImage.why(c.image())).isNotBlank());
      }
    }
  }
}
