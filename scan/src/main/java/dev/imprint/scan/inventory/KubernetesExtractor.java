package dev.imprint.scan.inventory;

import dev.imprint.scan.SourceFile;
import dev.imprint.scan.kubernetes.KubernetesObject;
import dev.imprint.scan.kubernetes.KubernetesReader;

/** Keeps the Kubernetes objects of every manifest. */
final class KubernetesExtractor implements Extractor {
  @Override
  public void read(SourceFile file, Facts facts) {
    for (KubernetesObject o : KubernetesReader.read(file).objects()) {
      facts.kubernetes.add(new Facts.K8sObject(file.path(), o));
    }
  }
}
