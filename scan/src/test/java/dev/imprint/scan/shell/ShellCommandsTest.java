package dev.imprint.scan.shell;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imprint.scan.Finding;
import dev.imprint.scan.ScanSettings;
import dev.imprint.scan.Scanner;
import dev.imprint.scan.SourceFile;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The commands a RUN script really runs, whatever wraps them: command substitutions and
 * backticks, subshells and groups, sudo/env/timeout/nice and their options, {@code sh -c}
 * scripts; and the rules that judge those commands see them.
 */
class ShellCommandsTest {
  static List<String> names(String script) {
    return Shell.commands(script).stream().map(Shell.Command::name).toList();
  }

  static List<String> rules(String run) {
    return Scanner.create(ScanSettings.defaults().withThreads(1))
        .scanSources(List.of(SourceFile.of("Dockerfile",
            "FROM alpine:3.19@sha256:" + "a".repeat(64) + "\n" + run + "\nUSER app\n")))
        .findings().stream().map(Finding::ruleId).toList();
  }

  @Test
  void commandsInsideSubstitutionsAndBackticksAreCommands() {
    assertThat(names("X=$(curl -fsSL https://get.example/i.sh | sh)"))
        .containsSubsequence("curl", "sh");
    assertThat(names("OUT=`wget -qO- https://x.example/v` && echo $OUT"))
        .contains("wget", "echo");
    assertThat(names("echo \"$(id -u)\" > /uid")).contains("echo", "id");
  }

  @Test
  void wrappersAndTheirOptionsAreNotTheCommand() {
    assertThat(names("sudo -u app -E apt-get install -y curl")).containsExactly("apt-get");
    assertThat(names("env -i -u HOME PATH=/bin curl -k https://x")).containsExactly("curl");
    assertThat(names("timeout 60 wget https://x")).containsExactly("wget");
    assertThat(names("nice -n 10 ionice -c2 make")).containsExactly("make");
    assertThat(names("gosu app:app curl https://x")).containsExactly("curl");
    assertThat(names("exec su-exec app node server.js")).containsExactly("node");
  }

  @Test
  void subshellsGroupsAndShellScriptsAreRead() {
    assertThat(names("(cd /tmp && curl -fsSL https://x/i.sh | bash)"))
        .containsExactly("cd", "curl", "bash");
    assertThat(names("{ apt-get update; apt-get install -y gnupg; }"))
        .containsExactly("apt-get", "apt-get");
    assertThat(names("bash -c \"curl -fsSL https://x/i.sh | sh\""))
        .containsSubsequence("bash", "curl", "sh");
    assertThat(names("su -c 'chpasswd < /tmp/p' root")).contains("chpasswd");
  }

  @Test
  void aSecretBuildArgumentWrittenToAFileTheRunKeepsIsInTheLayer() {
    String arg = "ARG NPM_TOKEN\n";
    List<Finding> kept = Scanner.create(ScanSettings.defaults().withThreads(1))
        .scanSources(List.of(SourceFile.of("Dockerfile", "FROM node:20@sha256:" + "a".repeat(64)
            + "\n" + arg + "RUN echo \"//registry.npmjs.org/:_authToken=${NPM_TOKEN}\" > "
            + "/root/.npmrc && npm ci\nUSER node\n"))).findings().stream()
        .filter(f -> f.ruleId().equals("IMP-DOCKER-028")).toList();
    assertThat(kept).singleElement().satisfies(f -> {
      assertThat(f.location().line()).isEqualTo(3);
      assertThat(f.message()).contains("NPM_TOKEN").contains("/root/.npmrc");
    });
    assertThat(rules(arg + "RUN echo \"_authToken=${NPM_TOKEN}\" > .npmrc && npm ci "
        + "&& rm -f .npmrc")).doesNotContain("IMP-DOCKER-028");
    assertThat(rules(arg + "RUN NPM_TOKEN=${NPM_TOKEN} npm ci")).doesNotContain("IMP-DOCKER-028");
  }

  @Test
  void aNetrcPasswordWrittenByRunIsASecretButAVariableIsNot() {
    assertThat(rules("RUN echo \"machine github.com login ci password Gh7kLm2pQ9xZw\" > "
        + "/root/.netrc")).contains("IMP-DOCKER-026");
    assertThat(rules("RUN <<EOT\ncat > /root/.netrc <<NETRC\nmachine git.example.com login ci "
        + "password Gh7kLm2pQ9xZw\nNETRC\nEOT")).contains("IMP-DOCKER-026");
    assertThat(rules("RUN --mount=type=secret,id=gh echo \"machine github.com login ci password "
        + "$(cat /run/secrets/gh)\" > /tmp/n && go mod download && rm /tmp/n"))
        .doesNotContain("IMP-DOCKER-026");
  }

  @Test
  void quotedTextIsNotACommand() {
    assertThat(names("echo \"curl https://x | sh\"")).containsExactly("echo");
    assertThat(names("echo '$(curl https://x)'")).containsExactly("echo");
  }

  @Test
  void rulesSeeCommandsWhateverWrapsThem() {
    assertThat(rules("RUN X=$(curl -fsSL https://get.example/i.sh | sh)"))
        .contains("IMP-DOCKER-019");
    assertThat(rules("RUN (cd /tmp && curl -fsSL https://x.example/i.sh | bash)"))
        .contains("IMP-DOCKER-019");
    assertThat(rules("RUN bash -c \"curl -fsSL https://x.example/i.sh | sh\""))
        .contains("IMP-DOCKER-019");
    assertThat(rules("RUN V=$(curl -k https://api.example/v) && echo $V"))
        .contains("IMP-DOCKER-021");
    assertThat(rules("RUN timeout 60 wget --no-check-certificate https://x.example/a"))
        .contains("IMP-DOCKER-021");
    assertThat(rules("RUN sudo -u app apt-get install -y curl")).contains("IMP-DOCKER-018");
    assertThat(rules("RUN { apt-get update && apt-get install -y gnupg; }"))
        .contains("IMP-DOCKER-018");
    assertThat(rules("RUN echo \"curl https://x.example/i.sh | sh\" > /usage.txt"))
        .doesNotContain("IMP-DOCKER-019");
  }
}
