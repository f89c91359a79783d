package dev.imprint.scan.ci;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imprint.scan.Diagnostic;
import dev.imprint.scan.SourceFile;
import org.junit.jupiter.api.Test;

class GithubWorkflowReaderTest {
  static final String WORKFLOW = """
      name: ci
      on:
        push:
        pull_request_target:
      permissions:
        contents: read
      jobs:
        build:
          runs-on: ubuntu-latest
          steps:
            - uses: actions/checkout@v4
            - name: test
              run: |
                make test
        call:
          uses: org/repo/.github/workflows/x.yml@main
      """;

  @Test
  void readsWorkflowsUnderGithubWorkflowsWithExactLines() {
    GithubWorkflow wf = GithubWorkflowReader.read(
        SourceFile.of("app/.github/workflows/ci.yml", WORKFLOW)).orElseThrow().workflow();
    assertThat(wf.triggers()).containsExactlyInAnyOrder("push", "pull_request_target");
    assertThat(wf.permissions()).isNotNull();
    assertThat(wf.jobs()).extracting(GithubJob::id).containsExactly("build", "call");
    GithubJob build = wf.jobs().get(0);
    assertThat(build.line()).isEqualTo(8);
    assertThat(build.column()).isEqualTo(3);
    assertThat(build.steps()).hasSize(2);
    assertThat(build.steps().get(0).uses()).isEqualTo("actions/checkout@v4");
    assertThat(build.steps().get(0).line()).isEqualTo(11);
    assertThat(build.steps().get(1).script()).isEqualTo("make test\n");
    assertThat(wf.jobs().get(1).uses()).isEqualTo("org/repo/.github/workflows/x.yml@main");
  }

  @Test
  void recognisesAWorkflowByContentOutsideGithubWorkflows() {
    assertThat(GithubWorkflowReader.read(SourceFile.of("ci/build.yml", WORKFLOW))).isPresent();
  }

  @Test
  void ignoresOtherYamlWithoutDiagnostics() {
    String k8s = "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: jobs\n";
    assertThat(GithubWorkflowReader.read(SourceFile.of("job.yaml", k8s))).isEmpty();
    String other = "on: true\njobs: 3\n";
    assertThat(GithubWorkflowReader.read(SourceFile.of("x.yml", other))).isEmpty();
    assertThat(GithubWorkflowReader.read(SourceFile.of("x.yml", "jobs: [on\n"))).isEmpty();
    assertThat(CiFindings.of("config/settings.yaml", "on: x\nname: y\n").diagnostics).isEmpty();
  }

  @Test
  void malformedWorkflowIsAParseErrorAtItsLine() {
    CiFindings r = CiFindings.of(".github/workflows/ci.yml",
        "on: push\njobs:\n  build:\n    steps: [\n      - run: x\n");
    assertThat(r.diagnostics).singleElement().satisfies(d -> {
      assertThat(d.kind()).isEqualTo(Diagnostic.Kind.PARSE_ERROR);
      assertThat(d.location().line()).isGreaterThan(1);
      assertThat(d.message()).contains("GitHub Actions workflow");
    });
    assertThat(r.findings).isEmpty();
  }

  @Test
  void readsCompositeActionsStepsAndChecksThem() {
    String action = """
        name: setup
        runs:
          using: composite
          steps:
            - uses: some-org/setup-tool@v2
            - run: echo "${{ github.event.pull_request.title }}"
              shell: bash
        """;
    GithubWorkflow wf = GithubWorkflowReader.read(SourceFile.of("action.yml", action))
        .orElseThrow().workflow();
    assertThat(wf.composite()).isTrue();
    assertThat(wf.jobs().get(0).steps()).hasSize(2);
    CiFindings r = CiFindings.of("action.yml", action);
    assertThat(r.at("IMP-GHA-003")).containsExactly("5:7");
    assertThat(r.at("IMP-GHA-005")).containsExactly("6:18");
    assertThat(r.at("IMP-GHA-002")).isEmpty();
  }

  @Test
  void scriptInjectionPointsAtTheExpressionInsideABlockScalar() {
    String wf = """
        on: issue_comment
        permissions: {}
        jobs:
          reply:
            runs-on: ubuntu-latest
            steps:
              - run: |
                  echo start
                  echo "${{ github.event.comment.body }}"
        """;
    assertThat(CiFindings.of(".github/workflows/r.yml", wf).at("IMP-GHA-005"))
        .containsExactly("9:17");
  }

  @Test
  void githubOwnedActionsAreReportedAtLowerSeverityThanThirdPartyOnes() {
    String wf = """
        on: push
        permissions: {}
        jobs:
          b:
            runs-on: ubuntu-latest
            steps:
              - uses: actions/setup-node@v4
              - uses: someone/deploy@v1
        """;
    CiFindings r = CiFindings.of(".github/workflows/b.yml", wf);
    assertThat(r.findings).filteredOn(f -> f.ruleId().equals("IMP-GHA-003"))
        .extracting(f -> f.severity().id()).containsExactly("medium", "high");
  }

  @Test
  void hardCodedSecretNeverAppearsInTheMessage() {
    String wf = """
        on: push
        permissions: {}
        env:
          DEPLOY_TOKEN: Qm9vb3Rz-4f9a7c2e1b
        jobs:
          b:
            runs-on: ubuntu-latest
            steps:
              - run: ./deploy
        """;
    CiFindings r = CiFindings.of(".github/workflows/b.yml", wf);
    assertThat(r.findings).filteredOn(f -> f.ruleId().equals("IMP-GHA-011")).singleElement()
        .satisfies(f -> {
          assertThat(f.message()).doesNotContain("Qm9vb3Rz-4f9a7c2e1b");
          assertThat(f.secret()).isNotNull();
          assertThat(f.secret().toString()).doesNotContain("Qm9vb3Rz-4f9a7c2e1b");
        });
  }
}
