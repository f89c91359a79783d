package dev.imprint.server.kubernetes;

import dev.imprint.server.audit.AuditEvent;
import dev.imprint.server.audit.AuditLog;
import dev.imprint.server.identity.Identity;
import dev.imprint.server.store.Database;
import dev.imprint.server.svid.AttestedWorkload;
import dev.imprint.server.svid.IssuedSvids;
import dev.imprint.server.svid.SvidException;
import dev.imprint.server.svid.SvidIssuer;
import dev.imprint.server.svid.SvidRequest;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Kubernetes workload attestation ({@code k8s_psat}): a pod proves with its projected
 * service-account token which pod it is; the pod's admission record says what it runs; the
 * digest of its images names the identity it is issued SVIDs for.
 *
 * <p>The identity is the one registered for the pod's images. Every container's digest must
 * still be approved or deployed (any container of the pod can read the pod's token, so one
 * retired image refuses the pod). When the images carry more than one identity (a sidecar of
 * its own), the request names the one it wants. An identity with service-account bindings is
 * issued only to pods running as one of them. Every attestation, issued or refused, is audited
 * with its reason.
 */
public final class KubernetesAttestor {
  /** The attestation method, as {@link AttestedWorkload.Attestation} and the audit log name it. */
  public static final String METHOD = "k8s_psat";

  /**
   * What a pod sends: its projected token, optionally the cluster (for clusters that share an
   * issuer and a key id) and the identity (when its images carry several), and the SVIDs it
   * wants.
   */
  public record Request(String token, String cluster, String identity, SvidRequest svids) {}

  /** What the attestation proved, and what was issued for it. */
  public record Attested(AttestedWorkload workload, String cluster, String namespace,
      String pod, String podUid, String serviceAccount, IssuedSvids svids) {
    public String spiffeId() {
      return workload.spiffeId();
    }

    public String imageDigest() {
      return workload.imageDigest();
    }
  }

  private final Database db;
  private final AuditLog audit;
  private final Clock clock;
  private final ClusterService clusters;
  private final ServiceAccountTokens tokens;
  private final SvidIssuer issuer;

  public KubernetesAttestor(Database db, AuditLog audit, Clock clock, ClusterService clusters,
      SvidIssuer issuer) {
    this.db = db;
    this.audit = audit;
    this.clock = clock;
    this.clusters = clusters;
    this.tokens = new ServiceAccountTokens(db, clusters, clock);
    this.issuer = issuer;
  }

  /**
   * Attests the pod and issues what it asked for.
   *
   * @throws KubernetesException an {@code attest.*} refusal (audited)
   * @throws SvidException the issuer's refusal (audited)
   */
  public Attested attest(Request r) {
    // Nothing is audited before the signature verifies: anyone can send a forged token, and
    // each would otherwise cost a durable audit write.
    ServiceAccountTokens.Signed signed = tokens.signed(r.token(), r.cluster() == null
        || r.cluster().isEmpty() ? null : r.cluster());
    ServiceAccountTokens.PodIdentity pod;
    try {
      pod = tokens.check(signed);
    } catch (KubernetesException e) {
      refused(signed, e.code(), e.detail());
      throw e;
    }
    Choice choice;
    try {
      choice = choose(pod, r.identity());
    } catch (KubernetesException e) {
      refused(pod, null, e.code(), e.detail());
      throw e;
    }
    AttestedWorkload workload = new AttestedWorkload(choice.spiffeId(), choice.digest(),
        new AttestedWorkload.Attestation(METHOD, facts(pod)));
    IssuedSvids svids;
    try {
      svids = issuer.issue(workload, r.svids());
    } catch (SvidException e) {
      refused(pod, workload, e.code(), e.detail());
      throw e;
    }
    Instant now = Instant.ofEpochMilli(clock.millis());
    db.write(c -> {
      PodRecords.attested(c, choice.podId(), now);
      Map<String, Object> d = details(pod);
      d.put("method", METHOD);
      d.put("image", choice.digest());
      d.put("outcome", "accepted");
      svids.jwt().ifPresent(j -> d.put("jwtSvidJti", j.jti()));
      svids.x509().ifPresent(x -> d.put("x509SvidSerial", x.serial()));
      audit.append(c, new AuditEvent(actor(pod), "attestation.accepted", choice.spiffeId(), d));
      return null;
    });
    return new Attested(workload, pod.cluster().name(), pod.namespace(), pod.podName(),
        pod.podUid(), pod.serviceAccount(), svids);
  }

  /** The pod's record, the identity chosen for it and the digest of its image. */
  private record Choice(String podId, String spiffeId, String digest) {}

  private Choice choose(ServiceAccountTokens.PodIdentity pod, String wanted) {
    PodRecords.Pod rec = record(pod);
    if (rec.deletedAt() != null) {
      throw KubernetesException.conflict("attest.pod_deleted", "pod " + pod.label() + " ("
          + pod.podUid() + ") was deleted at " + rec.deletedAt());
    }
    if (!rec.namespace().equals(pod.namespace())
        || !rec.serviceAccount().equals(pod.serviceAccount())
        || !rec.name().isEmpty() && !rec.name().equals(pod.podName())) {
      throw KubernetesException.forbidden("attest.pod_mismatch", "the token's pod "
          + pod.label() + " runs as service account " + pod.serviceAccount() + ", but the pod"
          + " admitted with uid " + pod.podUid() + " is " + rec.label() + " running as "
          + rec.serviceAccount());
    }
    return db.read(c -> identityFor(c, pod, rec, wanted));
  }

  /** The admission record of the token's pod: by uid, else the uid-less record it claims. */
  private PodRecords.Pod record(ServiceAccountTokens.PodIdentity pod) {
    String cluster = pod.cluster().name();
    Optional<PodRecords.Pod> byUid = db.read(c -> PodRecords.byUid(c, cluster, pod.podUid()));
    if (byUid.isPresent()) {
      return byUid.get();
    }
    return db.write(c -> {
      db.lockWriters(c);
      Optional<PodRecords.Pod> again = PodRecords.byUid(c, cluster, pod.podUid());
      if (again.isPresent()) {
        return again.get();
      }
      List<PodRecords.Pod> candidates = PodRecords.unclaimed(c, cluster, pod.namespace(),
          pod.podName()).stream()
          .filter(p -> p.serviceAccount().equals(pod.serviceAccount())).toList();
      if (candidates.isEmpty()) {
        throw KubernetesException.forbidden("attest.pod_unknown", "no admission record for pod "
            + pod.label() + " (uid " + pod.podUid() + ") in cluster " + cluster + ": pods are"
            + " recorded when Imprint's validating webhook admits them");
      }
      long shapes = candidates.stream().map(p -> digestsOf(p)).distinct().count();
      if (shapes > 1) {
        throw KubernetesException.forbidden("attest.pod_ambiguous", "pod " + pod.label()
            + " matches " + candidates.size() + " admission records without a uid that run"
            + " different images; register the validating webhook (it sees the pod's uid)");
      }
      PodRecords.Pod chosen = candidates.get(0);
      PodRecords.claim(c, chosen.id(), pod.podUid());
      return new PodRecords.Pod(chosen.id(), chosen.cluster(), chosen.namespace(),
          chosen.name(), chosen.generateName(), pod.podUid(), chosen.serviceAccount(),
          chosen.containers(), chosen.reviewUid(), chosen.admittedAt(), chosen.admittedBy(),
          chosen.deletedAt());
    });
  }

  private static List<String> digestsOf(PodRecords.Pod p) {
    return p.containers().stream().map(k -> k.kind() + "/" + k.name() + "=" + k.digest())
        .toList();
  }

  private Choice identityFor(Connection c, ServiceAccountTokens.PodIdentity pod,
      PodRecords.Pod rec, String wanted) throws SQLException {
    for (PodRecords.PodContainer k : rec.containers()) {
      if (k.digest() == null) {
        throw KubernetesException.forbidden("attest.image_unpinned", "pod " + pod.label()
            + " runs " + k.kind() + " '" + k.name() + "' from image '"
            + ContainerImage.shorten(String.valueOf(k.image())) + "', not pinned by digest");
      }
    }
    Map<String, ImageCatalog.Known> known = ImageCatalog.byDigest(c, rec.containers().stream()
        .map(PodRecords.PodContainer::digest).toList());
    // identity -> the digest of its first container (regular containers before init ones)
    Map<String, String> identities = new LinkedHashMap<>();
    List<PodRecords.PodContainer> ordered = new ArrayList<>(rec.containers());
    ordered.sort((a, b) -> Integer.compare(rank(a.kind()), rank(b.kind())));
    for (PodRecords.PodContainer k : ordered) {
      ImageCatalog.Known img = known.get(k.digest());
      if (img == null || !img.runnable()) {
        throw KubernetesException.conflict("attest.image_not_approved", "pod " + pod.label()
            + " runs " + k.kind() + " '" + k.name() + "' from " + TagResolver.abbreviate(
                k.digest()) + ", which is " + (img == null ? "not registered"
                    : img.status().wire()) + "; every image of the pod must be approved or"
            + " deployed");
      }
      identities.putIfAbsent(img.spiffeId(), k.digest());
    }
    String spiffeId;
    if (wanted != null && !wanted.isEmpty()) {
      if (!identities.containsKey(wanted)) {
        throw KubernetesException.forbidden("attest.identity_not_in_pod", "pod " + pod.label()
            + " runs images of " + String.join(", ", identities.keySet()) + ", not of '"
            + ContainerImage.shorten(wanted) + "'");
      }
      spiffeId = wanted;
    } else if (identities.size() > 1) {
      throw KubernetesException.forbidden("attest.identity_ambiguous", "pod " + pod.label()
          + " runs images of " + String.join(", ", identities.keySet()) + "; name the"
          + " identity to attest as ('identity')");
    } else {
      spiffeId = identities.keySet().iterator().next();
    }
    String digest = identities.get(spiffeId);
    ImageCatalog.Known img = known.get(digest);
    if (img.identityStatus() != Identity.Status.ACTIVE) {
      throw KubernetesException.conflict("attest.identity_inactive", "identity " + spiffeId
          + " is " + img.identityStatus().wire());
    }
    List<ClusterService.Binding> bindings = ClusterService.bindingsOf(c, img.identityId(),
        spiffeId);
    if (!bindings.isEmpty() && bindings.stream().noneMatch(b -> b.cluster().equals(
        pod.cluster().name()) && b.namespace().equals(pod.namespace())
        && b.serviceAccount().equals(pod.serviceAccount()))) {
      throw KubernetesException.forbidden("attest.service_account_not_bound", "identity "
          + spiffeId + " is bound to service accounts " + bindings.stream().map(b ->
              b.cluster() + ":" + b.namespace() + "/" + b.serviceAccount())
              .collect(Collectors.joining(", ")) + "; pod " + pod.label() + " runs as "
          + pod.cluster().name() + ":" + pod.namespace() + "/" + pod.serviceAccount());
    }
    return new Choice(rec.id(), spiffeId, digest);
  }

  private static int rank(String kind) {
    return switch (kind) {
      case "containers" -> 0;
      case "initContainers" -> 1;
      default -> 2;
    };
  }

  /**
   * Audits a refusal of a verified pod; {@code workload} is the identity chosen when the refusal
   * came from the issuer, else null (the subject is then the pod).
   */
  private void refused(ServiceAccountTokens.PodIdentity pod, AttestedWorkload workload,
      String code, String detail) {
    Map<String, Object> d = details(pod);
    if (workload != null) {
      d.put("image", workload.imageDigest());
    }
    append(actor(pod), workload == null ? subject(pod) : workload.spiffeId(), d, code, detail);
  }

  /** Audits a refusal of a token signed by a cluster whose claims did not pass. */
  private void refused(ServiceAccountTokens.Signed signed, String code, String detail) {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("cluster", signed.cluster().name());
    d.put("sub", signed.subject());
    append("k8s:" + signed.cluster().name() + "/" + signed.subject(), "k8s:"
        + signed.cluster().name() + "/" + signed.subject(), d, code, detail);
  }

  private void append(String actor, String subject, Map<String, Object> d, String code,
      String detail) {
    d.put("method", METHOD);
    d.put("outcome", "refused");
    d.put("reason", code);
    d.put("detail", detail);
    db.write(c -> {
      audit.append(c, new AuditEvent(actor, "attestation.refused", subject, d));
      return null;
    });
  }

  private static Map<String, String> facts(ServiceAccountTokens.PodIdentity pod) {
    Map<String, String> f = new LinkedHashMap<>();
    f.put("cluster", pod.cluster().name());
    f.put("namespace", pod.namespace());
    f.put("pod", pod.podName());
    f.put("podUid", pod.podUid());
    f.put("serviceAccount", pod.serviceAccount());
    if (pod.nodeName() != null) {
      f.put("node", pod.nodeName());
    }
    return f;
  }

  private static Map<String, Object> details(ServiceAccountTokens.PodIdentity pod) {
    Map<String, Object> d = new LinkedHashMap<>(facts(pod));
    d.put("serviceAccountUid", pod.serviceAccountUid());
    d.put("tokenJti", pod.jti());
    return d;
  }

  private static String actor(ServiceAccountTokens.PodIdentity pod) {
    return "k8s:" + pod.cluster().name() + "/" + pod.namespace() + "/" + pod.serviceAccount();
  }

  private static String subject(ServiceAccountTokens.PodIdentity pod) {
    return "k8s:" + pod.cluster().name() + "/Pod/" + pod.namespace() + "/" + pod.podName();
  }
}
