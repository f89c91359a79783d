package dev.imprint.scan.ci;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imprint.scan.Diagnostic;
import dev.imprint.scan.SourceFile;
import dev.imprint.scan.ci.Jenkinsfile.CredentialScope;
import dev.imprint.scan.ci.Jenkinsfile.Quote;
import dev.imprint.scan.ci.Jenkinsfile.ShellStep;
import org.junit.jupiter.api.Test;

class JenkinsfileReaderTest {

  @Test
  void recognisesJenkinsfileNames() {
    assertThat(JenkinsfileReader.isJenkinsfileName("Jenkinsfile")).isTrue();
    assertThat(JenkinsfileReader.isJenkinsfileName("release.Jenkinsfile")).isTrue();
    assertThat(JenkinsfileReader.isJenkinsfileName("Jenkinsfile.deploy")).isTrue();
    assertThat(JenkinsfileReader.isJenkinsfileName("jenkins.yaml")).isFalse();
  }

  @Test
  void readsMultiLineShellStringsWithTheirQuotesAndLines() {
    String text = "node {\n"
        + "  sh '''\n    make\n    make test\n  '''\n"
        + "  sh \"\"\"\n    echo ${BUILD_NUMBER}\n  \"\"\"\n"
        + "  sh(script: 'ls', returnStdout: true)\n"
        + "  bat \"dir\"\n"
        + "}\n";
    Jenkinsfile j = JenkinsfileReader.read(SourceFile.of("Jenkinsfile", text));
    assertThat(j.shellSteps()).extracting(s -> s.script().quote()).containsExactly(
        Quote.TRIPLE_SINGLE, Quote.TRIPLE_DOUBLE, Quote.SINGLE, Quote.DOUBLE);
    ShellStep first = j.shellSteps().get(0);
    assertThat(first.script().text()).isEqualTo("\n    make\n    make test\n  ");
    assertThat(first.script().line()).isEqualTo(2);
    assertThat(j.shellSteps().get(1).script().line()).isEqualTo(6);
    assertThat(j.shellSteps().get(2).script().text()).isEqualTo("ls");
    assertThat(j.shellSteps().get(3).step()).isEqualTo("bat");
  }

  @Test
  void nestedWithCredentialsBlocksHaveTheirOwnScopes() {
    String text = """
        node {
          withCredentials([string(credentialsId: 'a', variable: 'OUTER')]) {
            withCredentials([usernamePassword(credentialsId: 'b',
                usernameVariable: 'U', passwordVariable: 'P')]) {
              sh "use ${P}"
            }
            sh "use ${OUTER} and ${P}"
          }
          sh "after ${OUTER}"
        }
        """;
    Jenkinsfile j = JenkinsfileReader.read(SourceFile.of("Jenkinsfile", text));
    assertThat(j.credentialScopes()).extracting(CredentialScope::variables)
        .containsExactly(java.util.List.of("OUTER"), java.util.List.of("U", "P"));
    assertThat(j.credentialScopes()).extracting(CredentialScope::line).containsExactly(2, 3);
    int inner = j.shellSteps().get(0).script().offset();
    int afterInner = j.shellSteps().get(1).script().offset();
    assertThat(j.credentialScopes().get(1).covers(inner)).isTrue();
    assertThat(j.credentialScopes().get(1).covers(afterInner)).isFalse();
    assertThat(j.credentialScopes().get(0).covers(afterInner)).isTrue();
    CiFindings r = CiFindings.of("Jenkinsfile", text);
    assertThat(r.at("IMP-JENKINS-001")).containsExactly("5:15", "7:13");
  }

  @Test
  void readsEnvironmentCredentialsAndLiterals() {
    String text = """
        pipeline {
          environment {
            CREDS = credentials('deploy')
            REGION = 'eu-west-1'
          }
        }
        """;
    Jenkinsfile j = JenkinsfileReader.read(SourceFile.of("Jenkinsfile", text));
    assertThat(j.environment()).hasSize(2);
    assertThat(j.environment().get(0).credentialsId()).isEqualTo("deploy");
    assertThat(j.environment().get(1).value().text()).isEqualTo("eu-west-1");
    assertThat(j.environment().get(1).line()).isEqualTo(4);
    assertThat(j.environment().get(1).column()).isEqualTo(5);
  }

  @Test
  void commentsAndEscapedDollarsAreNotSteps() {
    String text = """
        node {
          withCredentials([string(credentialsId: 'a', variable: 'T')]) {
            // sh "curl ${T}"
            /* echo "${T}" */
            sh "./run --token \\$T"
          }
        }
        """;
    CiFindings r = CiFindings.of("Jenkinsfile", text);
    assertThat(r.findings).isEmpty();
    assertThat(JenkinsfileReader.read(SourceFile.of("Jenkinsfile", text)).shellSteps())
        .hasSize(1);
  }

  @Test
  void unterminatedTripleQuotedStringIsAParseErrorWhereItOpens() {
    CiFindings r = CiFindings.of("Jenkinsfile", "node {\n  sh '''\n    make\n}\n");
    assertThat(r.diagnostics).singleElement().satisfies(d -> {
      assertThat(d.kind()).isEqualTo(Diagnostic.Kind.PARSE_ERROR);
      assertThat(d.location().line()).isEqualTo(2);
      assertThat(d.location().column()).isEqualTo(6);
      assertThat(d.message()).contains("'''");
    });
  }

  @Test
  void unclosedBlockIsAParseErrorAndWellFormedFilesHaveNone() {
    assertThat(CiFindings.of("Jenkinsfile", "pipeline {\n  stages {\n}\n").diagnostics)
        .singleElement().satisfies(d -> assertThat(d.location().line()).isEqualTo(1));
    assertThat(CiFindings.of("Jenkinsfile", "node {\n  sh 'make'\n}\n").diagnostics)
        .isEmpty();
  }

  @Test
  void unterminatedStringsAndBracesNeverThrow() {
    for (String text : new String[] {"sh '''never closed", "withCredentials([", "sh \"${",
        "environment {", "docker.image(", "\"\"\"", "sh(script: ", "withCredentials([]) {"}) {
      JenkinsfileReader.read(SourceFile.of("Jenkinsfile", text));
      CiFindings.of("Jenkinsfile", text);
    }
    for (String unit : new String[] {"sh(", "withCredentials([", "environment { A = ",
        "withCredentials([]) {", "docker.image("}) {
      String hostile = unit.repeat(200_000 / unit.length() * 4);
      assertThat(JenkinsfileReader.read(SourceFile.of("Jenkinsfile", hostile))).isNotNull();
      CiFindings.of("Jenkinsfile", hostile);
    }
    String deep = "{".repeat(50_000) + "sh \"x\"" + "}".repeat(50_000);
    assertThat(JenkinsfileReader.read(SourceFile.of("Jenkinsfile", deep)).shellSteps())
        .hasSize(1);
  }
}
