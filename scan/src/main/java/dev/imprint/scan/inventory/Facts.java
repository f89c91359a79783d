package dev.imprint.scan.inventory;

import dev.imprint.scan.SecretEvidence;
import dev.imprint.scan.kubernetes.KubernetesObject;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

/** What the extractors found in the files of one scan; filled from several threads. */
final class Facts {
  /** A Terraform file's top-level blocks; {@code dir} groups the files of one module. */
  record TfFile(String path, String dir, List<Hcl.Block> blocks) {}

  /** A Kubernetes object and the file it is in. */
  record K8sObject(String path, KubernetesObject object) {}

  /**
   * A CI pipeline identity and what it holds.
   *
   * @param staticAws whether it holds a static AWS access key
   * @param awsRoles roles it assumes through OIDC ({@code role-to-assume} values as written)
   * @param githubOidc whether it can request a GitHub OIDC token ({@code id-token: write})
   */
  record Pipeline(Identity identity, boolean staticAws, List<String> awsRoles,
      boolean githubOidc) {}

  /** A credential found in a file. */
  record Embedded(String path, int line, String kind, SecretEvidence evidence) {}

  final ConcurrentLinkedQueue<TfFile> terraform = new ConcurrentLinkedQueue<>();
  final ConcurrentLinkedQueue<K8sObject> kubernetes = new ConcurrentLinkedQueue<>();
  final ConcurrentLinkedQueue<Pipeline> pipelines = new ConcurrentLinkedQueue<>();
  final ConcurrentLinkedQueue<Embedded> embedded = new ConcurrentLinkedQueue<>();
}
