package dev.imprint.cli;

import java.util.function.UnaryOperator;

/**
 * What the CI system tells a build about itself (GitHub Actions, GitLab CI, Jenkins): the
 * source repository, commit, pipeline run and builder, used as defaults for
 * {@code imprint scan --upload} and {@code imprint image register}.
 */
final class CiEnvironment {
  /** Where variables come from; tests replace it. */
  static UnaryOperator<String> source = System::getenv;

  /** Runs {@code git} with arguments in the working directory; tests replace it. */
  static java.util.function.Function<java.util.List<String>, String> git = CiEnvironment::runGit;

  /** The source a local git checkout claims: remote URL (credentials removed) and HEAD. */
  record LocalCheckout(String remote, String commit) {}

  /**
   * The local checkout's remote and commit when the working directory is a git checkout, for
   * builds outside CI; null otherwise. The builder is then recorded as {@code local-checkout}.
   */
  static LocalCheckout localCheckout() {
    String commit = git.apply(java.util.List.of("rev-parse", "HEAD"));
    if (commit == null || !commit.matches("[0-9a-f]{40}([0-9a-f]{24})?")) {
      return null;
    }
    String remote = git.apply(java.util.List.of("config", "--get", "remote.origin.url"));
    return new LocalCheckout(remote == null ? null : withoutCredentials(remote), commit);
  }

  /** Drops {@code user:password@} from a URL so that no credential is sent or stored. */
  static String withoutCredentials(String url) {
    return url.replaceFirst("^([a-zA-Z][a-zA-Z0-9+.-]*://)[^/@]*@", "$1");
  }

  private static String runGit(java.util.List<String> args) {
    java.util.List<String> cmd = new java.util.ArrayList<>();
    cmd.add("git");
    cmd.addAll(args);
    try {
      Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
      byte[] out = p.getInputStream().readNBytes(4096);
      if (!p.waitFor(3, java.util.concurrent.TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return null;
      }
      String v = new String(out, java.nio.charset.StandardCharsets.UTF_8).trim();
      return p.exitValue() == 0 && !v.isEmpty() ? v : null;
    } catch (java.io.IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  private CiEnvironment() {}

  /** The repository as a short path: GITHUB_REPOSITORY or CI_PROJECT_PATH. */
  static String repository() {
    return first("GITHUB_REPOSITORY", "CI_PROJECT_PATH");
  }

  /** The commit SHA: GITHUB_SHA, CI_COMMIT_SHA or GIT_COMMIT (Jenkins). */
  static String commit() {
    return first("GITHUB_SHA", "CI_COMMIT_SHA", "GIT_COMMIT");
  }

  /** The repository as a URL when the CI system gives one, else its path. */
  static String sourceRepository() {
    String gh = get("GITHUB_SERVER_URL");
    if (gh != null && get("GITHUB_REPOSITORY") != null) {
      return gh + "/" + get("GITHUB_REPOSITORY");
    }
    String gl = get("CI_PROJECT_URL");
    return gl != null ? gl : first("GIT_URL", "GITHUB_REPOSITORY", "CI_PROJECT_PATH");
  }

  /** A link to (or id of) the pipeline run. */
  static String pipelineRun() {
    String gh = get("GITHUB_SERVER_URL");
    if (gh != null && get("GITHUB_REPOSITORY") != null && get("GITHUB_RUN_ID") != null) {
      return gh + "/" + get("GITHUB_REPOSITORY") + "/actions/runs/" + get("GITHUB_RUN_ID");
    }
    return first("CI_PIPELINE_URL", "BUILD_URL", "GITHUB_RUN_ID", "CI_PIPELINE_ID");
  }

  /** Which CI system runs this build. */
  static String builder() {
    if ("true".equals(get("GITHUB_ACTIONS"))) {
      return "github-actions";
    }
    if ("true".equals(get("GITLAB_CI"))) {
      return "gitlab-ci";
    }
    return get("JENKINS_URL") != null ? "jenkins" : null;
  }

  private static String first(String... names) {
    for (String n : names) {
      String v = get(n);
      if (v != null) {
        return v;
      }
    }
    return null;
  }

  private static String get(String name) {
    String v = source.apply(name);
    return v == null || v.isBlank() ? null : v.trim();
  }
}
