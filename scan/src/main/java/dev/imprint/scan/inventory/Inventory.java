package dev.imprint.scan.inventory;

import java.util.List;

/** The non-human identities of a scan and the links between them. */
public record Inventory(List<Identity> identities, List<Link> links) {
  public static final String KIND_K8S_SA = "kubernetes-service-account";
  public static final String KIND_AWS_USER = "aws-iam-user";
  public static final String KIND_AWS_ROLE = "aws-iam-role";
  public static final String KIND_AWS_KEY = "aws-access-key";
  public static final String KIND_GITHUB = "github-workflow";
  public static final String KIND_GITLAB = "gitlab-pipeline";
  public static final String KIND_JENKINS = "jenkins-pipeline";
  public static final String KIND_EMBEDDED = "embedded-credential";

  /** The kinds in display order. */
  public static final List<String> KINDS = List.of(KIND_K8S_SA, KIND_AWS_USER, KIND_AWS_ROLE,
      KIND_AWS_KEY, KIND_GITHUB, KIND_GITLAB, KIND_JENKINS, KIND_EMBEDDED);

  public Inventory {
    identities = List.copyOf(identities);
    links = List.copyOf(links);
  }

  /** The identity with this id, or {@code null}. */
  public Identity find(String id) {
    return identities.stream().filter(i -> i.id().equals(id)).findFirst().orElse(null);
  }
}
