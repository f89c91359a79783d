package dev.imprint.scan.inventory;

import dev.imprint.scan.SecretEvidence;
import dev.imprint.scan.kubernetes.KubernetesObject;
import dev.imprint.scan.terraform.Tf;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

/** What the extractors found in the files of one scan; filled from several threads. */
final class Facts {
  /** A Terraform file read by the shared reader; {@code dir} groups the files of one module. */
  record TfFile(String dir, Tf.File file) {}

  /** A Kubernetes object and the file it is in. */
  record K8sObject(String path, KubernetesObject object) {}

  /**
   * A CI pipeline identity and what it holds.
   *
   * @param staticAws the static AWS keys it holds (empty when it holds none)
   * @param awsRoles roles it assumes through OIDC ({@code role-to-assume} values as written),
   *     each with where it is written
   * @param githubOidc whether it can request a GitHub OIDC token ({@code id-token: write})
   * @param repository the GitHub repository it runs in ({@code owner/name}), or null
   */
  record Pipeline(Identity identity, List<StaticKey> staticAws, List<RoleRef> awsRoles,
      boolean githubOidc, String repository) {}

  /**
   * A static AWS key a pipeline holds.
   *
   * @param variable the variable or input that carries it ({@code AWS_ACCESS_KEY_ID})
   * @param secret the CI secret or credential it comes from, or null for a literal value
   * @param place where it is written
   */
  record StaticKey(String variable, String secret, Place place) {}

  /** A {@code role-to-assume} value and where it is written. */
  record RoleRef(String value, Place place) {}

  /** A credential found in a file. */
  record Embedded(String path, int line, String kind, SecretEvidence evidence) {}

  final ConcurrentLinkedQueue<TfFile> terraform = new ConcurrentLinkedQueue<>();
  final ConcurrentLinkedQueue<K8sObject> kubernetes = new ConcurrentLinkedQueue<>();
  final ConcurrentLinkedQueue<Pipeline> pipelines = new ConcurrentLinkedQueue<>();
  final ConcurrentLinkedQueue<Embedded> embedded = new ConcurrentLinkedQueue<>();
}
