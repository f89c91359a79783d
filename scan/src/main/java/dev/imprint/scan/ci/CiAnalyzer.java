package dev.imprint.scan.ci;

import dev.imprint.scan.Analyzer;
import dev.imprint.scan.Rule;
import dev.imprint.scan.ScanSettings;
import dev.imprint.scan.SourceFile;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads GitHub Actions workflows, GitLab CI pipelines and Jenkinsfiles and runs their rules
 * (checklist CI1..CI8, the Jenkins part of CI8).
 */
public final class CiAnalyzer implements Analyzer {
  private static final List<Rule> RULES = collect();

  @Override
  public String name() {
    return "ci";
  }

  @Override
  public List<Rule> rules() {
    return RULES;
  }

  private static List<Rule> collect() {
    List<Rule> all = new ArrayList<>(GithubRules.ALL);
    all.addAll(GitlabRules.ALL);
    all.addAll(JenkinsRules.ALL);
    return List.copyOf(all);
  }

  @Override
  public Session start(ScanSettings settings) {
    return (SourceFile file, Sink sink) -> {
      if (JenkinsfileReader.isJenkinsfileName(file.name())) {
        JenkinsfileReader.Result r = JenkinsfileReader.readWithProblems(file);
        if (r.problem() != null) {
          sink.diagnose(r.problem());
        }
        new JenkinsChecks(file, sink, r.jenkinsfile()).run();
        return;
      }
      if (GitlabPipelineReader.isGitlabName(file.lowerName())) {
        GitlabPipelineReader.read(file).ifPresent(r -> {
          if (r.problem() != null) {
            sink.diagnose(r.problem());
          } else {
            new GitlabChecks(file, sink, r.pipeline()).run();
          }
        });
        return;
      }
      GithubWorkflowReader.read(file).ifPresent(r -> {
        if (r.problem() != null) {
          sink.diagnose(r.problem());
        } else {
          new GithubChecks(file, sink, r.workflow()).run();
        }
      });
    };
  }
}
