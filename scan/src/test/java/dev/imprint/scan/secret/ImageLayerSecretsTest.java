package dev.imprint.scan.secret;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imprint.scan.Finding;
import dev.imprint.scan.ScanSettings;
import dev.imprint.scan.Scanner;
import dev.imprint.scan.SourceFile;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Secrets left in image layers (the article's practice): removed too late, copied as files,
 * written from a build secret through a variable, and written by a Packer provisioner; each at
 * the offending line, and the safe form of each left alone.
 */
class ImageLayerSecretsTest {
  static List<Finding> of(String rule, String path, String text) {
    return Scanner.create(ScanSettings.defaults().withThreads(1))
        .scanSources(List.of(SourceFile.of(path, text))).findings().stream()
        .filter(f -> f.ruleId().equals(rule)).toList();
  }

  @Test
  void aSecretFileRemovedByALaterRunStaysInTheLayerOfItsCopy() {
    String df = "FROM alpine:3.20\nCOPY id_ed25519 /root/.ssh/\n"
        + "RUN git clone git@github.com:acme/lib.git && rm /root/.ssh/id_ed25519\nUSER 1000\n";
    assertThat(of("IMP-DOCKER-029", "Dockerfile", df)).singleElement().satisfies(f -> {
      assertThat(f.location().line()).isEqualTo(2);
      assertThat(f.message()).contains("id_ed25519").contains("line 3");
    });
    assertThat(of("IMP-DOCKER-029", "Dockerfile", "FROM alpine:3.20 AS b\n"
        + "COPY id_ed25519 /root/.ssh/\nRUN rm /root/.ssh/id_ed25519\n"
        + "FROM alpine:3.20\nCOPY --from=b /etc/os-release /x\n")).as("builder stage").isEmpty();
    assertThat(of("IMP-DOCKER-029", "Dockerfile", "FROM alpine:3.20\nCOPY app.conf /etc/\n"
        + "RUN rm /etc/app.conf\n")).as("not a secret file").isEmpty();
  }

  @Test
  void credentialFilesOfEveryKindAreReportedWhenCopied() {
    for (String file : List.of(".bash_history", "team.kdbx", ".git-credentials", "id_ecdsa",
        "deploy.pem", ".env", ".env.production", ".pgpass", "putty.ppk")) {
      assertThat(of("IMP-DOCKER-008", "Dockerfile", "FROM alpine:3.20\nCOPY " + file
          + " /app/\n")).as(file).isNotEmpty();
    }
    for (String file : List.of("id_ed25519.pub", ".env.example", "app.conf", "README.md")) {
      assertThat(of("IMP-DOCKER-008", "Dockerfile", "FROM alpine:3.20\nCOPY " + file
          + " /app/\n")).as(file).isEmpty();
    }
  }

  @Test
  void aBuildSecretWrittenToAFileThroughAnExportedVariableIsReported() {
    String df = "FROM node:20-alpine\nRUN --mount=type=secret,id=t \\\n"
        + "    export TOKEN=$(cat /run/secrets/t) \\\n"
        + "    && echo \"//r/:_authToken=$TOKEN\" > /root/.npmrc && npm ci\n";
    assertThat(of("IMP-DOCKER-028", "Dockerfile", df)).singleElement().satisfies(f -> {
      assertThat(f.location().line()).isEqualTo(4);
      assertThat(f.message()).contains("$TOKEN");
    });
    assertThat(of("IMP-DOCKER-028", "Dockerfile", "FROM node:20-alpine\n"
        + "RUN --mount=type=secret,id=t TOKEN=$(cat /run/secrets/t) npm ci > /tmp/log\n"))
        .isEmpty();
    assertThat(of("IMP-DOCKER-028", "Dockerfile", "FROM node:20-alpine\n"
        + "RUN --mount=type=secret,id=t read -r T < /run/secrets/t && printf %s \"$T\""
        + " | tee /etc/t\n")).isNotEmpty();
  }

  @Test
  void aPackerProvisionerWritingASecretIntoTheImageIsReportedAtTheCommand() {
    String hcl = "variable \"db_password\" {\n  type = string\n  sensitive = true\n}\n"
        + "source \"docker\" \"b\" {\n  image = \"ubuntu:24.04\"\n  commit = true\n}\n"
        + "build {\n  sources = [\"source.docker.b\"]\n  provisioner \"shell\" {\n"
        + "    environment_vars = [\"CONN=${var.db_password}\"]\n"
        + "    inline = [\n      \"mkdir -p /etc/app\",\n"
        + "      \"echo $CONN > /etc/app/db.conf\",\n"
        + "      \"echo ${var.db_password} >> /etc/app/db.conf\"\n    ]\n  }\n}\n";
    List<Finding> found = of("IMP-PACKER-015", "build.pkr.hcl", hcl);
    assertThat(found).hasSize(2);
    assertThat(found).extracting(Finding::message)
        .anyMatch(m -> m.contains("$CONN")).anyMatch(m -> m.contains("${var.db_password}"));
    assertThat(of("IMP-PACKER-015", "build.pkr.hcl", hcl.replace(">> /etc/app/db.conf",
        "| grep -q x").replace("> /etc/app/db.conf", "> /dev/null"))).isEmpty();
  }
}
