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
    assertThat(DockerfileParser.isDockerfileName("Dockerfile.md")).isFalse();
    assertThat(DockerfileParser.isDockerfileName("Dockerfile.dockerignore")).isFalse();
  }

  @Test
  void aCarefulMultiStageDockerfileHasNoFindings() {
    String d = "@sha256:3f57d9401f8d42f986df300f0c69192fc41da28ccc8d797829467780db3dd741";
    String text = "# syntax=docker/dockerfile:1.7\n"
        + "ARG GO_VERSION=1.22.5\n"
        + "FROM golang:${GO_VERSION}-bookworm" + d + " AS build\n"
        + "WORKDIR /src\n"
        + "RUN apt-get update \\\n"
        + "    && apt-get install -y --no-install-recommends git=1:2.39.2-1.1 \\\n"
        + "    && rm -rf /var/lib/apt/lists/*\n"
        + "COPY go.mod go.sum ./\n"
        + "RUN --mount=type=secret,id=netrc,target=/root/.netrc go mod download\n"
        + "COPY . .\n"
        + "RUN <<EOF\n"
        + "set -eu\n"
        + "CGO_ENABLED=0 go build -trimpath -o /out/server ./cmd/server\n"
        + "EOF\n"
        + "RUN curl -fsSLo /tmp/tool.tgz https://example.com/tool-1.2.tgz \\\n"
        + "    && echo \"3f57d9401f8d42f986df300f0c69192fc41da28ccc8d797829467780db3dd741 "
        + " /tmp/tool.tgz\" | sha256sum -c - \\\n"
        + "    && tar -xzf /tmp/tool.tgz -C /usr/local/bin\n"
        + "FROM gcr.io/distroless/static-debian12:nonroot" + d + "\n"
        + "COPY --from=build --chown=65532:65532 /out/server /server\n"
        + "ENV APP_ENV=production DB_PASSWORD_FILE=/run/secrets/db_password \\\n"
        + "    TOKEN_TTL=3600\n"
        + "EXPOSE 8080\n"
        + "USER 65532:65532\n"
        + "HEALTHCHECK --interval=30s CMD [\"/server\", \"-health\"]\n"
        + "ENTRYPOINT [\"/server\"]\n";
    List<Finding> f = scan(text);
    assertThat(f).isEmpty();
    assertThat(Scanner.create(ScanSettings.defaults().withThreads(1))
        .scanSources(List.of(SourceFile.of("Dockerfile", text))).diagnostics()).isEmpty();
  }

  @Test
  void heredocScriptsAreCheckedAtTheirOwnLines() {
    List<Finding> f = scan("FROM debian:12@sha256:ab\nUSER 1\nRUN <<EOF\nset -e\n"
        + "apt-get update\nEOF\n");
    assertThat(f).filteredOn(x -> x.ruleId().equals("IMP-DOCKER-025"))
        .singleElement().satisfies(x -> assertThat(x.location().line()).isEqualTo(5));
  }

  @Test
  void secretOnAContinuationLineIsReportedAtItsKey() {
    List<Finding> f = scan("FROM a:1@sha256:ab\nUSER 1\nENV A=1 \\\n    API_TOKEN=Zx9-real-"
        + "token-value\n");
    assertThat(f).filteredOn(x -> x.ruleId().equals("IMP-DOCKER-005"))
        .singleElement().satisfies(x -> {
          assertThat(x.location().line()).isEqualTo(4);
          assertThat(x.location().column()).isEqualTo(5);
          assertThat(x.secret().redacted()).doesNotContain("real-token");
        });
  }

  @Test
  void copyingCredentialDirectoriesFromABuilderIsReported() {
    List<Finding> f = scan("FROM a:1@sha256:ab AS b\nFROM c:1@sha256:ab\n"
        + "COPY --from=b /root/.ssh /root/.ssh\nUSER 1\n");
    assertThat(f).extracting(Finding::ruleId).contains("IMP-DOCKER-010", "IMP-DOCKER-008");
  }

  @Test
  void parseErrorsAreDiagnosticsWithLineAndNoFindingsCrash() {
    ScanReport r = Scanner.create(ScanSettings.defaults().withThreads(1))
        .scanSources(List.of(SourceFile.of("Dockerfile", "FROM a:1\nRUN <<EOF\nx\n")));
    assertThat(r.diagnostics()).singleElement().satisfies(d -> {
      assertThat(d.location().toString()).isEqualTo("Dockerfile:2:1");
      assertThat(d.kind()).isEqualTo(dev.imprint.scan.Diagnostic.Kind.PARSE_ERROR);
    });
  }
}
