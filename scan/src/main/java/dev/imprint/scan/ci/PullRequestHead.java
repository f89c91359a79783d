package dev.imprint.scan.ci;

import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Whether a GitHub Actions step puts the pull request's own code in the workspace: the
 * checkout action given the head ref, the test merge commit or the fork's repository, or a
 * {@code run:} script that fetches or checks it out with git or the GitHub CLI.
 */
final class PullRequestHead {
  /** Triggers that run with the base repository's secrets and a write token. */
  static final Set<String> PRIVILEGED =
      Set.of("pull_request_target", "workflow_run", "issue_comment");
  static final Pattern HEAD_REF = Pattern.compile("pull_request\\.head\\.(?:sha|ref)"
      + "|github\\.head_ref|workflow_run\\.head_(?:sha|branch)|refs/pull/");
  /** The merge commit GitHub builds for an open pull request: its code is the fork's. */
  private static final Pattern MERGE_SHA = Pattern.compile("pull_request\\.merge_commit_sha");
  private static final Pattern FORK_REPO =
      Pattern.compile("pull_request\\.head\\.repo\\.(?:full_name|clone_url|html_url)");
  /** A pull request ref as git writes it on a fetch: pull/42/head, +refs/pull/42/merge. */
  private static final Pattern PULL_REFSPEC =
      Pattern.compile("(?:^|[\\s:+/'\"])pull/[^/\\n]{1,100}/(?:head|merge)\\b");
  private static final Set<String> GIT_FETCHING =
      Set.of("checkout", "switch", "fetch", "pull", "reset", "worktree", "merge", "clone");
  /** Commands that move around or print but run nothing from the checked-out tree. */
  private static final Set<String> INERT =
      Set.of("", "git", "gh", "cd", "echo", "printf", "pwd", "ls", "set", "export", "exit");

  private PullRequestHead() {}

  /** What a {@code run:} script does with the pull request head. */
  enum Run { NONE, CHECKS_OUT, CHECKS_OUT_AND_RUNS }

  /**
   * Whether a checkout step takes the pull request's code; the merge commit does not count in
   * a job or step guarded by {@code pull_request.merged} (then it is the base branch's commit).
   */
  static boolean checkout(GithubStep step, GithubJob job) {
    String ref = step.with().str("ref");
    String repo = step.with().str("repository");
    if (ref != null && HEAD_REF.matcher(ref).find()
        || repo != null && FORK_REPO.matcher(repo).find()) {
      return true;
    }
    return ref != null && MERGE_SHA.matcher(ref).find() && !mergedOnly(step, job);
  }

  private static boolean mergedOnly(GithubStep step, GithubJob job) {
    for (String cond : new String[] {step.node().str("if"), job.node().str("if")}) {
      if (cond != null && cond.contains("pull_request.merged")) {
        return true;
      }
    }
    return false;
  }

  /** Whether a script checks out the pull request head, and runs something after it. */
  static Run run(String script) {
    boolean checkedOut = false;
    for (Shell.Line line : Shell.lines(script)) {
      for (Shell.Command c : Shell.commands(line.text())) {
        if (c.captured()) {
          continue;
        }
        if (checkedOut && !INERT.contains(c.name())) {
          return Run.CHECKS_OUT_AND_RUNS;
        }
        checkedOut |= headCheckout(c);
      }
    }
    return checkedOut ? Run.CHECKS_OUT : Run.NONE;
  }

  private static boolean headCheckout(Shell.Command c) {
    String name = c.name();
    int at = c.words().indexOf(name);
    if (at < 0) {
      at = 0;
    }
    if (name.equals("gh")) {
      int pr = c.words().indexOf("pr");
      return pr > at && pr + 1 < c.words().size() && c.words().get(pr + 1).equals("checkout");
    }
    if (!name.equals("git")) {
      return false;
    }
    boolean fetching = c.words().stream().skip(at + 1L)
        .anyMatch(w -> GIT_FETCHING.contains(w.toLowerCase(Locale.ROOT)));
    String text = String.join(" ", c.words());
    return fetching && (PULL_REFSPEC.matcher(text).find() || HEAD_REF.matcher(text).find());
  }
}
