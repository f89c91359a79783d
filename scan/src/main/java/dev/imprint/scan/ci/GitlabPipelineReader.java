package dev.imprint.scan.ci;

import dev.imprint.scan.Diagnostic;
import dev.imprint.scan.SourceFile;
import dev.imprint.scan.yaml.YamlList;
import dev.imprint.scan.yaml.YamlMap;
import dev.imprint.scan.yaml.YamlNode;
import dev.imprint.scan.yaml.YamlReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Reads {@code .gitlab-ci.yml} and included {@code *.gitlab-ci.yml} files. */
public final class GitlabPipelineReader {
  static final Set<String> RESERVED = Set.of("stages", "variables", "include", "default",
      "workflow", "image", "services", "before_script", "after_script", "cache", "spec",
      "types");

  private GitlabPipelineReader() {}

  /** The model, or a diagnostic when the file does not parse. */
  public record Result(GitlabPipeline pipeline, Diagnostic problem) {}

  /** Whether a lower-case file name is a GitLab CI file. */
  public static boolean isGitlabName(String lowerName) {
    return lowerName.equals(".gitlab-ci.yml") || lowerName.equals(".gitlab-ci.yaml")
        || lowerName.endsWith(".gitlab-ci.yml") || lowerName.endsWith(".gitlab-ci.yaml");
  }

  /** Reads a GitLab CI file; empty when the name does not mark one. */
  public static Optional<Result> read(SourceFile file) {
    if (!isGitlabName(file.lowerName())) {
      return Optional.empty();
    }
    return readIncluded(file);
  }

  /**
   * Reads a file another pipeline pulls in with {@code include: local:}, whatever its name;
   * empty when it holds nothing.
   */
  public static Optional<Result> readIncluded(SourceFile file) {
    YamlReader.Result parsed = YamlReader.read(file);
    if (!parsed.ok()) {
      YamlReader.YamlProblem p = parsed.problem();
      return Optional.of(new Result(null, new Diagnostic(file.location(p.line(), p.column()),
          Diagnostic.Kind.PARSE_ERROR, "expected a GitLab CI pipeline (a YAML map of jobs): "
              + p.message())));
    }
    YamlMap root = null;
    for (YamlNode doc : parsed.documents()) {
      // A CI/CD component's spec: header is its own document; the jobs follow it.
      if (doc instanceof YamlMap m && !m.has("spec")) {
        root = m;
      }
    }
    if (root == null) {
      if (parsed.documents().isEmpty()) {
        return Optional.empty();
      }
      return Optional.of(new Result(null, new Diagnostic(file.location(1, 1),
          Diagnostic.Kind.PARSE_ERROR, "expected a GitLab CI pipeline: a YAML map of jobs")));
    }
    return Optional.of(new Result(model(root), null));
  }

  /**
   * The files a pipeline pulls in from its own repository ({@code include: 'path'},
   * {@code include: [{local: path}]}), as written; remote, project, template and component
   * includes come from elsewhere and are left out.
   */
  static List<String> localIncludes(YamlMap root) {
    List<String> out = new ArrayList<>();
    YamlNode inc = root.get("include");
    List<YamlNode> items = inc instanceof YamlList l ? l.items()
        : inc == null ? List.of() : List.of(inc);
    for (YamlNode i : items) {
      String path = i instanceof YamlMap m ? m.str("local") : i.text();
      if (path != null && !path.isBlank() && !path.contains("://") && !path.contains("$")) {
        out.add(path.trim());
      }
    }
    return out;
  }

  static GitlabPipeline model(YamlMap root) {
    YamlMap def = root.map("default");
    List<YamlNode> scripts = new ArrayList<>();
    for (YamlMap m : List.of(root, def)) {
      flatten(m.get("before_script"), scripts);
      flatten(m.get("after_script"), scripts);
    }
    YamlNode image = def.get("image") != null ? def.get("image") : root.get("image");
    YamlList services = def.has("services") ? def.list("services") : root.list("services");
    GitlabJob defaults = new GitlabJob("default", 1, 1, image, services.items(),
        root.map("variables"), scripts, def.has("id_tokens"), def);
    List<GitlabJob> jobs = new ArrayList<>();
    for (Map.Entry<String, YamlNode> e : root.entries().entrySet()) {
      if (RESERVED.contains(e.getKey()) || !(e.getValue() instanceof YamlMap job)) {
        continue;
      }
      List<YamlNode> lines = new ArrayList<>();
      for (String k : List.of("before_script", "script", "after_script")) {
        flatten(job.get(k), lines);
      }
      jobs.add(new GitlabJob(e.getKey(), root.keyLine(e.getKey()), root.keyColumn(e.getKey()),
          job.get("image"), job.list("services").items(), job.map("variables"), lines,
          job.has("id_tokens") || defaults.idTokens(), job));
    }
    return new GitlabPipeline(defaults, jobs, root);
  }

  private static void flatten(YamlNode n, List<YamlNode> out) {
    if (n instanceof YamlList l) {
      for (YamlNode item : l) {
        flatten(item, out);
      }
    } else if (n != null && n.text() != null) {
      out.add(n);
    }
  }
}
