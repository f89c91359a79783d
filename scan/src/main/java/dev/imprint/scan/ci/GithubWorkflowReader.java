package dev.imprint.scan.ci;

import dev.imprint.scan.Diagnostic;
import dev.imprint.scan.SourceFile;
import dev.imprint.scan.yaml.YamlList;
import dev.imprint.scan.yaml.YamlMap;
import dev.imprint.scan.yaml.YamlNode;
import dev.imprint.scan.yaml.YamlReader;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Recognises GitHub Actions workflows (files under {@code .github/workflows/}, or any YAML with
 * {@code on:} and a {@code jobs:} map of jobs) and composite actions ({@code action.yml} with
 * {@code runs.using: composite}), and reads them into a {@link GithubWorkflow}.
 */
public final class GithubWorkflowReader {
  private GithubWorkflowReader() {}

  /** The model, or a diagnostic when a file of this kind does not parse. */
  public record Result(GithubWorkflow workflow, Diagnostic problem) {}

  /** Whether the path puts the file among a repository's workflows. */
  public static boolean isWorkflowPath(String path) {
    String p = path.replace('\\', '/');
    return (p.contains(".github/workflows/") || p.startsWith(".github/workflows/"))
        && (p.endsWith(".yml") || p.endsWith(".yaml"));
  }

  /** Reads a file if it is a workflow or a composite action; empty otherwise. */
  public static Optional<Result> read(SourceFile file) {
    String lower = file.lowerName();
    if (!lower.endsWith(".yml") && !lower.endsWith(".yaml")) {
      return Optional.empty();
    }
    boolean byPath = isWorkflowPath(file.path());
    boolean action = lower.equals("action.yml") || lower.equals("action.yaml");
    String text = file.text();
    if (!byPath && !(action && text.contains("composite"))
        && !(text.contains("jobs") && text.contains("on"))) {
      return Optional.empty();
    }
    YamlReader.Result parsed = YamlReader.read(file);
    if (!parsed.ok()) {
      if (!byPath) {
        return Optional.empty();
      }
      YamlReader.YamlProblem p = parsed.problem();
      return Optional.of(new Result(null, new Diagnostic(file.location(p.line(), p.column()),
          Diagnostic.Kind.PARSE_ERROR, "expected a GitHub Actions workflow (YAML with on: and "
              + "jobs:): " + p.message())));
    }
    if (parsed.documents().isEmpty() || !(parsed.documents().get(0) instanceof YamlMap root)) {
      return byPath ? Optional.of(new Result(null, new Diagnostic(file.location(1, 1),
          Diagnostic.Kind.PARSE_ERROR, "expected a GitHub Actions workflow: a YAML map with "
              + "on: and jobs:"))) : Optional.empty();
    }
    if (action && "composite".equals(root.map("runs").str("using"))) {
      return Optional.of(new Result(composite(root), null));
    }
    if (!byPath && !looksLikeWorkflow(root)) {
      return Optional.empty();
    }
    return Optional.of(new Result(workflow(root), null));
  }

  static boolean looksLikeWorkflow(YamlMap root) {
    if (!root.has("on") || !(root.get("jobs") instanceof YamlMap jobs) || jobs.isEmpty()) {
      return false;
    }
    for (YamlNode j : jobs.entries().values()) {
      if (!(j instanceof YamlMap m) || !(m.has("runs-on") || m.has("steps") || m.has("uses"))) {
        return false;
      }
    }
    return true;
  }

  static GithubWorkflow workflow(YamlMap root) {
    Set<String> triggers = new LinkedHashSet<>();
    YamlNode on = root.get("on");
    if (on instanceof YamlMap m) {
      triggers.addAll(m.keys());
    } else if (on instanceof YamlList l) {
      l.forEach(n -> {
        if (n.text() != null) {
          triggers.add(n.text());
        }
      });
    } else if (on != null && on.text() != null) {
      triggers.add(on.text());
    }
    List<GithubJob> jobs = new ArrayList<>();
    YamlMap jm = root.map("jobs");
    for (Map.Entry<String, YamlNode> e : jm.entries().entrySet()) {
      YamlMap job = e.getValue().asMap();
      jobs.add(new GithubJob(e.getKey(), jm.keyLine(e.getKey()), jm.keyColumn(e.getKey()),
          job.get("permissions"), job.str("uses"), job.map("env"), steps(job.list("steps")),
          job));
    }
    return new GithubWorkflow(triggers, root.get("permissions"), root.map("env"), jobs, false,
        root);
  }

  static GithubWorkflow composite(YamlMap root) {
    YamlMap runs = root.map("runs");
    GithubJob job = new GithubJob("composite", root.keyLine("runs"), root.keyColumn("runs"),
        null, null, runs.map("env"), steps(runs.list("steps")), runs);
    return new GithubWorkflow(Set.of(), null, root.map("env"), List.of(job), true, root);
  }

  private static List<GithubStep> steps(YamlList list) {
    List<GithubStep> out = new ArrayList<>();
    for (YamlNode n : list) {
      if (n instanceof YamlMap s) {
        out.add(new GithubStep(s.line(), s.column(), s.str("uses"), s.get("run"), s.map("with"),
            s.map("env"), s));
      }
    }
    return out;
  }
}
