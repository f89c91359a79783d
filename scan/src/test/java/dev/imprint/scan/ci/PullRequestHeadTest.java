package dev.imprint.scan.ci;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The ways a privileged workflow puts a pull request's code in its workspace. */
class PullRequestHeadTest {
  private static final String PWN = "IMP-GHA-009";
  private static final String CHECKOUT =
      "actions/checkout@b4ffde65f46336ab88eb53be808477a3936bae11";

  private static CiFindings workflow(String text) {
    return CiFindings.of(".github/workflows/pr.yml", text);
  }

  @Test
  void issueCommentCheckingOutThePullRequestWithTheCliIsReported() {
    CiFindings f = workflow("""
        on:
          issue_comment:
            types: [created]
        permissions:
          contents: write
        jobs:
          test:
            if: github.event.issue.pull_request && contains(github.event.comment.body, '/test')
            runs-on: ubuntu-latest
            steps:
              - uses: %s
              - name: Check out the pull request
                run: gh pr checkout ${{ github.event.issue.number }}
                env:
                  GH_TOKEN: ${{ github.token }}
              - run: make test
        """.formatted(CHECKOUT));
    assertThat(f.at(PWN)).containsExactly("16:9");
  }

  @Test
  void checkoutAndBuildInOneRunStepIsReportedAtThatStep() {
    CiFindings f = workflow("""
        on: pull_request_target
        permissions: {}
        jobs:
          build:
            runs-on: ubuntu-latest
            steps:
              - run: |
                  git fetch origin +refs/pull/${{ github.event.number }}/head:pr
                  git checkout pr
                  npm ci && npm run build
        """);
    assertThat(f.at(PWN)).containsExactly("7:9");
  }

  @Test
  void gitCheckoutOfTheHeadShaThenALocalActionIsReported() {
    CiFindings f = workflow("""
        on: pull_request_target
        permissions: {}
        jobs:
          lint:
            runs-on: ubuntu-latest
            steps:
              - uses: %s
              - run: >-
                  git fetch origin ${{ github.event.pull_request.head.sha }}
                  && git checkout FETCH_HEAD
              - uses: ./.github/actions/lint
        """.formatted(CHECKOUT));
    assertThat(f.at(PWN)).containsExactly("11:9");
  }

  @Test
  void theTestMergeCommitAndTheForkRepositoryAreThePullRequestsCode() {
    CiFindings f = workflow("""
        on: pull_request_target
        permissions: {}
        jobs:
          merge:
            runs-on: ubuntu-latest
            steps:
              - uses: %s
                with:
                  ref: ${{ github.event.pull_request.merge_commit_sha }}
              - run: ./gradlew check
          fork:
            runs-on: ubuntu-latest
            steps:
              - uses: %s
                with:
                  repository: ${{ github.event.pull_request.head.repo.full_name }}
              - run: make
        """.formatted(CHECKOUT, CHECKOUT));
    assertThat(f.at(PWN)).containsExactly("10:9", "17:9");
  }

  @Test
  void baseCodeAndMergedPullRequestsStayQuiet() {
    CiFindings f = workflow("""
        on:
          pull_request_target:
            types: [closed]
          issue_comment:
        permissions: {}
        jobs:
          release:
            if: github.event.pull_request.merged == true
            runs-on: ubuntu-latest
            steps:
              - uses: %s
                with:
                  ref: ${{ github.event.pull_request.merge_commit_sha }}
              - run: make release
          data-only:
            runs-on: ubuntu-latest
            steps:
              - uses: %s
              - run: gh pr diff ${{ github.event.issue.number }} > pr.diff
              - run: git log --oneline -5
              - run: make report
          changed-files:
            runs-on: ubuntu-latest
            steps:
              - uses: %s
              - run: |
                  git fetch origin pull/${{ github.event.issue.number }}/head
                  git diff --name-only HEAD FETCH_HEAD | grep -c '^docs/' | tee count.txt
              - run: make docs
        """.formatted(CHECKOUT, CHECKOUT, CHECKOUT));
    assertThat(f.at(PWN)).isEmpty();
  }

  @Test
  void checkoutUnderAnUnprivilegedTriggerStaysQuiet() {
    CiFindings f = workflow("""
        on: pull_request
        permissions: {}
        jobs:
          test:
            runs-on: ubuntu-latest
            steps:
              - run: |
                  gh pr checkout ${{ github.event.pull_request.number }}
                  make test
        """);
    assertThat(f.at(PWN)).isEmpty();
  }

  @Test
  void commitMessagesIndexedWithBracketsAreUntrusted() {
    CiFindings f = workflow("""
        on: push
        permissions: {}
        jobs:
          notify:
            runs-on: ubuntu-latest
            steps:
              - run: |
                  echo "first: ${{ github.event.commits[0].message }}"
                  echo "author: ${{ github.event.commits[0].author.name }}"
                  echo "count: ${{ github.event.commits[0].id }}"
        """);
    assertThat(f.at("IMP-GHA-005")).containsExactly("8:24", "9:25");
  }
}
