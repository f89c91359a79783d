package dev.imprint.server.kubernetes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.imprint.server.audit.AuditEvent;
import dev.imprint.server.audit.AuditLog;
import dev.imprint.server.auth.Caller;
import dev.imprint.server.store.Database;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The admission webhooks (Kubernetes dynamic admission control, {@code admission.k8s.io/v1}).
 * {@link #validate} refuses pods, and pod templates of the workload kinds, whose containers
 * (init and ephemeral included) are not pinned by digest or whose digest is not an approved or
 * deployed image, says which container and why, records each admitted pod and audits each
 * decision; {@link #mutate} rewrites tags to the digest of the approved image registered with
 * that repository and tag.
 */
public final class AdmissionService {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  /** The status code a refusal carries (metav1.Status in the AdmissionResponse). */
  static final int REFUSED = 403;

  private final Database db;
  private final AuditLog audit;
  private final Clock clock;
  private final ClusterService clusters;

  public AdmissionService(Database db, AuditLog audit, Clock clock, ClusterService clusters) {
    this.db = db;
    this.audit = audit;
    this.clock = clock;
    this.clusters = clusters;
  }

  /** What the validating webhook found for one container it checked. */
  private record Verdict(AdmissionRequest.Container container, String digest, String problem,
      String warning) {}

  /**
   * Answers a validating review: an AdmissionReview with the request's {@code uid},
   * {@code allowed} and, on refusal, {@code status.code} 403 and {@code status.message}.
   * {@code clusterParam} is the webhook URL's {@code ?cluster=} (null when absent).
   */
  public JsonNode validate(JsonNode review, Caller caller, String clusterParam) {
    AdmissionRequest r = AdmissionRequest.parse(review);
    Workload w = r.workload().orElse(null);
    if (w == null) {
      return answer(r, null, List.of("imprint checks pods and pod templates only; "
          + r.qualifiedKind() + " was not checked (narrow the webhook's rules to pods)"), null);
    }
    String cluster = clusters.clusterFor(caller, clusterParam);
    switch (r.operation()) {
      case "DELETE" -> {
        deleted(r, w, cluster, caller);
        return answer(r, null, List.of(), null);
      }
      case "CONNECT" -> {
        return answer(r, null, List.of(), null);
      }
      default -> { }
    }
    if (!checksSubresource(r, w)) {
      return answer(r, null, List.of(), null);
    }
    if (r.object() == null) {
      throw KubernetesException.invalid("admission.review_invalid", "expected request.object"
          + " for " + r.operation());
    }
    List<AdmissionRequest.Container> all = AdmissionRequest.containers(r.object(), w);
    Set<String> same = unchanged(r, w, all);
    List<Verdict> verdicts = db.read(c -> {
      Map<String, ImageCatalog.Known> known = ImageCatalog.byDigest(c, all.stream()
          .map(k -> ContainerImage.parse(k.image()).map(ContainerImage::digest).orElse(null))
          .filter(java.util.Objects::nonNull).toList());
      List<Verdict> out = new ArrayList<>();
      for (AdmissionRequest.Container k : all) {
        out.add(same.contains(key(k)) ? unchangedVerdict(k) : verdict(c, k, known));
      }
      return out;
    });
    List<String> problems = verdicts.stream().filter(v -> v.problem() != null)
        .map(v -> v.container().label() + ": " + v.problem()).toList();
    List<String> warnings = verdicts.stream().filter(v -> v.warning() != null)
        .map(v -> v.container().label() + ": " + v.warning()).toList();
    String refusal = problems.isEmpty() ? null : "imprint refused " + r.kind() + " "
        + label(r, w) + ": " + String.join("; ", problems);
    if (!r.dryRun()) {
      record(r, w, cluster, caller, verdicts, problems);
    }
    return answer(r, refusal, warnings, null);
  }

  /**
   * Answers a mutating review: allowed, with a base64 JSONPatch that replaces each tag that
   * resolves to an approved image by {@code image@digest}; a tag that does not resolve is left
   * as it is, with a warning (the validating webhook then refuses it).
   */
  public JsonNode mutate(JsonNode review) {
    AdmissionRequest r = AdmissionRequest.parse(review);
    Workload w = r.workload().orElse(null);
    if (w == null || !(r.operation().equals("CREATE") || r.operation().equals("UPDATE"))
        || !checksSubresource(r, w) || r.object() == null) {
      return answer(r, null, List.of(), null);
    }
    List<AdmissionRequest.Container> all = AdmissionRequest.containers(r.object(), w);
    Set<String> same = unchanged(r, w, all);
    List<String> warnings = new ArrayList<>();
    ArrayNode patch = NODES.arrayNode();
    db.read(c -> {
      for (AdmissionRequest.Container k : all) {
        ContainerImage img = ContainerImage.parse(k.image()).orElse(null);
        if (same.contains(key(k)) || img == null || img.ref().digest() != null) {
          continue;
        }
        TagResolver.Resolution res = TagResolver.resolve(c, k.image());
        if (res.resolved()) {
          patch.addObject().put("op", "replace").put("path", k.pointer())
              .put("value", k.image() + "@" + res.image().digest());
        } else {
          warnings.add(k.label() + ": not pinned: " + res.detail());
        }
      }
      return null;
    });
    return answer(r, null, warnings, patch.isEmpty() ? null : patch);
  }

  /** Pods are checked as themselves and through their ephemeral-containers subresource. */
  private static boolean checksSubresource(AdmissionRequest r, Workload w) {
    return r.subResource().isEmpty()
        || w == Workload.POD && r.subResource().equals("ephemeralcontainers");
  }

  /**
   * On UPDATE, the containers whose image the update leaves as it was: they were checked when
   * they were admitted, and refusing an unrelated change (a label, a finalizer being removed)
   * over them would block the pod's own deletion. Attestation still refuses images retired
   * since.
   */
  private static Set<String> unchanged(AdmissionRequest r, Workload w,
      List<AdmissionRequest.Container> now) {
    if (!r.operation().equals("UPDATE") || r.oldObject() == null) {
      return Set.of();
    }
    Map<String, String> before = new HashMap<>();
    for (AdmissionRequest.Container k : AdmissionRequest.containers(r.oldObject(), w)) {
      before.put(key(k), k.image());
    }
    return now.stream().filter(k -> k.image() != null && k.image().equals(before.get(key(k))))
        .map(AdmissionService::key).collect(Collectors.toSet());
  }

  private static String key(AdmissionRequest.Container k) {
    return k.field() + "/" + k.name();
  }

  private static Verdict unchangedVerdict(AdmissionRequest.Container k) {
    ContainerImage img = ContainerImage.parse(k.image()).orElse(null);
    return new Verdict(k, img == null ? null : img.digest(), null, null);
  }

  private static Verdict verdict(java.sql.Connection c, AdmissionRequest.Container k,
      Map<String, ImageCatalog.Known> known) throws java.sql.SQLException {
    ContainerImage img = ContainerImage.parse(k.image()).orElse(null);
    if (img == null) {
      return new Verdict(k, null, ContainerImage.why(k.image()), null);
    }
    if (!img.pinned()) {
      if (img.ref().digest() != null) {
        return new Verdict(k, null, "image '" + ContainerImage.shorten(k.image())
            + "' is pinned by a digest that is not sha256", null);
      }
      TagResolver.Resolution res = TagResolver.resolve(c, k.image());
      return new Verdict(k, null, "image '" + ContainerImage.shorten(k.image())
          + "' is not pinned by digest (" + (res.resolved()
              ? "the approved image of that tag is " + res.image().digest()
                  + "; pin it with 'imprint pin' or the mutating webhook"
              : res.detail()) + ")", null);
    }
    ImageCatalog.Known image = known.get(img.digest());
    String d = TagResolver.abbreviate(img.digest());
    if (image == null) {
      return new Verdict(k, img.digest(), "digest " + d + " is not a registered image", null);
    }
    if (!image.runnable()) {
      return new Verdict(k, img.digest(), "digest " + d + " is " + image.status().wire()
          + " (registered as " + image.repository() + "); only approved or deployed images"
          + " may run", null);
    }
    String warning = img.repository().equals(ContainerImage.canonical(image.repository()))
        ? null : "digest " + d + " is registered as " + image.repository() + " and pulled here"
            + " from " + img.repository();
    return new Verdict(k, img.digest(), null, warning);
  }

  /** Audits a decision and, for an admitted pod, records what it runs. */
  private void record(AdmissionRequest r, Workload w, String cluster, Caller caller,
      List<Verdict> verdicts, List<String> problems) {
    Instant now = Instant.ofEpochMilli(clock.millis());
    String uid = AdmissionRequest.meta(r.object(), "uid");
    List<PodRecords.PodContainer> containers = verdicts.stream().map(v ->
        new PodRecords.PodContainer(v.container().field(), v.container().name(),
            v.container().image(), v.digest())).toList();
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("cluster", cluster);
    details.put("kind", r.qualifiedKind());
    details.put("operation", r.operation());
    details.put("subResource", r.subResource());
    details.put("namespace", namespace(r));
    details.put("name", AdmissionRequest.meta(r.object(), "name"));
    details.put("generateName", AdmissionRequest.meta(r.object(), "generateName"));
    details.put("uid", uid);
    details.put("serviceAccount", AdmissionRequest.serviceAccount(r.object(), w));
    details.put("reviewUid", r.uid());
    details.put("containers", containers.stream().map(k -> {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("kind", k.kind());
      m.put("name", k.name());
      m.put("image", k.image());
      m.put("digest", k.digest());
      return m;
    }).toList());
    if (!problems.isEmpty()) {
      details.put("reasons", problems);
    }
    String subject = "k8s:" + cluster + "/" + r.kind() + "/" + label(r, w);
    db.write(c -> {
      audit.append(c, new AuditEvent(caller.actor(), problems.isEmpty()
          ? "k8s.admission_allowed" : "k8s.admission_refused", subject, details));
      if (problems.isEmpty() && w == Workload.POD) {
        PodRecords.admit(c, new PodRecords.Pod(null, cluster, namespace(r),
            AdmissionRequest.meta(r.object(), "name"),
            AdmissionRequest.meta(r.object(), "generateName"), uid.isEmpty() ? null : uid,
            AdmissionRequest.serviceAccount(r.object(), w), containers, r.uid(), now,
            caller.actor(), null), db);
        // a pod being deleted (its finalizers removed, say) can no longer attest
        if (!uid.isEmpty() && !AdmissionRequest.meta(r.object(), "deletionTimestamp")
            .isEmpty()) {
          PodRecords.deleted(c, cluster, uid, now);
        }
      }
      return null;
    });
  }

  /** A pod's DELETE (when the webhook is registered for it): its record can no longer attest. */
  private void deleted(AdmissionRequest r, Workload w, String cluster, Caller caller) {
    String uid = AdmissionRequest.meta(r.oldObject(), "uid");
    if (w != Workload.POD || r.dryRun() || uid.isEmpty()) {
      return;
    }
    Instant now = Instant.ofEpochMilli(clock.millis());
    db.write(c -> {
      if (PodRecords.deleted(c, cluster, uid, now)) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("cluster", cluster);
        d.put("namespace", r.namespace());
        d.put("name", r.name());
        d.put("uid", uid);
        d.put("reviewUid", r.uid());
        audit.append(c, new AuditEvent(caller.actor(), "k8s.pod_deleted", "k8s:" + cluster
            + "/Pod/" + r.namespace() + "/" + r.name(), d));
      }
      return null;
    });
  }

  private static String namespace(AdmissionRequest r) {
    String ns = AdmissionRequest.meta(r.object(), "namespace");
    return ns.isEmpty() ? r.namespace() : ns;
  }

  /** {@code namespace/name}, with {@code generateName*} when the name is not yet known. */
  private static String label(AdmissionRequest r, Workload w) {
    String name = AdmissionRequest.meta(r.object(), "name");
    if (name.isEmpty()) {
      name = r.name().isEmpty() ? AdmissionRequest.meta(r.object(), "generateName") + "*"
          : r.name();
    }
    String ns = namespace(r);
    return ns.isEmpty() ? name : ns + "/" + name;
  }

  /** The AdmissionReview answering {@code r}. */
  private static JsonNode answer(AdmissionRequest r, String refusal, List<String> warnings,
      ArrayNode patch) {
    ObjectNode review = NODES.objectNode();
    review.put("apiVersion", r.apiVersion());
    review.put("kind", "AdmissionReview");
    ObjectNode res = review.putObject("response");
    res.put("uid", r.uid());
    res.put("allowed", refusal == null);
    if (refusal != null) {
      res.putObject("status").put("code", REFUSED).put("message", refusal);
    }
    if (!warnings.isEmpty()) {
      ArrayNode ws = res.putArray("warnings");
      warnings.forEach(ws::add);
    }
    if (patch != null) {
      res.put("patchType", "JSONPatch");
      res.put("patch", Base64.getEncoder().encodeToString(
          patch.toString().getBytes(StandardCharsets.UTF_8)));
    }
    return review;
  }
}
