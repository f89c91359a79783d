package dev.imprint.scan.dockerfile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imprint.scan.Finding;
import dev.imprint.scan.ScanReport;
import dev.imprint.scan.ScanSettings;
import dev.imprint.scan.Scanner;
import dev.imprint.scan.Severity;
import dev.imprint.scan.SourceFile;
import java.util.List;
import org.junit.jupiter.api.Test;

class DockerfileAnalyzerTest {
  static final String ARTICLE = "FROM ubuntu:latest\nENV DB_PASS=ComplexPassword123\n";

  private static List<Finding> scan(ScanSettings settings, String name, String text) {
    ScanReport r = Scanner.create(settings.withThreads(1))
        .scanSources(List.of(SourceFile.of(name, text)));
    return r.findings();
  }

  private static List<Finding> scan(String text) {
    return scan(ScanSettings.defaults(), "Dockerfile", text);
  }

  @Test
  void articleDockerfileYieldsLatestAndACriticalRedactedSecret() {
    List<Finding> f = scan(ARTICLE);
    assertThat(f).anySatisfy(x -> {
      assertThat(x.ruleId()).isEqualTo("IMP-DOCKER-001");
      assertThat(x.location().line()).isEqualTo(1);
      assertThat(x.message()).contains("ubuntu:latest");
    });
    Finding secret = f.stream().filter(x -> x.ruleId().equals("IMP-DOCKER-005")).findFirst()
        .orElseThrow();
    assertThat(secret.severity()).isEqualTo(Severity.CRITICAL);
    assertThat(secret.location().line()).isEqualTo(2);
    assertThat(secret.location().column()).isEqualTo(5);
    assertThat(secret.secret()).isNotNull();
    assertThat(secret.message()).contains("DB_PASS").doesNotContain("ComplexPassword123");
    assertThat(secret.toString()).doesNotContain("ComplexPassword123");
    assertThat(secret.rule().remediation()).contains("RUN --mount=type=secret")
        .contains("secret store").contains("workload identity");
  }

  @Test
  void untrustedRegistryFiresOnlyWhenTrustedRegistriesAreConfigured() {
    String text = "FROM quay.io/x/base:1@sha256:abc\nFROM alpine:3.20@sha256:abc\n";
    assertThat(scan(text)).noneMatch(x -> x.ruleId().equals("IMP-DOCKER-004"));
    List<Finding> f = scan(ScanSettings.defaults()
        .withTrustedRegistries(List.of("registry.corp.example")), "Dockerfile", text);
    assertThat(f).filteredOn(x -> x.ruleId().equals("IMP-DOCKER-004"))
        .extracting(x -> x.message())
        .anyMatch(m -> m.contains("'quay.io'")).anyMatch(m -> m.contains("'docker.io'"));
    List<Finding> hub = scan(ScanSettings.defaults().withTrustedRegistries(List.of("docker.io")),
        "Dockerfile", text);
    assertThat(hub).filteredOn(x -> x.ruleId().equals("IMP-DOCKER-004")).hasSize(1);
  }

  @Test
  void scratchAndEarlierStagesAreNeverImageFindings() {
    List<Finding> f = scan("FROM golang:1.22@sha256:abc AS build\nFROM build AS test\n"
        + "FROM scratch\nCOPY --from=build /app /app\nCOPY --from=0 /x /x\nUSER 1000\n");
    assertThat(f).noneMatch(x -> x.ruleId().matches("IMP-DOCKER-00[123]"));
  }

  @Test
  void latestNoTagAndTagWithoutDigestAreDistinct() {
    assertThat(scan("FROM a:latest\nFROM b\nFROM c:1\nFROM d:1@sha256:ab\n"))
        .filteredOn(x -> x.ruleId().matches("IMP-DOCKER-00[123]"))
        .extracting(x -> x.ruleId() + "@" + x.location().line())
        .containsExactly("IMP-DOCKER-001@1", "IMP-DOCKER-002@2", "IMP-DOCKER-003@3");
  }

  @Test
  void runFindingsPointAtTheContinuationLineOfTheCommand() {
    List<Finding> f = scan("FROM alpine:3.20@sha256:ab\nRUN apk update && \\\n"
        + "    curl -fsSL https://x.example/i | sh\nUSER 1\n");
    Finding pipe = f.stream().filter(x -> x.ruleId().equals("IMP-DOCKER-019")).findFirst()
        .orElseThrow();
    assertThat(pipe.location().line()).isEqualTo(3);
  }

  @Test
  void rootFinalUserOnlyCountsTheFinalStage() {
    assertThat(scan("FROM a:1 AS b\nUSER root\nFROM c:1\nUSER app\n"))
        .noneMatch(x -> x.ruleId().equals("IMP-DOCKER-011"));
    assertThat(scan("FROM a:1 AS b\nUSER app\nFROM c:1\nUSER 0\n"))
        .anyMatch(x -> x.ruleId().equals("IMP-DOCKER-011"));
  }

  @Test
  void otherFileNamesAreIgnored() {
    assertThat(scan(ScanSettings.defaults(), "notes.txt", ARTICLE)).isEmpty();
    assertThat(DockerfileParser.isDockerfileName("Dockerfile.prod")).isTrue();
    assertThat(DockerfileParser.isDockerfileName("api.Dockerfile")).isTrue();
    assertThat(DockerfileParser.isDockerfileName("Containerfile")).isTrue();
    assertThat(DockerfileParser.isDockerfileName("build.containerfile")).isTrue();
    assertThat(DockerfileParser.isDockerfileName("Dockerfiles.md")).isFalse();
  }
}
