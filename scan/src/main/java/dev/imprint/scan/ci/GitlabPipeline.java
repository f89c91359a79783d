package dev.imprint.scan.ci;

import dev.imprint.scan.yaml.YamlMap;
import java.util.List;

/**
 * A GitLab CI pipeline file.
 *
 * @param defaults the top-level and {@code default:} settings, as a job named {@code default}
 * @param jobs the jobs in document order
 * @param root the whole document
 */
public record GitlabPipeline(GitlabJob defaults, List<GitlabJob> jobs, YamlMap root) {
  public GitlabPipeline {
    jobs = List.copyOf(jobs);
  }
}
