package dev.imprint.server.kubernetes;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The parts of an {@code admission.k8s.io/v1} AdmissionReview request that the webhooks read,
 * checked for the shape the API server sends (kube-apiserver Admission (v1) reference).
 */
record AdmissionRequest(String apiVersion, String uid, String group, String kind,
    String subResource, String operation, String namespace, String name, boolean dryRun,
    JsonNode object, JsonNode oldObject) {
  static final String API_VERSION = "admission.k8s.io/v1";
  private static final Set<String> OPERATIONS = Set.of("CREATE", "UPDATE", "DELETE", "CONNECT");

  /** A container of a pod spec and where its image sits, as a JSON Pointer (RFC 6901). */
  record Container(String field, int index, String name, String image, String pointer) {
    /** {@code containers[0] 'api'}, for messages. */
    String label() {
      return field + "[" + index + "] '" + name + "'";
    }
  }

  /**
   * Reads a review, or a {@code admission.review_invalid} refusal naming what is missing: the
   * API server always sends these fields, so their absence means the caller is not one.
   */
  static AdmissionRequest parse(JsonNode review) {
    if (review == null || !review.isObject()) {
      throw invalid("expected an AdmissionReview object");
    }
    String version = review.path("apiVersion").asText("");
    if (!API_VERSION.equals(version)) {
      throw KubernetesException.invalid("admission.version_unsupported", "expected apiVersion "
          + API_VERSION + " (declare admissionReviewVersions: [\"v1\"]), got '"
          + ContainerImage.shorten(version) + "'");
    }
    if (!"AdmissionReview".equals(review.path("kind").asText())) {
      throw invalid("expected kind AdmissionReview, got '"
          + ContainerImage.shorten(review.path("kind").asText("")) + "'");
    }
    JsonNode r = review.path("request");
    if (!r.isObject()) {
      throw invalid("expected a 'request' object");
    }
    String uid = text(r, "uid");
    if (uid == null || uid.isEmpty() || uid.length() > 128) {
      throw invalid("expected request.uid, the id of this review, got none");
    }
    JsonNode kind = r.path("kind");
    if (!kind.isObject() || text(kind, "kind") == null) {
      throw invalid("expected request.kind with group, version and kind");
    }
    String operation = text(r, "operation");
    if (operation == null || !OPERATIONS.contains(operation)) {
      throw invalid("expected request.operation CREATE, UPDATE, DELETE or CONNECT, got "
          + (operation == null ? "none" : "'" + ContainerImage.shorten(operation) + "'"));
    }
    JsonNode object = r.path("object");
    JsonNode old = r.path("oldObject");
    return new AdmissionRequest(version, uid, kind.path("group").asText(""), text(kind, "kind"),
        r.path("subResource").asText(""), operation, r.path("namespace").asText(""),
        r.path("name").asText(""), r.path("dryRun").asBoolean(false),
        object.isObject() ? object : null, old.isObject() ? old : null);
  }

  private static KubernetesException invalid(String detail) {
    return KubernetesException.invalid("admission.review_invalid", detail);
  }

  private static String text(JsonNode n, String field) {
    JsonNode v = n.get(field);
    return v != null && v.isTextual() ? v.asText() : null;
  }

  /** {@code Pod}, {@code apps/Deployment}: how a kind is named in messages. */
  String qualifiedKind() {
    return group.isEmpty() ? kind : group + "/" + kind;
  }

  /** The workload kind, when it is one Imprint checks. */
  Optional<Workload> workload() {
    return Workload.of(group, kind);
  }

  /** The object's metadata field, falling back to the request's (create may lack the name). */
  static String meta(JsonNode object, String field) {
    JsonNode v = object == null ? null : object.path("metadata").get(field);
    return v != null && v.isTextual() ? v.asText() : "";
  }

  /** Every container of {@code object} (a {@link Workload} of this kind), in spec order. */
  static List<Container> containers(JsonNode object, Workload w) {
    List<Container> out = new ArrayList<>();
    if (object == null) {
      return out;
    }
    JsonNode spec = object.at(w.specPointer());
    for (String field : List.of("initContainers", "containers", "ephemeralContainers")) {
      JsonNode list = spec.path(field);
      if (!list.isArray()) {
        continue;
      }
      for (int i = 0; i < list.size(); i++) {
        JsonNode c = list.get(i);
        JsonNode image = c.path("image");
        out.add(new Container(field, i, c.path("name").asText("?"),
            image.isTextual() ? image.asText() : null,
            w.specPointer() + "/" + field + "/" + i + "/image"));
      }
    }
    return out;
  }

  /** The pod spec's service account ({@code default} when the spec names none). */
  static String serviceAccount(JsonNode object, Workload w) {
    JsonNode spec = object == null ? null : object.at(w.specPointer());
    String sa = spec == null ? "" : spec.path("serviceAccountName").asText("");
    if (sa.isEmpty() && spec != null) {
      sa = spec.path("serviceAccount").asText(""); // the deprecated alias
    }
    return sa.isEmpty() ? "default" : sa;
  }
}
