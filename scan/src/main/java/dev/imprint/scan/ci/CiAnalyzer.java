package dev.imprint.scan.ci;

import dev.imprint.scan.Analyzer;
import dev.imprint.scan.Rule;
import dev.imprint.scan.ScanSettings;
import dev.imprint.scan.SourceFile;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.regex.Pattern;

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
    return new CiSession();
  }

  /**
   * One scan. GitLab pipelines are read at once; a YAML file under another name that a pipeline
   * pulls in with {@code include: local:} is read as GitLab CI at the end of the scan, when the
   * includes of every pipeline are known.
   */
  private static final class CiSession implements Session {
    /** Lines that suggest a file holds GitLab jobs (kept until the includes are known). */
    private static final Pattern JOB_SHAPE =
        Pattern.compile("(?m)^([ \\t]{1,12}(script|before_script|after_script|extends|stage|image)"
            + "|include):");
    private final Map<String, SourceFile> candidates = new ConcurrentHashMap<>();
    private final Set<String> read = ConcurrentHashMap.newKeySet();
    private final Queue<String[]> includes = new ConcurrentLinkedQueue<>();

    @Override
    public void analyze(SourceFile file, Sink sink) {
      if (JenkinsfileReader.isJenkinsfileName(file.name())) {
        JenkinsfileReader.Result r = JenkinsfileReader.readWithProblems(file);
        if (r.problem() != null) {
          sink.diagnose(r.problem());
        }
        new JenkinsChecks(file, sink, r.jenkinsfile()).run();
        return;
      }
      if (GitlabPipelineReader.isGitlabName(file.lowerName())) {
        read.add(key(file.root(), file.path()));
        String project = file.lowerName().startsWith(".gitlab-ci.")
            ? file.directory() : top(file.root());
        GitlabPipelineReader.read(file).ifPresent(r -> gitlab(file, r, project, sink));
        return;
      }
      String lower = file.lowerName();
      if ((lower.endsWith(".yml") || lower.endsWith(".yaml"))
          && JOB_SHAPE.matcher(file.text()).find()) {
        candidates.put(key(file.root(), file.path()), file);
      }
      GithubWorkflowReader.read(file).ifPresent(r -> {
        if (r.problem() != null) {
          sink.diagnose(r.problem());
        } else {
          new GithubChecks(file, sink, r.workflow()).run();
        }
      });
    }

    private void gitlab(SourceFile file, GitlabPipelineReader.Result r, String project,
        Sink sink) {
      if (r.problem() != null) {
        sink.diagnose(r.problem());
        return;
      }
      new GitlabChecks(file, sink, r.pipeline()).run();
      for (String inc : GitlabPipelineReader.localIncludes(r.pipeline().root())) {
        includes.add(new String[] {file.root(), project, inc});
      }
    }

    @Override
    public void finish(Sink sink) {
      for (int guard = 0; !includes.isEmpty() && guard < 10_000; guard++) {
        String[] inc = includes.poll();
        Pattern p = glob(join(inc[1], inc[2]));
        List<String> matched = new ArrayList<>();
        for (Map.Entry<String, SourceFile> c : candidates.entrySet()) {
          SourceFile f = c.getValue();
          if (f.root().equals(inc[0]) && p.matcher(f.path()).matches()
              && !read.contains(c.getKey())) {
            matched.add(c.getKey());
          }
        }
        java.util.Collections.sort(matched);
        for (String k : matched) {
          read.add(k);
          SourceFile f = candidates.get(k);
          GitlabPipelineReader.readIncluded(f).ifPresent(r -> gitlab(f, r, inc[1], sink));
        }
      }
    }

    private static String key(String root, String path) {
      return root + "\u0000" + path;
    }

    /** The display path of a scan target's top folder ({@code ""} for the current one). */
    private static String top(String root) {
      return root.equals(".") ? "" : root;
    }

    private static String join(String dir, String path) {
      String p = path.startsWith("/") ? path.substring(1) : path;
      return dir.isEmpty() ? p : dir + "/" + p;
    }

    /** GitLab's include wildcards: {@code *} within a folder, {@code **} across folders. */
    private static Pattern glob(String path) {
      StringBuilder re = new StringBuilder();
      for (int i = 0; i < path.length(); i++) {
        char c = path.charAt(i);
        if (c == '*' && i + 1 < path.length() && path.charAt(i + 1) == '*') {
          re.append(".*");
          i++;
        } else if (c == '*') {
          re.append("[^/]*");
        } else {
          re.append(Pattern.quote(String.valueOf(c)));
        }
      }
      return Pattern.compile(re.toString());
    }
  }
}
