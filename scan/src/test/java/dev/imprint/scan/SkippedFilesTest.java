package dev.imprint.scan;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Files that real repositories hold and that the scanner used to pass over without a word:
 * Dockerfiles under other names, Helm chart templates, JSON manifests indented with tabs and the
 * legacy {@code LABEL key value} form. Each is read now, or reported as skipped with a reason.
 */
class SkippedFilesTest {
  private static final String DOCKERFILE = "FROM ubuntu:latest\nENV DB_PASS=ComplexPassword123\n";

  private static ScanReport scan(Path dir) {
    return Scanner.create(ScanSettings.defaults().withThreads(1)).scan(List.of(dir));
  }

  private static Path write(Path dir, String name, String text) throws IOException {
    Path p = dir.resolve(name);
    Files.createDirectories(p.getParent());
    Files.writeString(p, text);
    return p;
  }

  @ParameterizedTest
  @ValueSource(strings = {"Dockerfile_prod", "Dockerfile-dev", "api.Containerfile",
      "Containerfile", "Containerfile.arm64", "docker/Dockerfile_web", "web.dockerfile"})
  void dockerfilesUnderOtherNamesAreRead(String name, @TempDir Path dir) throws IOException {
    write(dir, name, DOCKERFILE);
    assertThat(scan(dir).findings()).extracting(Finding::ruleId)
        .contains("IMP-DOCKER-001");
  }

  @ParameterizedTest
  @ValueSource(strings = {"dockerfile-parser.go", "Dockerfile-notes.md", "dockerfile_utils.py",
      "Dockerfile-lint.json"})
  void sourceFilesNamedAfterDockerfilesAreNotReadAsDockerfiles(String name, @TempDir Path dir)
      throws IOException {
    write(dir, name, "from os import path\n\nFROM = 'ubuntu:latest'\n");
    assertThat(scan(dir).findings()).noneMatch(f -> f.ruleId().startsWith("IMP-DOCKER-"));
    assertThat(scan(dir).diagnostics()).noneMatch(d -> d.message().contains("instruction"));
  }

  @Test
  void theLegacyLabelFormIsNotAParseError(@TempDir Path dir) throws IOException {
    write(dir, "Dockerfile", "FROM alpine:3.20\nLABEL maintainer someone@example.com\n"
        + "LABEL description A small image\nUSER 10001\n");
    assertThat(scan(dir).diagnostics()).isEmpty();
  }

  @Test
  void jsonManifestsIndentedWithTabsAreRead(@TempDir Path dir) throws IOException {
    write(dir, "pod.json", "{\n\t\"apiVersion\": \"v1\",\n\t\"kind\": \"Pod\",\n"
        + "\t\"metadata\": {\"name\": \"web\", \"namespace\": \"shop\"},\n"
        + "\t\"spec\": {\n\t\t\"containers\": [\n\t\t\t{\n\t\t\t\t\"name\": \"web\",\n"
        + "\t\t\t\t\"image\": \"nginx:latest\",\n"
        + "\t\t\t\t\"securityContext\": {\"privileged\": true}\n\t\t\t}\n\t\t]\n\t}\n}\n");
    ScanReport r = scan(dir);
    assertThat(r.diagnostics()).isEmpty();
    assertThat(r.findings()).filteredOn(f -> f.ruleId().equals("IMP-K8S-012"))
        .singleElement().satisfies(f -> assertThat(f.location().line()).isEqualTo(10));
    assertThat(r.findings()).filteredOn(f -> f.ruleId().equals("IMP-K8S-007"))
        .singleElement().satisfies(f -> assertThat(f.location().line()).isEqualTo(9));
  }

  @Test
  void helmTemplatesAreReadWithTheirDirectivesNeutralised(@TempDir Path dir) throws IOException {
    write(dir, "chart/Chart.yaml", "apiVersion: v2\nname: web\nversion: 1.0.0\n");
    write(dir, "chart/templates/deployment.yaml", """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: {{ include "web.fullname" . }}
          labels:
            {{- include "web.labels" . | nindent 4 }}
        spec:
          replicas: {{ .Values.replicaCount }}
          template:
            spec:
              {{- with .Values.podSecurityContext }}
              securityContext:
                {{- toYaml . | nindent 8 }}
              {{- end }}
              containers:
                - name: {{ .Chart.Name }}
                  image: "{{ .Values.image.repository }}:{{ .Values.image.tag }}"
                  securityContext:
                    privileged: true
                  volumeMounts:
                    {{- toYaml .Values.volumeMounts | nindent 12 }}
              volumes:
                - name: docker
                  hostPath:
                    path: /var/run/docker.sock
        """);
    ScanReport r = scan(dir);
    assertThat(r.diagnostics()).isEmpty();
    assertThat(r.findings()).filteredOn(f -> f.ruleId().equals("IMP-K8S-012"))
        .singleElement().satisfies(f -> {
          assertThat(f.location().line()).isEqualTo(19);
          // Named as the template writes it, not as the reader saw it.
          assertThat(f.message()).contains("container '{{ .Chart.Name }}' of Deployment/"
              + "default/{{ include \"web.fullname\" . }}");
        });
    assertThat(r.findings()).filteredOn(f -> f.ruleId().equals("IMP-K8S-017"))
        .singleElement().satisfies(f -> assertThat(f.location().line()).isEqualTo(25));
    // The image is decided at render time: no image rule can judge it.
    assertThat(r.findings()).noneMatch(f -> f.ruleId().equals("IMP-K8S-007")
        || f.ruleId().equals("IMP-K8S-008"));
    // The pod security context comes from values.yaml: unknown, so no "runs as root" claim.
    assertThat(r.findings()).noneMatch(f -> f.ruleId().equals("IMP-K8S-014"));
  }

  @Test
  void aTemplateThatCannotBeReadIsReportedAsSkippedWithTheReason(@TempDir Path dir)
      throws IOException {
    write(dir, "chart/templates/broken.yaml", """
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: x
        data: {{ if .Values.x }}a: [b{{ end }}
          more: [
        """);
    ScanReport r = scan(dir);
    assertThat(r.diagnostics()).filteredOn(d -> d.kind() == Diagnostic.Kind.SKIPPED)
        .singleElement().satisfies(d -> {
          assertThat(d.location().path()).endsWith("chart/templates/broken.yaml");
          assertThat(d.message()).contains("template").contains("helm template");
        });
  }
}
