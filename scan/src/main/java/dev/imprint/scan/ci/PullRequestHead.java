package dev.imprint.scan.ci;

import java.util.List;
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
  private static final Set<String> GIT_CHECKING_OUT =
      Set.of("checkout", "switch", "pull", "reset", "worktree", "merge", "rebase");
  /** Commands that move around, print or read files as data: nothing of the tree runs. */
  private static final Set<String> INERT = Set.of("", "git", "gh", "cd", "echo", "printf",
      "pwd", "ls", "set", "export", "exit", "grep", "cat", "jq", "yq", "wc", "head", "tail",
      "sort", "uniq", "cut", "tr", "diff", "test", "[", "[[", "if", "fi", "true", "false",
      "mkdir", "cp", "mv", "rm", "tee", "sha256sum", "date");

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

  /**
   * Whether a script checks out the pull request head, and runs something after it. A fetch
   * of the head alone puts nothing in the workspace; a checkout, switch, reset, merge or pull
   * of it (or of anything after such a fetch: {@code git checkout FETCH_HEAD}) does.
   */
  static Run run(String script) {
    boolean fetched = false;
    boolean checkedOut = false;
    for (Shell.Line line : Shell.lines(script)) {
      for (Shell.Command c : Shell.commands(line.text())) {
        if (c.captured()) {
          continue;
        }
        String name = c.name();
        if (checkedOut && !INERT.contains(name)) {
          return Run.CHECKS_OUT_AND_RUNS;
        }
        if (name.equals("gh")) {
          checkedOut |= ghCheckout(c.words());
        } else if (name.equals("git")) {
          String verb = gitVerb(c.words());
          String text = String.join(" ", c.words());
          boolean head = PULL_REFSPEC.matcher(text).find() || HEAD_REF.matcher(text).find();
          if (verb.equals("fetch")) {
            fetched |= head;
          } else if (GIT_CHECKING_OUT.contains(verb)) {
            checkedOut |= head || fetched;
          }
        }
      }
    }
    return checkedOut ? Run.CHECKS_OUT : Run.NONE;
  }

  private static boolean ghCheckout(List<String> words) {
    int pr = words.indexOf("pr");
    return pr >= 0 && pr + 1 < words.size() && words.get(pr + 1).equals("checkout");
  }

  /** The git subcommand: the first word after git that is not an option (or its value). */
  private static String gitVerb(List<String> words) {
    boolean afterGit = false;
    for (int i = 0; i < words.size(); i++) {
      String w = words.get(i);
      if (!afterGit) {
        afterGit = w.equals("git") || w.endsWith("/git");
      } else if (w.equals("-C") || w.equals("-c")) {
        i++;
      } else if (!w.startsWith("-")) {
        return w.toLowerCase(Locale.ROOT);
      }
    }
    return "";
  }
}
