package dev.imprint.scan.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imprint.scan.ScanSettings;
import dev.imprint.scan.SourceFile;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Pods run by controllers other than the built-in ones (Argo Rollouts, OpenShift
 * DeploymentConfig and Template objects, PodTemplate) get the same pod rules.
 */
class PodTemplateKindsTest {

  private static List<String> scan(String path, String text) {
    return KubernetesAnalyzerTest.scan(ScanSettings.defaults(), SourceFile.of(path, text))
        .stream().map(f -> f.ruleId() + "@" + f.location().line()).toList();
  }

  @Test
  void argoRolloutPodTemplateIsChecked() {
    List<String> found = scan("deploy/rollout.yaml", """
        apiVersion: argoproj.io/v1alpha1
        kind: Rollout
        metadata:
          name: web
          namespace: shop
        spec:
          replicas: 3
          strategy:
            canary:
              steps:
                - setWeight: 20
          template:
            spec:
              hostNetwork: true
              containers:
                - name: web
                  image: registry.example.com/web:1.4.2
                  securityContext:
                    privileged: true
                  volumeMounts:
                    - name: docker
                      mountPath: /var/run/docker.sock
              volumes:
                - name: docker
                  hostPath:
                    path: /var/run/docker.sock
        """);
    assertThat(found).contains("IMP-K8S-015@14", "IMP-K8S-012@19", "IMP-K8S-017@26");
  }

  @Test
  void openShiftTemplateObjectsAreChecked() {
    List<String> found = scan("openshift/app-template.yaml", """
        apiVersion: template.openshift.io/v1
        kind: Template
        metadata:
          name: app
        parameters:
          - name: IMAGE
            required: true
        objects:
          - apiVersion: apps.openshift.io/v1
            kind: DeploymentConfig
            metadata:
              name: app
            spec:
              replicas: 1
              template:
                metadata:
                  labels:
                    app: app
                spec:
                  containers:
                    - name: app
                      image: ${IMAGE}
                      securityContext:
                        privileged: true
        """);
    assertThat(found).contains("IMP-K8S-012@24");
  }

  @Test
  void podTemplateKindIsChecked() {
    List<String> found = scan("podtemplate.yaml", """
        apiVersion: v1
        kind: PodTemplate
        metadata:
          name: debug
          namespace: ops
        template:
          spec:
            hostPID: true
            containers:
              - name: shell
                image: busybox:1.36
        """);
    assertThat(found).contains("IMP-K8S-015@8");
  }

  @Test
  void customResourcesWithoutAPodTemplateAreNotWorkloads() {
    List<String> found = scan("crd-objects.yaml", """
        apiVersion: example.com/v1
        kind: Widget
        metadata:
          name: w
          namespace: shop
        spec:
          template:
            spec:
              privileged: true
              hostNetwork: true
        ---
        apiVersion: batch.example.com/v1
        kind: Runner
        metadata:
          name: r
          namespace: shop
        spec:
          template:
            containers:
              - name: c
                image: busybox
                securityContext:
                  privileged: true
        """);
    assertThat(found).noneMatch(f -> f.startsWith("IMP-K8S-0"));
  }
}
