package dev.imprint.scan.inventory;

import java.util.List;

/** The non-human identities of a scan and the links between them. */
public record Inventory(List<Identity> identities, List<Link> links) {
  public static final String KIND_K8S_SA = "kubernetes-service-account";
  public static final String KIND_AWS_USER = "aws-iam-user";
  public static final String KIND_AWS_ROLE = "aws-iam-role";
  public static final String KIND_AWS_KEY = "aws-access-key";
  public static final String KIND_GCP_SA = "gcp-service-account";
  public static final String KIND_GCP_KEY = "gcp-service-account-key";
  public static final String KIND_AZURE_APP = "azure-application";
  public static final String KIND_GITHUB = "github-workflow";
  public static final String KIND_GITLAB = "gitlab-pipeline";
  public static final String KIND_JENKINS = "jenkins-pipeline";
  public static final String KIND_EMBEDDED = "embedded-credential";

  /** The kinds in display order. */
  public static final List<String> KINDS = List.of(KIND_K8S_SA, KIND_AWS_USER, KIND_AWS_ROLE,
      KIND_AWS_KEY, KIND_GCP_SA, KIND_GCP_KEY, KIND_AZURE_APP, KIND_GITHUB, KIND_GITLAB,
      KIND_JENKINS, KIND_EMBEDDED);

  /** A workload runs as a Kubernetes service account. */
  public static final String LINK_RUNS_AS = "runs-as";
  /** A service account is bound to a (Cluster)Role. */
  public static final String LINK_RBAC = "rbac";
  /** An access key or cloud key belongs to a user or service account. */
  public static final String LINK_KEY_OF = "key-of";
  /** A pipeline or file holds a static key that most likely is an IAM user's key. */
  public static final String LINK_STATIC_KEY = "static-key-source";
  /** A pipeline assumes a role through OIDC federation. */
  public static final String LINK_OIDC = "oidc-trust";
  /** The same secret (by fingerprint) is written in several files. */
  public static final String LINK_SECRET_REUSE = "secret-reuse";

  /** The link kinds. */
  public static final List<String> LINK_KINDS = List.of(LINK_RUNS_AS, LINK_RBAC, LINK_KEY_OF,
      LINK_STATIC_KEY, LINK_OIDC, LINK_SECRET_REUSE);

  public Inventory {
    identities = List.copyOf(identities);
    links = List.copyOf(links);
  }

  /** The identity with this id, or {@code null}. */
  public Identity find(String id) {
    return identities.stream().filter(i -> i.id().equals(id)).findFirst().orElse(null);
  }

  /** The identities of one kind, in order. */
  public List<Identity> ofKind(String kind) {
    return identities.stream().filter(i -> i.kind().equals(kind)).toList();
  }

  /** The links from or to an identity. */
  public List<Link> linksOf(String id) {
    return links.stream().filter(l -> l.from().equals(id) || l.to().equals(id)).toList();
  }
}
