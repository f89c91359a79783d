package dev.imprint.scan.ci;

import dev.imprint.scan.yaml.YamlMap;
import dev.imprint.scan.yaml.YamlNode;
import java.util.List;

/**
 * One job of a GitHub Actions workflow (or the steps of a composite action).
 *
 * @param id the job id
 * @param line 1-based line of the job's key
 * @param column 1-based column of the job's key
 * @param permissions the job's {@code permissions:} node, or {@code null}
 * @param uses the reusable workflow it calls, or {@code null}
 * @param env the job's environment (empty when none)
 * @param steps the job's steps in order
 * @param node the whole job
 */
public record GithubJob(String id, int line, int column, YamlNode permissions, String uses,
    YamlMap env, List<GithubStep> steps, YamlMap node) {
  public GithubJob {
    steps = List.copyOf(steps);
  }
}
